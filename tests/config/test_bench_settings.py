"""The benchmark settings (``make bench``): refused in production, and what they change."""

from __future__ import annotations

import pytest
from django.test import override_settings

from orders import verification
from orders.errors import OrderError
from tests.config.test_settings import run_settings

LOAD_BENCH = "import config.settings.bench as s; print(s.SIDAN_BENCH_TRUST_PHONE, s.DEBUG)"
STRONG_KEY = "k" * 20 + "abcdefghijklmnopqrstuvwxyz0123456789"


def test_bench_settings_refuse_production(tmp_path) -> None:
    result = run_settings(
        tmp_path,
        code=LOAD_BENCH,
        DJANGO_ENV="production",
        DJANGO_SECRET_KEY=STRONG_KEY,
        DJANGO_ALLOWED_HOSTS="sidan.example.cn",
    )

    assert result.returncode != 0
    assert "config.settings.bench is for the benchmark only" in result.stderr


def test_bench_settings_load_outside_production(tmp_path) -> None:
    result = run_settings(tmp_path, code=LOAD_BENCH)

    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["True", "False"]


def test_base_settings_never_trust_a_posted_phone() -> None:
    from config.settings import base

    assert base.SIDAN_BENCH_TRUST_PHONE is False


def test_trusted_phone_only_under_the_bench_switch_and_never_in_production() -> None:
    session: dict = {}
    with pytest.raises(OrderError):
        verification.ensure_verified(session, phone="13912345678", code="")
    with override_settings(SIDAN_BENCH_TRUST_PHONE=True):
        verification.ensure_verified(session, phone="13912345678", code="")
    with override_settings(SIDAN_BENCH_TRUST_PHONE=True, PRODUCTION=True):
        with pytest.raises(OrderError):
            verification.ensure_verified(session, phone="13912345678", code="")


@pytest.mark.django_db
def test_ceiling_view_is_one_query_and_only_routed_by_the_bench_urls(
    client, django_assert_num_queries
):
    from orders.models import Order

    with override_settings(ROOT_URLCONF="config.bench_urls"):
        with django_assert_num_queries(1):
            response = client.get("/bench/ceiling/")
        assert response.status_code == 200
        assert Order.objects.count() == 0
    assert client.get("/bench/ceiling/").status_code == 404
