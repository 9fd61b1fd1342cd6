"""Phone verification by one-time code (短信验证码) for residents, who have no account.

Rules:

* a code is 6 digits, stored only as a keyed hash (``PhoneVerification.code_hash``);
* it expires ``CODE_TTL`` (10 minutes) after it is sent; sending a new code retires
  the older ones for that phone;
* wrong guesses are counted per guesser and per phone, separately, so a stranger cannot
  kill a resident's live code: one browser session (and one address) may make
  ``MAX_ATTEMPTS`` (5) wrong guesses, then *it* is locked out for ``GUESS_LOCK``; the code
  itself dies only after ``PHONE_MAX_ATTEMPTS`` (20) wrong guesses from everyone together
  (a caller without a session is one guesser: the code dies after 5, as before);
* sending is rate-limited per phone (1 per ``SEND_INTERVAL``, ``SENDS_PER_HOUR`` per hour),
  per browser session, per client address (``SIDAN_OTP_SENDS_PER_IP_HOUR``) and for the
  whole site (``SIDAN_OTP_SENDS_PER_MINUTE``); the address and site counters live in the
  shared cache (Redis in production), so every web process sees the same counts;
* the code travels through the notification outbox (channel "sms", template "otp");
* a verified phone is remembered in the session for ``SESSION_TTL`` (30 minutes) so a
  resident placing several orders or looking at their orders is not asked again.
"""

from __future__ import annotations

import hmac
import math
import re
import secrets
from collections.abc import MutableMapping
from datetime import datetime, timedelta

from django.conf import settings
from django.core.cache import cache
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
PHONE_MAX_ATTEMPTS = 20
GUESS_LOCK = timedelta(minutes=15)
_SESSION_GUESSES = "sidan_code_guesses"

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


def resend_wait(session: MutableMapping, *, now: datetime | None = None) -> int:
    """Whole seconds before this session may ask for another code (0: it may now) —
    what the code button counts down from."""
    now = now or timezone.now()
    sends = [t for t in session.get(_SESSION_SENDS, []) if isinstance(t, (int, float))]
    if not sends:
        return 0
    left = SEND_INTERVAL.total_seconds() - (now.timestamp() - max(sends))
    return max(0, math.ceil(left))


def _count(key: str, *, window: int) -> int:
    """A fixed-window counter in the shared cache; returns the count after this one."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=window)
        return 1


def _peek(key: str) -> int:
    value = cache.get(key)
    return value if isinstance(value, int) else 0


def _shared_throttle(*, client_ip: str, now: datetime) -> None:
    """Per address and site-wide send limits, counted across every web process."""
    minute = int(now.timestamp() // 60)
    if _peek(f"sidan:otp:all:{minute}") >= settings.SIDAN_OTP_SENDS_PER_MINUTE:
        raise VerificationError(
            "busy", _("现在获取验证码的人比较多，请您稍等一两分钟再试，给您添麻烦了。")
        )
    if client_ip:
        hour = int(now.timestamp() // 3600)
        if _peek(f"sidan:otp:ip:{client_ip}:{hour}") >= settings.SIDAN_OTP_SENDS_PER_IP_HOUR:
            raise VerificationError(
                "too_many_here",
                _("您所在的网络一小时内获取验证码的次数已经很多了，请稍后再试，谢谢您的理解。"),
            )


def _count_send(*, client_ip: str, now: datetime) -> None:
    _count(f"sidan:otp:all:{int(now.timestamp() // 60)}", window=120)
    if client_ip:
        _count(f"sidan:otp:ip:{client_ip}:{int(now.timestamp() // 3600)}", window=7200)


def verification_send(
    *,
    phone: str,
    now: datetime | None = None,
    session: MutableMapping | None = None,
    client_ip: str = "",
    area_path: str = "",
) -> PhoneVerification:
    """Create a fresh code for ``phone`` and queue it as an SMS; refuse when rate-limited.

    ``area_path``: the place the code was asked from (a QR page, an order), which puts the
    message in that place's staff outbox; without it, the message is in no staff scope."""
    phone = _check_phone(phone)
    now = now or timezone.now()
    session_sends = _session_throttle(session, now) if session is not None else None
    _shared_throttle(client_ip=client_ip, now=now)
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
            area_path=area_path,
        )
    _count_send(client_ip=client_ip, now=now)
    if session is not None:
        session[_SESSION_SENDS] = [*session_sends, now.timestamp()]
    return verification


def _guesser_locked(session: MutableMapping | None, client_ip: str, now: datetime) -> bool:
    since = (now - GUESS_LOCK).timestamp()
    if session is not None:
        recent = [t for t in session.get(_SESSION_GUESSES, []) if isinstance(t, (int, float))]
        if len([t for t in recent if t > since]) >= MAX_ATTEMPTS:
            return True
    return bool(client_ip) and _peek(f"sidan:otp:guess:{client_ip}") >= MAX_ATTEMPTS * 2


def _count_wrong_guess(session: MutableMapping | None, client_ip: str, now: datetime) -> int:
    """Count a wrong guess against the guesser; returns the guesses it has left."""
    if client_ip:
        _count(f"sidan:otp:guess:{client_ip}", window=int(GUESS_LOCK.total_seconds()))
    if session is None:
        return MAX_ATTEMPTS
    since = (now - GUESS_LOCK).timestamp()
    recent = [
        t for t in session.get(_SESSION_GUESSES, []) if isinstance(t, (int, float)) and t > since
    ]
    session[_SESSION_GUESSES] = [*recent, now.timestamp()]
    return MAX_ATTEMPTS - len(recent) - 1


def verification_check(
    *,
    phone: str,
    code: str,
    now: datetime | None = None,
    session: MutableMapping | None = None,
    client_ip: str = "",
) -> bool:
    """True when ``code`` is the live code for ``phone``; otherwise raises ``VerificationError``.

    Codes: ``bad_phone``, ``bad_code`` (not 6 digits, costs no attempt), ``no_code``,
    ``expired``, ``guesser_locked`` (this session or address guessed wrong too often; the
    code lives on), ``locked`` (the code had too many wrong guesses), ``wrong_code``.
    """
    phone = _check_phone(phone)
    code = (code or "").strip()
    if not CODE_RE.match(code):
        raise VerificationError("bad_code", _("请输入短信里的 6 位数字验证码。"))
    now = now or timezone.now()
    if _guesser_locked(session, client_ip, now):
        raise VerificationError(
            "guesser_locked",
            _("验证码输错次数过多，请 %(n)s 分钟后再试。")
            % {"n": int(GUESS_LOCK.total_seconds() // 60)},
        )
    # A caller without a session is a single guesser: its code dies after MAX_ATTEMPTS.
    code_limit = MAX_ATTEMPTS if session is None else PHONE_MAX_ATTEMPTS
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
        if verification.attempts >= code_limit:
            raise VerificationError("locked", _("验证码输错次数过多，请重新获取。"))
        if hmac.compare_digest(verification.code_hash, _hash(phone=phone, code=code)):
            verification.verified_at = now
            verification.save(update_fields=["verified_at"])
            return True
        verification.attempts += 1
        verification.save(update_fields=["attempts"])
        left = min(code_limit - verification.attempts, _count_wrong_guess(session, client_ip, now))
    if verification.attempts >= code_limit:
        raise VerificationError("locked", _("验证码输错次数过多，请重新获取。"))
    if left <= 0:
        raise VerificationError(
            "guesser_locked",
            _("验证码输错次数过多，请 %(n)s 分钟后再试。")
            % {"n": int(GUESS_LOCK.total_seconds() // 60)},
        )
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


def ensure_verified(session: MutableMapping, *, phone: str, code: str, client_ip: str = "") -> None:
    """Pass when the session already proved ``phone`` or ``code`` proves it now; else raise.

    Wrong guesses count against this session (and address), not only against the code."""
    if settings.SIDAN_BENCH_TRUST_PHONE and not settings.PRODUCTION:
        return  # config.settings.bench only (make bench drives the submit POST with wrk)
    if phone and verified_phone(session) == phone:
        return
    if not (code or "").strip():
        raise VerificationError("unverified", _("请先获取并填写短信验证码，验证手机号码。"))
    verification_check(phone=phone, code=code, session=session, client_ip=client_ip)
    remember_verified(session, phone=phone)
