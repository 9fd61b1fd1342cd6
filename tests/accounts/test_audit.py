"""The audit log: logins (success and failure), every admin change, account actions and
exports of personal data are recorded; the database refuses to change or delete a line
(PostgreSQL and SQLite triggers made by the migration); superusers read and export it."""

from __future__ import annotations

from io import BytesIO

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from openpyxl import load_workbook

from core import audit
from core.models import AuditEntry
from grids.models import PostRole
from orders.models import Category
from tests.factories import (
    DEFAULT_PASSWORD,
    SuperuserFactory,
    UserFactory,
    area_chain,
    user_with_post,
)

pytestmark = pytest.mark.django_db


def test_logins_and_failures_are_recorded_with_the_address() -> None:
    UserFactory(username="wang")
    Client().post("/login/", {"username": "wang", "password": "wrong"}, REMOTE_ADDR="10.0.0.7")
    Client().post(
        "/login/", {"username": "wang", "password": DEFAULT_PASSWORD}, REMOTE_ADDR="10.0.0.8"
    )

    rows = list(AuditEntry.objects.order_by("id").values_list("action", "actor", "ip"))
    assert rows == [("login.failure", "wang", "10.0.0.7"), ("login.success", "wang", "10.0.0.8")]


def test_every_admin_change_is_recorded() -> None:
    boss = SuperuserFactory(username="boss")
    client = Client()
    client.force_login(boss)
    category = Category.objects.order_by("pk").first() or Category.objects.create(
        code="x1", name="测试类"
    )
    page = client.get(f"/admin/orders/category/{category.pk}/change/")
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data["name"] = "改过的名字"
    response = client.post(f"/admin/orders/category/{category.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:500]

    entry = AuditEntry.objects.get(action="admin.change")
    assert (entry.actor, entry.target_type, entry.target_id) == (
        "boss",
        "orders.category",
        str(category.pk),
    )
    assert "改过的名字" in entry.summary


@pytest.mark.parametrize("operation", ["update", "delete", "raw_update", "raw_delete"])
def test_the_database_refuses_to_change_or_delete_a_line(operation) -> None:
    entry = audit.record(action="login.success", username="wang", summary="original")
    with pytest.raises(DatabaseError), transaction.atomic():
        if operation == "update":
            AuditEntry.objects.filter(pk=entry.pk).update(summary="forged")
        elif operation == "delete":
            AuditEntry.objects.filter(pk=entry.pk).delete()
        else:
            sql = {
                "raw_update": "UPDATE core_auditentry SET summary = 'forged'",
                "raw_delete": "DELETE FROM core_auditentry",
            }[operation]
            with connection.cursor() as cursor:
                cursor.execute(sql)
    entry.refresh_from_db()
    assert entry.summary == "original"


def test_deleting_a_user_keeps_their_lines() -> None:
    user = UserFactory(username="gone")
    audit.record(action="login.success", actor=user)
    user.delete()
    assert AuditEntry.objects.get().actor == "gone"


def test_superusers_read_and_export_it_and_the_export_is_recorded() -> None:
    boss = SuperuserFactory(username="boss")
    audit.record(action="login.failure", username="mallory", ip="10.9.9.9")
    client = Client()
    client.force_login(boss)

    page = client.get("/account/audit/", {"action": "login"}).content.decode()
    assert "mallory" in page and "10.9.9.9" in page

    response = client.get("/account/audit/export.xlsx", {"action": "login.failure"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("time", "actor_id", "actor", "action")
    assert [r[2] for r in rows[1:]] == ["mallory"]
    assert AuditEntry.objects.filter(action="export.audit_log", actor="boss").exists()


def test_nobody_else_sees_the_log() -> None:
    client = Client()
    client.force_login(user_with_post(role=PostRole.STREET_OFFICIAL, area=area_chain(level=1)[-1]))
    assert client.get("/account/audit/").status_code == 404
    assert client.get("/account/audit/export.xlsx").status_code == 404


def test_account_actions_are_recorded() -> None:
    boss = SuperuserFactory(username="boss")
    user = UserFactory(username="chen")
    client = Client()
    client.force_login(boss)
    client.post("/admin/auth/user/", {"action": "reset_passwords", "_selected_action": [user.pk]})
    client.post("/admin/auth/user/", {"action": "reset_two_factor", "_selected_action": [user.pk]})

    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"account.password_reset", "account.2fa_reset"} <= actions
