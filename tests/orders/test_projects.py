"""Raise-hand micro-projects: one hand per phone, withdrawal, the threshold qualifies a
proposal exactly once, the flow as a lifecycle table, public pages that name nobody."""

from __future__ import annotations

from decimal import Decimal

import pytest

from orders import verification
from orders.models import MicroProject, ProjectEvent, ProjectHand
from orders.projects import selectors, services
from orders.projects.lifecycle import MOVES, ProjectAction, ProjectStatus

pytestmark = pytest.mark.django_db
PHONES = [f"1390000{i:04d}" for i in range(30)]


def propose(world, **kw):
    return services.project_propose(
        compound=world.compound,
        title="加装楼道扶手",
        description="老人上下楼不方便",
        phone=kw.pop("phone", "13700137000"),
        **kw,
    )


def qualify(world, project, n=None):
    for phone in PHONES[: n or project.hands_needed]:
        services.hand_raise(project_id=project.pk, phone=phone)
    return MicroProject.objects.get(pk=project.pk)


def drive_to(world, status):
    services.threshold_set(actor=world.dispatcher, community=world.community, hands=3)
    project = propose(world)
    if status == ProjectStatus.PROPOSED:
        return project
    project = qualify(world, project)
    if status == ProjectStatus.QUALIFIED:
        return project
    services.project_approve(
        project_id=project.pk,
        actor=world.dispatcher,
        budget_line="社区微治理专项资金",
        budget_amount="3500",
        owner="社区居委会",
    )
    if status == ProjectStatus.PROJECT:
        return MicroProject.objects.get(pk=project.pk)
    services.project_complete(project_id=project.pk, actor=world.dispatcher, note="已安装")
    return MicroProject.objects.get(pk=project.pk)


def perform(world, action, project):
    kw = {"project_id": project.pk, "actor": world.dispatcher}
    if action == ProjectAction.APPROVE:
        return services.project_approve(budget_line="b", budget_amount="10", owner="o", **kw)
    if action == ProjectAction.PROGRESS:
        return services.project_progress(note="材料已到", **kw)
    if action == ProjectAction.COMPLETE:
        return services.project_complete(note="完工", **kw)
    raise AssertionError(action)


STAFF_ACTIONS = [ProjectAction.APPROVE, ProjectAction.PROGRESS, ProjectAction.COMPLETE]


@pytest.mark.parametrize("status", list(ProjectStatus.values))
@pytest.mark.parametrize("action", STAFF_ACTIONS)
def test_every_staff_action_from_every_status(world, status, action):
    project = drive_to(world, status)
    before = ProjectEvent.objects.filter(project=project).count()
    sources, targets = MOVES[action]
    if status in sources:
        moved = perform(world, action, project)
        assert moved.status in targets
        assert ProjectEvent.objects.filter(project=project).count() == before + 1
    else:
        with pytest.raises(services.ProjectError):
            perform(world, action, project)
        assert ProjectEvent.objects.filter(project=project).count() == before
        assert MicroProject.objects.get(pk=project.pk).status == status


def test_one_hand_per_phone_and_withdrawal(world):
    project = propose(world)
    for _ in range(3):
        services.hand_raise(project_id=project.pk, phone=PHONES[0])
    services.hand_raise(project_id=project.pk, phone=PHONES[1])
    project.refresh_from_db()
    assert project.hands == 2 and ProjectHand.objects.count() == 2
    services.hand_withdraw(project_id=project.pk, phone=PHONES[0])
    services.hand_withdraw(project_id=project.pk, phone=PHONES[0])
    project.refresh_from_db()
    assert project.hands == 1
    with pytest.raises(services.ProjectError):
        services.hand_raise(project_id=project.pk, phone="")


def test_threshold_per_community_qualifies_exactly_once(world):
    services.threshold_set(actor=world.dispatcher, community=world.community, hands=3)
    project = propose(world)
    assert project.hands_needed == 3
    qualify(world, project, n=2)
    assert MicroProject.objects.get(pk=project.pk).status == ProjectStatus.PROPOSED
    qualify(world, project, n=5)  # the third hand qualifies; the fourth and fifth do nothing more
    project.refresh_from_db()
    assert project.status == ProjectStatus.QUALIFIED and project.hands == 5
    assert project.events.filter(action=ProjectAction.QUALIFY).count() == 1
    services.hand_withdraw(project_id=project.pk, phone=PHONES[0])
    services.hand_withdraw(project_id=project.pk, phone=PHONES[1])
    services.hand_withdraw(project_id=project.pk, phone=PHONES[2])
    services.hand_raise(project_id=project.pk, phone=PHONES[0])
    project.refresh_from_db()
    assert project.status == ProjectStatus.QUALIFIED
    assert project.events.filter(action=ProjectAction.QUALIFY).count() == 1
    with pytest.raises(services.ProjectError):
        services.threshold_set(actor=world.other_dispatcher, community=world.community, hands=1)
    with pytest.raises(services.ProjectError):
        services.threshold_set(actor=world.dispatcher, community=world.community, hands=0)


def test_default_threshold_from_settings(world, settings):
    settings.SIDAN_PROJECT_HANDS_DEFAULT = 4
    assert propose(world).hands_needed == 4


@pytest.mark.parametrize("amount", ["-1", "abc", "NaN", "Infinity", "1e12"])
def test_approve_refuses_bad_amounts(world, amount):
    project = drive_to(world, ProjectStatus.QUALIFIED)
    with pytest.raises(services.ProjectError):
        services.project_approve(
            project_id=project.pk,
            actor=world.dispatcher,
            budget_line="b",
            budget_amount=amount,
            owner="o",
        )
    assert MicroProject.objects.get(pk=project.pk).status == ProjectStatus.QUALIFIED


def test_evaluation_once_per_phone_after_completion(world):
    project = drive_to(world, ProjectStatus.PROJECT)
    with pytest.raises(services.ProjectError):
        services.project_evaluate(project_id=project.pk, phone=PHONES[0], rating="satisfied")
    project = drive_to(world, ProjectStatus.DONE)
    services.project_evaluate(
        project_id=project.pk, phone=PHONES[0], rating="satisfied", comment="好"
    )
    services.project_evaluate(project_id=project.pk, phone=PHONES[1], rating="dissatisfied")
    with pytest.raises(services.ProjectError):
        services.project_evaluate(project_id=project.pk, phone=PHONES[0], rating="basic")
    with pytest.raises(services.ProjectError):
        services.project_evaluate(project_id=project.pk, phone=PHONES[2], rating="meh")
    summary = selectors.evaluation_summary(project=project)
    assert (summary.satisfied, summary.basic, summary.dissatisfied) == (1, 0, 1)
    assert summary.comments == ["好"]
    assert project.budget_amount == Decimal("3500.00")


def test_cogovernance_count(world):
    drive_to(world, ProjectStatus.PROPOSED)
    drive_to(world, ProjectStatus.PROJECT)
    drive_to(world, ProjectStatus.DONE)
    count = selectors.cogovernance_count(community_paths=[world.community.path])
    assert (count.topics, count.projects, count.solved) == (3, 2, 1)
    street = selectors.cogovernance_count(community_paths=[world.street.path])
    assert street == count
    other = selectors.cogovernance_count(community_paths=[world.other_community.path])
    assert (other.topics, other.projects, other.solved) == (0, 0, 0)


def _verified(client, phone):
    session = client.session
    verification.remember_verified(session, phone=phone)
    session.save()


def test_public_pages_raise_and_withdraw(client, world, django_assert_max_num_queries):
    project = drive_to(world, ProjectStatus.PROPOSED)
    url = f"/c/{world.community.code}/p/{project.pk}/"
    page = client.get(url).content.decode()
    assert "验证手机号" in page and "举手支持" not in page
    client.post(url, {"action": "raise"})  # unverified: a message, no hand
    assert not ProjectHand.objects.exists()
    _verified(client, PHONES[0])
    client.post(url, {"action": "raise"})
    client.post(url, {"action": "raise"})
    assert ProjectHand.objects.count() == 1
    with django_assert_max_num_queries(10):
        page = client.get(url).content.decode()
    assert "撤回举手" in page and "举手 1 / 3" in page
    assert PHONES[0] not in page and "13700137000" not in page
    client.post(url, {"action": "withdraw"})
    assert not ProjectHand.objects.exists()
    assert client.post(url, {"action": "nope"}).status_code == 404
    assert client.get(f"/c/{world.other_community.code}/p/{project.pk}/").status_code == 404


def test_public_community_page_names_nobody(client, world, django_assert_max_num_queries):
    drive_to(world, ProjectStatus.DONE)
    client.get(f"/c/{world.community.code}/")
    with django_assert_max_num_queries(8):
        page = client.get(f"/c/{world.community.code}/").content.decode()
    assert "加装楼道扶手" in page and 'data-figure="solved">1<' in page
    for secret in ["13700137000", *PHONES[:3], world.dispatcher.username]:
        assert secret not in page
    assert client.get("/c/NOPE/").status_code == 404
    assert client.get(f"/c/{world.compound.code}/").status_code == 404


def test_resident_proposes_from_the_public_page(client, world):
    url = f"/c/{world.community.code}/propose/"
    assert "验证手机号" in client.get(url).content.decode()
    _verified(client, PHONES[5])
    response = client.post(
        url, {"compound": world.compound.code, "title": "装路灯", "description": "太黑"}
    )
    assert response.status_code == 302
    project = MicroProject.objects.get()
    assert project.proposer_phone == PHONES[5] and project.proposed_by_staff is None
    bad = client.post(
        url, {"compound": world.other_microgrid.code, "title": "x", "description": "y"}
    )
    assert bad.status_code == 200 and MicroProject.objects.count() == 1


def test_staff_pages(client, world, django_assert_max_num_queries):
    project = drive_to(world, ProjectStatus.QUALIFIED)
    client.force_login(world.other_dispatcher)
    assert client.get(f"/staff/projects/{project.pk}/").status_code == 404
    client.force_login(world.property_manager)
    assert client.get("/staff/projects/").status_code == 404
    client.force_login(world.dispatcher)
    client.get("/staff/projects/")
    with django_assert_max_num_queries(10):
        assert client.get("/staff/projects/").status_code == 200
    base = f"/staff/projects/{project.pk}/"
    client.post(base + "approve/", {"budget_line": "b", "budget_amount": "x", "owner": "o"})
    assert MicroProject.objects.get(pk=project.pk).status == ProjectStatus.QUALIFIED
    client.post(base + "approve/", {"budget_line": "b", "budget_amount": "200", "owner": "o"})
    client.post(base + "progress/", {"note": "开工"})
    client.post(base + "complete/", {"note": "完工"})
    assert MicroProject.objects.get(pk=project.pk).status == ProjectStatus.DONE
    assert client.post(base + "nope/").status_code == 404
    client.post("/staff/projects/threshold/", {"community": world.community.code, "hands": "x"})
    client.post("/staff/projects/threshold/", {"community": world.community.code, "hands": "7"})
    assert services.hands_needed(world.community) == 7
    assert (
        client.post(
            "/staff/projects/threshold/", {"community": world.other_community.code, "hands": "7"}
        ).status_code
        == 404
    )
