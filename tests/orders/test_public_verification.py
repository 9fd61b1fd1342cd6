"""One-time codes: sending, checking, expiry, the attempt limit and the rate limits."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from orders import verification as v
from orders.models import OutboxMessage, PhoneVerification
from tests.orders.public_helpers import PHONE, last_code

pytestmark = pytest.mark.django_db


def test_send_stores_only_a_hash_and_queues_an_sms():
    ver = v.verification_send(phone=PHONE)
    code = last_code()
    message = OutboxMessage.objects.get(template="otp")
    assert message.channel == "sms" and message.recipient == PHONE
    assert len(code) == 6 and code not in ver.code_hash
    assert ver.expires_at - ver.created_at == timedelta(minutes=10)


def test_right_code_verifies_once():
    v.verification_send(phone=PHONE)
    assert v.verification_check(phone=PHONE, code=last_code()) is True
    with pytest.raises(v.VerificationError) as err:
        v.verification_check(phone=PHONE, code=last_code())
    assert err.value.code == "no_code"


def test_wrong_code_counts_attempts_then_locks():
    v.verification_send(phone=PHONE)
    right = last_code()
    wrong = "000000" if right != "000000" else "111111"
    for left in (4, 3, 2, 1):
        with pytest.raises(v.VerificationError) as err:
            v.verification_check(phone=PHONE, code=wrong)
        assert err.value.code == "wrong_code" and str(left) in err.value.message
    with pytest.raises(v.VerificationError) as err:
        v.verification_check(phone=PHONE, code=wrong)
    assert err.value.code == "locked"
    # Even the right code is dead now.
    with pytest.raises(v.VerificationError) as err:
        v.verification_check(phone=PHONE, code=right)
    assert err.value.code == "locked"
    assert PhoneVerification.objects.get().attempts == 5


def test_malformed_code_costs_no_attempt():
    v.verification_send(phone=PHONE)
    with pytest.raises(v.VerificationError) as err:
        v.verification_check(phone=PHONE, code="12ab")
    assert err.value.code == "bad_code"
    assert PhoneVerification.objects.get().attempts == 0


def test_code_expires_after_ten_minutes():
    sent = timezone.now() - timedelta(minutes=11)
    v.verification_send(phone=PHONE, now=sent)
    with pytest.raises(v.VerificationError) as err:
        v.verification_check(phone=PHONE, code=last_code())
    assert err.value.code == "expired"


def test_a_new_code_retires_the_old_one():
    start = timezone.now() - timedelta(minutes=5)
    v.verification_send(phone=PHONE, now=start)
    old = last_code()
    v.verification_send(phone=PHONE, now=start + timedelta(minutes=2))
    new = last_code()
    if old != new:
        with pytest.raises(v.VerificationError):
            v.verification_check(phone=PHONE, code=old)
    assert v.verification_check(phone=PHONE, code=new)


def test_rate_limit_per_phone():
    start = timezone.now() - timedelta(minutes=50)
    v.verification_send(phone=PHONE, now=start)
    with pytest.raises(v.VerificationError) as err:
        v.verification_send(phone=PHONE, now=start + timedelta(seconds=30))
    assert err.value.code == "too_soon"
    for i in range(1, 5):
        v.verification_send(phone=PHONE, now=start + timedelta(minutes=2 * i))
    with pytest.raises(v.VerificationError) as err:
        v.verification_send(phone=PHONE, now=start + timedelta(minutes=20))
    assert err.value.code == "too_many"
    assert PhoneVerification.objects.count() == 5
    # An hour later it is allowed again.
    v.verification_send(phone=PHONE, now=start + timedelta(minutes=61))


def test_rate_limit_per_session_across_phones():
    session: dict = {}
    start = timezone.now() - timedelta(minutes=30)
    for i in range(5):
        v.verification_send(
            phone=f"1380013800{i}", now=start + timedelta(minutes=i * 2), session=session
        )
    with pytest.raises(v.VerificationError) as err:
        v.verification_send(phone="13800138009", now=start + timedelta(minutes=15), session=session)
    assert err.value.code == "too_many"
    with pytest.raises(v.VerificationError) as err:
        v.verification_send(
            phone="13800138009", now=start + timedelta(minutes=8, seconds=10), session=session
        )
    assert err.value.code == "too_soon"


def test_bad_phone_is_refused():
    with pytest.raises(v.VerificationError) as err:
        v.verification_send(phone="12345")
    assert err.value.code == "bad_phone"
    assert not OutboxMessage.objects.exists()


def test_session_memory_expires_after_thirty_minutes():
    session: dict = {}
    past = timezone.now() - timedelta(minutes=31)
    v.remember_verified(session, phone=PHONE, now=past)
    assert v.verified_phone(session) == ""
    v.remember_verified(session, phone=PHONE)
    assert v.verified_phone(session) == PHONE


def test_mask_phone():
    assert v.mask_phone(PHONE) == "138****8000"


@pytest.mark.django_db
def test_resend_wait_counts_down_from_the_last_send_of_this_session():
    session: dict = {}
    assert v.resend_wait(session) == 0
    v.verification_send(phone=PHONE, session=session, client_ip="10.0.0.1")
    now = timezone.now()
    assert 59 <= v.resend_wait(session, now=now) <= 60
    assert 14 <= v.resend_wait(session, now=now + timedelta(seconds=45)) <= 15
    assert v.resend_wait(session, now=now + timedelta(seconds=61)) == 0
