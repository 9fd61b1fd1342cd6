"""Phone verification by one-time code (短信验证码) for residents, who have no account.

Rules:

* a code is 6 digits, stored only as a keyed hash (``PhoneVerification.code_hash``);
* it expires ``CODE_TTL`` (10 minutes) after it is sent; sending a new code retires
  the older ones for that phone;
* a code accepts at most ``MAX_ATTEMPTS`` (5) wrong guesses, then it is dead;
* sending is rate-limited per phone (1 per ``SEND_INTERVAL``, ``SENDS_PER_HOUR`` per hour)
  and, when the caller passes the session, per browser session as well;
* the code travels through the notification outbox (channel "sms", template "otp");
* a verified phone is remembered in the session for ``SESSION_TTL`` (30 minutes) so a
  resident placing several orders or looking at their orders is not asked again.
"""

from __future__ import annotations

import hmac
import re
import secrets
from collections.abc import MutableMapping
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _

from core.phones import mask_phone as mask_phone  # re-exported (one implementation)
from orders import notify
from orders.errors import OrderError
from orders.models import PhoneVerification

CODE_TTL = timedelta(minutes=10)
MAX_ATTEMPTS = 5
SEND_INTERVAL = timedelta(seconds=60)
SENDS_PER_HOUR = 5
SESSION_SENDS_PER_HOUR = 5
SESSION_TTL = timedelta(minutes=30)

PHONE_RE = re.compile(r"^1[3-9]\d{9}$")
CODE_RE = re.compile(r"^\d{6}$")
_SESSION_VERIFIED = "sidan_verified_phone"
_SESSION_SENDS = "sidan_code_sends"


class VerificationError(OrderError):
    """A refused send or check; ``code`` for programs, ``message`` for people."""


def _hash(*, phone: str, code: str) -> str:
    return salted_hmac(
        "sidan.phone-verification", f"{phone}:{code}", algorithm="sha256"
    ).hexdigest()


def _check_phone(phone: str) -> str:
    phone = (phone or "").strip()
    if not PHONE_RE.match(phone):
        raise VerificationError("bad_phone", _("请输入 11 位中国大陆手机号码。"))
    return phone


def _wait_message(seconds: float) -> str:
    return _("验证码发送太频繁，请 %(n)s 秒后再试。") % {"n": max(1, int(seconds) + 1)}


def _session_throttle(session: MutableMapping, now: datetime) -> list[float]:
    """Recent send times (epoch seconds) of this session; raises when over the limit."""
    hour_ago = (now - timedelta(hours=1)).timestamp()
    sends = [
        t for t in session.get(_SESSION_SENDS, []) if isinstance(t, (int, float)) and t > hour_ago
    ]
    if sends and now.timestamp() - max(sends) < SEND_INTERVAL.total_seconds():
        raise VerificationError(
            "too_soon",
            _wait_message(SEND_INTERVAL.total_seconds() - (now.timestamp() - max(sends))),
        )
    if len(sends) >= SESSION_SENDS_PER_HOUR:
        raise VerificationError("too_many", _("本机一小时内获取验证码次数过多，请稍后再试。"))
    return sends


def verification_send(
    *, phone: str, now: datetime | None = None, session: MutableMapping | None = None
) -> PhoneVerification:
    """Create a fresh code for ``phone`` and queue it as an SMS; refuse when rate-limited."""
    phone = _check_phone(phone)
    now = now or timezone.now()
    session_sends = _session_throttle(session, now) if session is not None else None
    code = f"{secrets.randbelow(10**6):06d}"
    with transaction.atomic():
        # Lock this phone's recent rows so two parallel sends cannot both pass the limit.
        recent = list(
            PhoneVerification.objects.select_for_update()
            .filter(phone=phone, created_at__gt=now - timedelta(hours=1))
            .order_by("-created_at")
        )
        if recent and now - recent[0].created_at < SEND_INTERVAL:
            wait = (SEND_INTERVAL - (now - recent[0].created_at)).total_seconds()
            raise VerificationError("too_soon", _wait_message(wait))
        if len(recent) >= SENDS_PER_HOUR:
            raise VerificationError(
                "too_many", _("这个号码一小时内获取验证码次数过多，请稍后再试。")
            )
        # Only the newest code is valid.
        PhoneVerification.objects.filter(
            phone=phone, verified_at__isnull=True, expires_at__gt=now
        ).update(expires_at=now)
        verification = PhoneVerification.objects.create(
            phone=phone,
            code_hash=_hash(phone=phone, code=code),
            created_at=now,
            expires_at=now + CODE_TTL,
        )
        notify.queue_message(
            recipient=phone,
            channel="sms",
            template="otp",
            body=_("【四单】您的验证码是 %(code)s，%(minutes)s 分钟内有效。请勿告诉他人。")
            % {"code": code, "minutes": int(CODE_TTL.total_seconds() // 60)},
            payload={"verification_id": verification.pk},
        )
    if session is not None:
        session[_SESSION_SENDS] = [*session_sends, now.timestamp()]
    return verification


def verification_check(*, phone: str, code: str, now: datetime | None = None) -> bool:
    """True when ``code`` is the live code for ``phone``; otherwise raises ``VerificationError``.

    Codes: ``bad_phone``, ``bad_code`` (not 6 digits, costs no attempt), ``no_code``,
    ``expired``, ``locked`` (too many wrong attempts), ``wrong_code`` (one attempt used).
    """
    phone = _check_phone(phone)
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise VerificationError("bad_code", _("请输入短信里的 6 位数字验证码。"))
    now = now or timezone.now()
    with transaction.atomic():
        verification = (
            PhoneVerification.objects.select_for_update()
            .filter(phone=phone, verified_at__isnull=True)
            .order_by("-created_at", "-id")
            .first()
        )
        if verification is None:
            raise VerificationError("no_code", _("请先获取验证码。"))
        if verification.expires_at <= now:
            raise VerificationError("expired", _("验证码已过期，请重新获取。"))
        if verification.attempts >= MAX_ATTEMPTS:
            raise VerificationError("locked", _("验证码输错次数过多，请重新获取。"))
        if hmac.compare_digest(verification.code_hash, _hash(phone=phone, code=code)):
            verification.verified_at = now
            verification.save(update_fields=["verified_at"])
            return True
        verification.attempts += 1
        verification.save(update_fields=["attempts"])
        left = MAX_ATTEMPTS - verification.attempts
    if left <= 0:
        raise VerificationError("locked", _("验证码输错次数过多，请重新获取。"))
    raise VerificationError("wrong_code", _("验证码不正确，还可以再试 %(n)s 次。") % {"n": left})


# --- the session's memory of a verified phone ---------------------------------


def remember_verified(session: MutableMapping, *, phone: str, now: datetime | None = None) -> None:
    now = now or timezone.now()
    session[_SESSION_VERIFIED] = {"phone": phone, "until": (now + SESSION_TTL).timestamp()}


def verified_phone(session: MutableMapping, *, now: datetime | None = None) -> str:
    """The phone this session proved within ``SESSION_TTL``, or ""."""
    value = session.get(_SESSION_VERIFIED)
    now = now or timezone.now()
    if not isinstance(value, dict) or not isinstance(value.get("until"), (int, float)):
        return ""
    if value["until"] <= now.timestamp():
        session.pop(_SESSION_VERIFIED, None)
        return ""
    return str(value.get("phone", ""))


def forget_verified(session: MutableMapping) -> None:
    session.pop(_SESSION_VERIFIED, None)


def ensure_verified(session: MutableMapping, *, phone: str, code: str) -> None:
    """Pass when the session already proved ``phone`` or ``code`` proves it now; else raise."""
    if phone and verified_phone(session) == phone:
        return
    if not (code or "").strip():
        raise VerificationError("unverified", _("请先获取并填写短信验证码，验证手机号码。"))
    verification_check(phone=phone, code=code)
    remember_verified(session, phone=phone)
