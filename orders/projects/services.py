"""The one writer of micro-projects: propose, raise/withdraw a hand, the threshold, approve,
progress, complete, evaluate.

A hand is a row unique on (project, phone) written under the project's row lock, so two
taps from the same phone — or a hundred at once — leave one hand, and the hand that reaches
the threshold qualifies the proposal exactly once (``transition(locked=…)``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from core import clock, writer
from core.errors import DomainError
from grids import access
from grids.models import Area, AreaLevel, PostRole
from orders.models import (
    MicroProject,
    ProjectEvaluation,
    ProjectEvent,
    ProjectHand,
    ProjectThreshold,
)
from orders.projects.lifecycle import HANDS_OPEN, MOVES, Evaluation, ProjectAction, ProjectStatus

STAFF_ROLES = (PostRole.COMMUNITY_DISPATCHER, PostRole.STREET_OFFICIAL)


class ProjectError(DomainError):
    pass


def _text(value: str, *, what: str, limit: int, required: bool = True) -> str:
    value = (value or "").replace("\x00", "").strip()
    if required and not value:
        raise ProjectError("required", _("请填写%(what)s。") % {"what": what})
    if len(value) > limit:
        raise ProjectError("too_long", _("%(what)s最多 %(n)d 个字。") % {"what": what, "n": limit})
    return value


def hands_needed(community: Area) -> int:
    row = ProjectThreshold.objects.filter(community=community).first()
    return row.hands_needed if row else settings.SIDAN_PROJECT_HANDS_DEFAULT


def threshold_set(*, actor, community: Area, hands: int) -> ProjectThreshold:
    if not access.area_in_scope(actor, community, roles=STAFF_ROLES):
        raise ProjectError("forbidden", _("这个社区不在你的岗位范围内。"))
    if not isinstance(hands, int) or not 1 <= hands <= 10000:
        raise ProjectError("bad_threshold", _("门槛应为 1 到 10000 的整数。"))
    row, _created = ProjectThreshold.objects.update_or_create(
        community=community, defaults={"hands_needed": hands}
    )
    return row


def _event(project, *, action, actor=None, kind="", from_status, to_status, note="", data=None, at):
    return ProjectEvent.objects.create(
        project=project,
        action=action,
        actor=actor,
        actor_kind=kind,
        at=at,
        from_status=from_status,
        to_status=to_status,
        note=note,
        data=data or {},
    )


def project_propose(
    *, compound: Area, title: str, description: str, phone: str = "", staff=None
) -> MicroProject:
    """意见征集: a resident (verified ``phone``) or staff proposes an improvement."""
    if compound.level != AreaLevel.COMPOUND:
        raise ProjectError("bad_area", _("请选择小区。"))
    if staff is None and not phone:
        raise ProjectError("unverified", _("请先验证手机号。"))
    if staff is not None and not access.area_in_scope(staff, compound, roles=STAFF_ROLES):
        raise ProjectError("forbidden", _("这个小区不在你的岗位范围内。"))
    community_path = "/".join(compound.ancestor_codes[:2]) + "/"
    community = Area.objects.get(path=community_path)
    now = clock.now()
    with transaction.atomic():
        project = MicroProject.objects.create(
            community=community,
            community_path=community_path,
            compound=compound,
            title=_text(title, what=_("项目名称"), limit=100),
            description=_text(description, what=_("说明"), limit=2000),
            proposed_by_staff=staff,
            proposer_phone="" if staff else phone,
            status=ProjectStatus.PROPOSED,
            hands_needed=hands_needed(community),
            created_at=now,
        )
        _event(
            project,
            action=ProjectAction.PROPOSE,
            actor=staff,
            kind="" if staff else "resident",
            from_status="",
            to_status=project.status,
            at=now,
        )
    return project


def lock_project(project_id: int) -> MicroProject:
    return writer.lock_row(
        MicroProject.objects.all(),
        project_id,
        related=("community",),
        missing=lambda: ProjectError("not_found", _("项目不存在。")),
    )


def _refusal(project: MicroProject, action: str) -> ProjectError:
    return ProjectError(
        "bad_move",
        _("项目现在“%(status)s”，不能%(action)s。")
        % {"status": ProjectStatus(project.status).label, "action": ProjectAction(action).label},
    )


def _qualify_locked(project: MicroProject) -> None:
    def apply(row, now):
        row.qualified_at = now
        return writer.Change(ProjectStatus.QUALIFIED, data={"hands": row.hands})

    def record(row, from_status, change, now):
        _event(
            row,
            action=ProjectAction.QUALIFY,
            kind="system",
            from_status=from_status,
            to_status=change.to_status,
            data=change.data,
            at=now,
        )

    writer.transition(
        locked=project,
        lock=lock_project,
        moves=MOVES,
        action=ProjectAction.QUALIFY,
        apply=apply,
        record=record,
        refuse=lambda row: _refusal(row, ProjectAction.QUALIFY),
    )


def hand_raise(*, project_id: int, phone: str) -> MicroProject:
    """Raise a hand with a verified phone: once per phone; the hand that reaches the
    threshold qualifies the proposal (once)."""
    if not phone:
        raise ProjectError("unverified", _("请先验证手机号。"))
    with transaction.atomic():
        project = lock_project(project_id)
        if project.status not in HANDS_OPEN:
            raise ProjectError("closed", _("这个项目已经不再征集举手。"))
        try:
            with transaction.atomic():
                ProjectHand.objects.create(project=project, phone=phone, raised_at=clock.now())
        except IntegrityError:
            return project  # this phone's hand is already up
        project.hands = project.hand_rows.count()
        project.save(update_fields=["hands"])
        if project.status == ProjectStatus.PROPOSED and project.hands >= project.hands_needed:
            _qualify_locked(project)
    return project


def hand_withdraw(*, project_id: int, phone: str) -> MicroProject:
    with transaction.atomic():
        project = lock_project(project_id)
        if project.status not in HANDS_OPEN:
            raise ProjectError("closed", _("这个项目已经不再征集举手。"))
        deleted, _rows = ProjectHand.objects.filter(project=project, phone=phone).delete()
        if deleted:
            project.hands = project.hand_rows.count()
            project.save(update_fields=["hands"])
    return project


def _move(*, project_id: int, action: str, actor, apply) -> MicroProject:
    def record(row, from_status, change, now):
        _event(
            row,
            action=action,
            actor=actor,
            from_status=from_status,
            to_status=change.to_status,
            note=change.note,
            data=change.data,
            at=now,
        )

    def authorise(row):
        if not access.area_in_scope(actor, row.community, roles=STAFF_ROLES):
            raise ProjectError("forbidden", _("这个社区不在你的岗位范围内。"))

    return writer.transition(
        row_id=project_id,
        lock=lock_project,
        moves=MOVES,
        action=action,
        apply=apply,
        record=record,
        refuse=lambda row: _refusal(row, action),
        authorise=authorise,
    )


def project_approve(
    *, project_id: int, actor, budget_line: str, budget_amount: str, owner: str
) -> MicroProject:
    """举手立项: the community makes it a project with a budget line and an owner."""

    def apply(row, now):
        row.budget_line = _text(budget_line, what=_("专项资金"), limit=100)
        try:
            amount = Decimal(str(budget_amount).strip())
        except (InvalidOperation, ValueError):
            amount = Decimal(-1)
        if not amount.is_finite() or amount < 0 or amount >= Decimal("100000000"):
            raise ProjectError("bad_amount", _("预算应为 0 到 1 亿之间的金额。"))
        row.budget_amount = amount.quantize(Decimal("0.01"))
        row.owner = _text(owner, what=_("负责人"), limit=60)
        row.approved_at = now
        return writer.Change(ProjectStatus.PROJECT, data={"budget_line": row.budget_line})

    return _move(project_id=project_id, action=ProjectAction.APPROVE, actor=actor, apply=apply)


def project_progress(*, project_id: int, actor, note: str) -> MicroProject:
    """居民全过程参与: a progress update, public on the project page."""

    def apply(row, now):
        return writer.Change(ProjectStatus.PROJECT, note=_text(note, what=_("进展"), limit=1000))

    return _move(project_id=project_id, action=ProjectAction.PROGRESS, actor=actor, apply=apply)


def project_complete(*, project_id: int, actor, note: str) -> MicroProject:
    def apply(row, now):
        row.done_at = now
        return writer.Change(ProjectStatus.DONE, note=_text(note, what=_("完工说明"), limit=1000))

    return _move(project_id=project_id, action=ProjectAction.COMPLETE, actor=actor, apply=apply)


def project_evaluate(
    *, project_id: int, phone: str, rating: str, comment: str = ""
) -> ProjectEvaluation:
    """公示评价: one evaluation per verified phone, once the project is done."""
    if not phone:
        raise ProjectError("unverified", _("请先验证手机号。"))
    if rating not in Evaluation.values:
        raise ProjectError("bad_rating", _("请选择满意、基本满意或不满意。"))
    comment = _text(comment, what=_("留言"), limit=300, required=False)
    with transaction.atomic():
        project = lock_project(project_id)
        if project.status != ProjectStatus.DONE:
            raise ProjectError("not_done", _("项目完工后才能评价。"))
        if ProjectEvaluation.objects.filter(project=project, phone=phone).exists():
            raise ProjectError("already", _("你已经评价过这个项目。"))
        return ProjectEvaluation.objects.create(
            project=project, phone=phone, rating=rating, comment=comment, at=clock.now()
        )
