"""Helpers for the resident-side tests: read the code from the outbox, verify a phone."""

from __future__ import annotations

import io
import re

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from orders.models import OutboxMessage

PHONE = "13800138000"


def last_code(phone: str = PHONE) -> str:
    message = OutboxMessage.objects.filter(recipient=phone, template="otp").order_by("-id").first()
    assert message is not None, "no code was sent"
    return re.search(r"\d{6}", message.body).group(0)


def png(name: str = "photo.png") -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(out, format="PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


def order_data(world, **overrides) -> dict:
    data = {
        "action": "place",
        "area_code": world.microgrid.code,
        "category": world.category.pk,
        "nature": "help",
        "urgency": "normal",
        "description": "3栋楼道灯坏了一个星期",
        "resident_phone": PHONE,
        "resident_name": "王阿姨",
        "otp_code": "",
    }
    data.update(overrides)
    return data


def send_code(client, url: str = "/r/", phone: str = PHONE, **extra):
    return client.post(url, {"action": "send_code", "resident_phone": phone}, **extra)


def prove_phone(client, phone: str = PHONE) -> None:
    """Make ``client``'s session one that proved ``phone`` by a code (as after /me/), which
    rating and cancelling through the tracking link require."""
    from orders import verification

    session = client.session
    verification.remember_verified(session, phone=phone)
    session.save()
