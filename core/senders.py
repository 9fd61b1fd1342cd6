"""Pluggable senders, one per channel, chosen by ``settings.SIDAN_SENDERS``.

A sender has one method, ``send(message)``; it raises on failure (the outbox records the
error and retries with backoff). ``SmsGatewaySender`` posts JSON to
``SIDAN_SMS_GATEWAY_URL`` with ``SIDAN_SMS_GATEWAY_KEY``; the outbox message id travels as
an idempotency key so a gateway that honours it never sends twice.
"""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from typing import Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from core import redact
from core.models import AbstractOutboxMessage as OutboxMessage

log = logging.getLogger("sidan.outbox")


class Sender(Protocol):
    def send(self, message: OutboxMessage) -> None: ...


class SendError(Exception):
    pass


class ConsoleSender:
    """Development: the message goes to the log (and stays visible in /staff/outbox/).
    Tracking links and codes are masked unless ``SIDAN_DEV_REVEAL_SECRETS`` is on."""

    def send(self, message: OutboxMessage) -> None:
        body = redact.redact_message(body=message.body, template=message.template)
        log.info("[%s → %s] %s", message.channel, message.recipient, body)


class EmailSender:
    """Django's email backend; ``recipient`` is an address."""

    def send(self, message: OutboxMessage) -> None:
        if "@" not in message.recipient:
            raise SendError(f"not an email address: {message.recipient!r}")
        subject = (
            message.payload.get("subject") or message.body.split("】", 1)[0].lstrip("【") or "四单"
        )
        send_mail(subject, message.body, settings.DEFAULT_FROM_EMAIL, [message.recipient])


class SmsGatewaySender:
    """An HTTP SMS gateway: POST {"to", "text", "template", "id"} as JSON with a bearer key."""

    def __init__(
        self, *, url: str | None = None, api_key: str | None = None, timeout: float | None = None
    ):
        self.url = url if url is not None else settings.SIDAN_SMS_GATEWAY_URL
        self.api_key = api_key if api_key is not None else settings.SIDAN_SMS_GATEWAY_KEY
        self.timeout = timeout if timeout is not None else settings.SIDAN_SMS_GATEWAY_TIMEOUT

    def build_request(self, message: OutboxMessage) -> urllib.request.Request:
        body = json.dumps(
            {
                "to": message.recipient,
                "text": message.body,
                "template": message.template,
                "id": message.pk,
            },
            ensure_ascii=False,
        ).encode()
        return urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={
                "Content-Type": "application/json; charset=utf-8",
                "Authorization": f"Bearer {self.api_key}",
                "Idempotency-Key": f"sidan-outbox-{message.pk}",
            },
        )

    def send(self, message: OutboxMessage) -> None:
        if not self.url:
            raise SendError("SIDAN_SMS_GATEWAY_URL is not set")
        try:
            with urllib.request.urlopen(
                self.build_request(message), timeout=self.timeout
            ) as response:
                status = response.status
        except urllib.error.HTTPError as exc:
            raise SendError(f"gateway answered {exc.code}") from exc
        except (urllib.error.URLError, TimeoutError, OSError) as exc:
            raise SendError(f"gateway unreachable: {exc}") from exc
        if not 200 <= status < 300:
            raise SendError(f"gateway answered {status}")


class FakeSmsSender:
    """Tests: records what would be sent; set ``fail_next`` to make the next sends raise."""

    sent: list[tuple[str, str]] = []
    fail_next: int = 0

    def send(self, message: OutboxMessage) -> None:
        if FakeSmsSender.fail_next > 0:
            FakeSmsSender.fail_next -= 1
            raise SendError("fake gateway down")
        FakeSmsSender.sent.append((message.recipient, message.body))

    @classmethod
    def reset(cls) -> None:
        cls.sent = []
        cls.fail_next = 0


def sender_for(channel: str) -> Sender:
    path = settings.SIDAN_SENDERS.get(channel) or settings.SIDAN_SENDERS.get("console")
    return import_string(path)()
