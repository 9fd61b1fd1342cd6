"""The demo's grid work: every colour, every project state, meetings with votes, notices,
three months of visits; idempotent."""

import pytest

from demo.grid_work import build_demo_grid_work
from demo.street import build_demo
from grids.disputes.lifecycle import Colour
from grids.models import Dispute, Household, Visit
from orders.meetings.lifecycle import MeetingStatus
from orders.models import Meeting, MeetingOrder, MicroProject, Notice
from orders.projects.lifecycle import ProjectStatus

pytestmark = pytest.mark.django_db
SMALL = {"communities": 2, "grids": 3, "compounds": 5, "microgrids": 10}


def test_demo_grid_work_covers_every_state_and_is_idempotent():
    build_demo(**SMALL)
    report = build_demo_grid_work()
    assert report.households == Household.objects.count() > 0
    assert Household.objects.filter(care__isnull=False).exists()
    assert Visit.objects.count() == report.visits > Household.objects.count()
    assert set(Dispute.objects.values_list("colour", flat=True)) == set(Colour.values)
    assert set(MicroProject.objects.values_list("status", flat=True)) == set(ProjectStatus.values)
    statuses = set(Meeting.objects.values_list("status", flat=True))
    assert {MeetingStatus.IMPLEMENTING, MeetingStatus.PUBLISHED} <= statuses
    assert MeetingOrder.objects.count() == 2
    assert Notice.objects.filter(pinned=True).exists()
    assert Notice.objects.filter(withdrawn_at__isnull=False).exists()
    counts = (Household.objects.count(), Visit.objects.count(), Dispute.objects.count())
    assert build_demo_grid_work().skipped
    assert (Household.objects.count(), Visit.objects.count(), Dispute.objects.count()) == counts
