"""What the staff views share."""

from __future__ import annotations

from django.http import Http404, HttpRequest

from grids import access


def require_role(request: HttpRequest, roles) -> None:
    """404 unless the user holds one of ``roles`` (a page they have no business seeing)."""
    if not access.has_role(request.user, *roles):
        raise Http404
