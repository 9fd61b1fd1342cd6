"""Fulfilment photos (wishes and commitments): stored like order photos, served only to
those who may see them, and a bad upload gets a clear message and changes nothing."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from orders import verification
from parties import commitments
from parties.models import CommitmentFulfilment, MicroWish
from parties.wishes.lifecycle import WishStatus
from tests.parties.helpers import RESIDENT_PHONE, verified_member, wish_in

pytestmark = pytest.mark.django_db


def png(name: str = "done.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def staff(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_a_wish_fulfilled_with_a_photo(world, member):
    wish = wish_in(world, member, WishStatus.CLAIMED)
    client = staff(member.user)
    client.post(f"/party/wishes/{wish.pk}/fulfil/", {"note": "书已送到", "photo": png()})
    wish.refresh_from_db()
    assert wish.status == WishStatus.FULFILLED and wish.fulfil_photo.name.startswith("wishes/")
    url = f"/party/wishes/{wish.pk}/photo/"
    assert client.get(url).status_code == 200
    assert staff(world.dispatcher).get(url).status_code == 200
    assert staff(world.other_dispatcher).get(url).status_code == 404
    other = verified_member(world, phone="13500135002", name="周建国")
    assert staff(other.user).get(url).status_code == 404
    # The resident who posted it, with their proved phone; nobody else on the public side.
    resident = Client()
    session = resident.session
    verification.remember_verified(session, phone=RESIDENT_PHONE)
    session.save()
    public = f"/c/{world.community.code}/wishes/{wish.pk}/photo/"
    assert resident.get(public).status_code == 200
    assert Client().get(public).status_code == 404
    assert 'href="/party/wishes/' in client.get("/party/").content.decode()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("evil.png", b"<?php echo 1; ?>", content_type="image/png"),
        SimpleUploadedFile("big.png", b"\x89PNG" + b"0" * (5 * 1024 * 1024 + 1)),
    ],
    ids=["not-an-image", "too-large"],
)
def test_a_bad_photo_is_refused_with_a_message(world, member, upload):
    wish = wish_in(world, member, WishStatus.CLAIMED)
    client = staff(member.user)
    response = client.post(
        f"/party/wishes/{wish.pk}/fulfil/", {"note": "书已送到", "photo": upload}, follow=True
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "照片" in page and ("图片" in page or "5 MB" in page)
    wish.refresh_from_db()
    assert wish.status == WishStatus.CLAIMED and not wish.fulfil_photo
    # The same on a commitment's fulfilment record.
    today = timezone.localdate()
    pledge = commitments.commitment_make(
        actor=member.user,
        title="每月陪老人聊天",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    upload.seek(0)
    response = client.post(
        f"/party/commitments/{pledge.pk}/fulfil/",
        {"note": "陪了两小时", "done_on": today.isoformat(), "photo": upload},
        follow=True,
    )
    assert response.status_code == 200
    assert not CommitmentFulfilment.objects.exists()


def test_a_commitment_fulfilment_with_a_photo(world, member):
    today = timezone.localdate()
    pledge = commitments.commitment_make(
        actor=member.user,
        title="每月陪老人聊天",
        starts_on=today,
        ends_on=today + timedelta(days=30),
    )
    client = staff(member.user)
    client.post(
        f"/party/commitments/{pledge.pk}/fulfil/",
        {"note": "陪了两小时", "done_on": today.isoformat(), "photo": png()},
    )
    row = CommitmentFulfilment.objects.get()
    assert row.photo.name.startswith("commitments/")
    url = f"/party/fulfilments/{row.pk}/photo/"
    assert client.get(url).status_code == 200
    assert staff(world.dispatcher).get(url).status_code == 200
    assert staff(world.other_dispatcher).get(url).status_code == 404
    assert staff(world.grid_leader).get(url).status_code == 404
    page = staff(world.dispatcher).get(f"/party/staff/members/{member.pk}/").content.decode()
    assert url in page
    # Without a photo it works as before; nothing to serve.
    client.post(
        f"/party/commitments/{pledge.pk}/fulfil/",
        {"note": "又陪了一次", "done_on": today.isoformat()},
    )
    plain = CommitmentFulfilment.objects.exclude(pk=row.pk).get()
    assert client.get(f"/party/fulfilments/{plain.pk}/photo/").status_code == 404
    assert MicroWish.objects.count() == 0
