"""The demo's departments, whistles and co-handling (issue 12): two departments with staff
logins, whistles reported, resolved, overdue (supervised by the sweep) and waiting, an
order led by a unit with co-handlers in several states; idempotent and quiet."""

import pytest
from django.contrib.auth import get_user_model

from demo.joint import build_demo_joint
from demo.street import build_demo
from grids.models import Department
from orders.lifecycle import Action, CoStatus, WhistleStatus
from orders.models import CoHandler, OrderEvent, OutboxMessage, SupervisionItem, Whistle
from orders.selectors.joint import department_inbox

pytestmark = pytest.mark.django_db
SMALL = {"communities": 2, "grids": 3, "compounds": 5, "microgrids": 10}


def test_demo_joint_work_covers_every_state_and_is_idempotent():
    build_demo(**SMALL)
    report = build_demo_joint()
    assert report.departments == Department.objects.count() == 2
    assert set(Whistle.objects.values_list("status", flat=True)) == {
        WhistleStatus.BLOWN,
        WhistleStatus.REPORTED,
        WhistleStatus.RESOLVED,
    }
    overdue = Whistle.objects.get(report_overdue_at__isnull=False)
    assert overdue.status == WhistleStatus.BLOWN
    assert SupervisionItem.objects.filter(whistle=overdue).count() == 1
    assert OrderEvent.objects.filter(action=Action.WHISTLE_OVERDUE).count() == 1
    assert {CoStatus.INVITED, CoStatus.REPORTED} <= set(
        CoHandler.objects.values_list("status", flat=True)
    )
    assert OutboxMessage.objects.count() == 0  # the demo's history sends nothing
    for username in ("demo_market", "demo_urban"):
        sections = department_inbox(user=get_user_model().objects.get(username=username))
        assert sum(len(s["whistles"]) for s in sections) >= 2
    assert {login[0] for login in report.logins} == {"demo_market", "demo_urban"}
    assert build_demo_joint().skipped
    assert Whistle.objects.count() == report.whistles
