"""Holds a signed-in staff user at the account pages until their account is in order.

- after an administrator reset their password, they must choose a new one first;
- a user who needs two-factor login (``accounts.twofactor.requires_2fa``) and has not
  verified this session is sent to enrolment (no device yet) or verification.

Everything else of the site — staff pages, the admin, HTMX fragments — is out of reach
until then; HTMX requests get an ``HX-Redirect`` instead of a fragment.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse

from accounts.twofactor import confirmed_device, requires_2fa

# Set on login when an administrator reset the password (accounts.signals).
MUST_CHANGE_KEY = "sidan_must_change_password"
TRACKED_KEY = "sidan_tracked_session"
SEEN_KEY = "sidan_seen"
# Paths a held user may still reach: the account pages, logging out, switching language.
OPEN_PREFIXES = ("/account/", "/logout/", "/i18n/", "/static/", "/healthz")


def renew(session, *, now: float | None = None) -> None:
    """Mark the session modified (so it is saved with a fresh expiry) once a minute at most."""
    now = time.time() if now is None else now
    seen = session.get(SEEN_KEY)
    if not isinstance(seen, (int, float)) or now - seen >= settings.SIDAN_SESSION_RENEW_SECONDS:
        session[SEEN_KEY] = now


class StaffAccountMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(OPEN_PREFIXES)
        ):
            self._track(request, user)
            renew(request.session)
            target = self._hold(request, user)
            if target:
                if request.headers.get("HX-Request"):
                    response = HttpResponse(status=204)
                    response["HX-Redirect"] = target
                    return response
                return redirect(target)
        return self.get_response(request)

    @staticmethod
    def _track(request: HttpRequest, user) -> None:
        """Keep the session index current when the key was cycled (password change)."""
        key = request.session.session_key
        if key and request.session.get(TRACKED_KEY) != key:
            from accounts.models import StaffSession

            StaffSession.objects.update_or_create(session_key=key, defaults={"user": user})
            request.session[TRACKED_KEY] = key

    def _hold(self, request: HttpRequest, user) -> str | None:
        if request.session.get(MUST_CHANGE_KEY):
            return reverse("accounts:password_change")
        if requires_2fa(user) and not user.is_verified():
            if confirmed_device(user) is None:
                return reverse("accounts:twofactor_setup")
            return reverse("accounts:twofactor_verify")
        return None
