"""Sessions expire after inactivity and end everywhere when a user is deactivated or loses
their last post."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from grids.models import Post, PostRole
from tests.factories import DEFAULT_PASSWORD, area_chain, user_with_post

pytestmark = pytest.mark.django_db


def signed_in(user, ip: str) -> Client:
    client = Client()
    response = client.post(
        "/login/", {"username": user.username, "password": DEFAULT_PASSWORD}, REMOTE_ADDR=ip
    )
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    return client


def test_sessions_last_two_idle_hours_and_requests_renew_them() -> None:
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    user = user_with_post(role=PostRole.GRID_WORKER, area=area_chain(level=3)[-1])
    client = signed_in(user, "10.0.0.1")
    Session.objects.update(expire_date=timezone.now() + timedelta(minutes=5))
    session = client.session
    session["sidan_seen"] = 0  # last renewed long ago
    session.save()

    assert client.get("/").status_code == 200
    expiry = Session.objects.get().expire_date
    assert expiry > timezone.now() + timedelta(hours=1, minutes=59)


def test_an_active_session_is_renewed_at_most_once_a_minute() -> None:
    from accounts.middleware import SEEN_KEY, renew

    session: dict = {}
    renew(session, now=1000.0)
    renew(session, now=1030.0)
    assert session[SEEN_KEY] == 1000.0
    renew(session, now=1061.0)
    assert session[SEEN_KEY] == 1061.0


def test_an_idle_session_is_over() -> None:
    user = user_with_post(role=PostRole.GRID_WORKER, area=area_chain(level=3)[-1])
    client = signed_in(user, "10.0.0.1")
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))

    assert client.get("/").status_code == 302


def test_deactivating_a_user_ends_all_their_sessions() -> None:
    user = user_with_post(role=PostRole.GRID_WORKER, area=area_chain(level=3)[-1])
    phone, desk = signed_in(user, "10.0.0.1"), signed_in(user, "10.0.0.2")
    assert Session.objects.count() == 2

    user.is_active = False
    user.save()

    assert Session.objects.count() == 0
    assert phone.get("/").status_code == 302
    assert desk.get("/").status_code == 302


def test_losing_the_last_post_ends_all_sessions_but_losing_one_of_two_does_not() -> None:
    chain = area_chain(level=3)
    user = user_with_post(role=PostRole.GRID_WORKER, area=chain[-1])
    Post.objects.create(user=user, role=PostRole.GRID_LEADER, area=chain[-1])
    client = signed_in(user, "10.0.0.1")

    Post.objects.filter(user=user).first().delete()
    assert client.get("/").status_code == 200

    for post in Post.objects.filter(user=user):
        post.delete()
    assert client.get("/").status_code == 302
    assert Session.objects.count() == 0


def test_logging_out_forgets_the_session_index_entry() -> None:
    from accounts.models import StaffSession

    user = user_with_post(role=PostRole.GRID_WORKER, area=area_chain(level=3)[-1])
    client = signed_in(user, "10.0.0.1")
    assert StaffSession.objects.filter(user=user).count() == 1

    client.post("/logout/")
    assert StaffSession.objects.filter(user=user).count() == 0
