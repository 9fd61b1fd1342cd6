"""Reads of micro-projects: staff (scoped, 404 outside) and public (anonymised: no name,
no phone — hands and evaluations are counts and comments only)."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.shortcuts import get_object_or_404

from grids import access
from grids.models import Area, AreaLevel
from orders.meetings.lifecycle import PUBLIC as MEETING_PUBLIC
from orders.models import Meeting, MeetingTopic, MicroProject, ProjectEvaluation, ProjectHand
from orders.projects.lifecycle import ProjectAction, ProjectStatus
from orders.projects.services import STAFF_ROLES


def projects_for_user(*, user) -> QuerySet[MicroProject]:
    if not access.has_role(user, *STAFF_ROLES):
        return MicroProject.objects.none()
    return MicroProject.objects.filter(
        access.scope_q(user, path_field="community_path", roles=STAFF_ROLES)
    )


def project_list(*, user) -> list[MicroProject]:
    return list(projects_for_user(user=user).select_related("community", "compound")[:300])


def project_for_user(*, user, project_id: int) -> MicroProject:
    return get_object_or_404(
        projects_for_user(user=user).select_related("community", "compound"), pk=project_id
    )


def compounds_for(*, user) -> list[Area]:
    return list(
        Area.objects.filter(
            access.scope_q(user, path_field="path", roles=STAFF_ROLES), level=AreaLevel.COMPOUND
        ).order_by("path")[:1000]
    )


# --- public ---------------------------------------------------------------------------


def compounds_of(*, community: Area) -> list[Area]:
    return list(
        Area.objects.filter(path__startswith=community.path, level=AreaLevel.COMPOUND).order_by(
            "path"
        )
    )


def public_projects(*, community: Area) -> list[MicroProject]:
    return list(
        MicroProject.objects.filter(community=community)
        .select_related("compound")
        .order_by("status", "-created_at")[:100]
    )


def public_project(*, code: str, project_id: int) -> MicroProject:
    return get_object_or_404(
        MicroProject.objects.select_related("community", "compound"),
        pk=project_id,
        community__code=code,
    )


def progress_updates(*, project: MicroProject) -> list:
    return list(
        project.events.filter(
            action__in=[ProjectAction.APPROVE, ProjectAction.PROGRESS, ProjectAction.COMPLETE]
        ).only("action", "at", "note")
    )


@dataclass(frozen=True)
class EvaluationSummary:
    satisfied: int
    basic: int
    dissatisfied: int
    comments: list[str]


def evaluation_summary(*, project: MicroProject) -> EvaluationSummary:
    counts = project.evaluations.aggregate(
        satisfied=Count("id", filter=Q(rating="satisfied")),
        basic=Count("id", filter=Q(rating="basic")),
        dissatisfied=Count("id", filter=Q(rating="dissatisfied")),
    )
    comments = list(project.evaluations.exclude(comment="").values_list("comment", flat=True)[:20])
    return EvaluationSummary(comments=comments, **counts)


def has_hand(*, project: MicroProject, phone: str) -> bool:
    return bool(phone) and ProjectHand.objects.filter(project=project, phone=phone).exists()


def has_evaluated(*, project: MicroProject, phone: str) -> bool:
    return bool(phone) and ProjectEvaluation.objects.filter(project=project, phone=phone).exists()


@dataclass(frozen=True)
class CoGovernanceCount:
    """议题 → 项目 → 解决: topics raised (meeting topics + proposals), projects made,
    and what got solved (completed projects + topics of meetings carried into practice)."""

    topics: int
    projects: int
    solved: int


def cogovernance_count(*, community_paths: list[str]) -> CoGovernanceCount:
    """For one or more communities (by path) — three queries; the street dashboard calls it
    with every community path of the street (or the street's path: prefixes match)."""
    q_projects = Q(pk__in=[])
    q_topics = Q(pk__in=[])
    for path in community_paths:
        q_projects |= Q(community_path__startswith=path)
        q_topics |= Q(meeting__community_path__startswith=path)
    projects = MicroProject.objects.filter(q_projects).aggregate(
        proposals=Count("id"),
        made=Count("id", filter=Q(status__in=[ProjectStatus.PROJECT, ProjectStatus.DONE])),
        done=Count("id", filter=Q(status=ProjectStatus.DONE)),
    )
    topics = MeetingTopic.objects.filter(q_topics).aggregate(
        n=Count("id"),
        carried=Count(
            "id",
            filter=Q(meeting__status="implementing", votes_for__gt=F("votes_against")),
        ),
    )
    return CoGovernanceCount(
        topics=topics["n"] + projects["proposals"],
        projects=projects["made"],
        solved=projects["done"] + topics["carried"],
    )


def public_meetings(*, community: Area, limit: int = 10) -> list[Meeting]:
    return list(
        Meeting.objects.filter(community=community, status__in=list(MEETING_PUBLIC))
        .prefetch_related("topics")
        .order_by("-held_on", "-pk")[:limit]
    )
