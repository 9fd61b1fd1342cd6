"""Excel exports of party members' service (双报告): one member's record for their
employer, and one community's month."""

from __future__ import annotations

import io
from datetime import date

from django.db.models import Count, Q, Sum
from django.utils.translation import gettext as _
from openpyxl import Workbook

from parties import record
from parties.models import (
    CommitmentFulfilment,
    MemberStatus,
    MicroWish,
    PartyMember,
    PointEntry,
)
from parties.points import month_range
from parties.wishes.lifecycle import WishStatus

# Rows per registered record part in one member's workbook.
RECORD_LIMIT = 5000


def _cell(value):
    """Text a spreadsheet cannot take for a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _sheet(workbook, title: str, header: list[str], rows) -> None:
    sheet = workbook.create_sheet(title)
    sheet.append(header)
    for row in rows:
        sheet.append([_cell(v) for v in row])


def _bytes(workbook: Workbook) -> bytes:
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def member_record_xlsx(*, member: PartyMember) -> bytes:
    """Registration, commitments and fulfilments, claimed wishes, points of one member."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        _("报到信息"),
        [
            _("姓名"),
            _("报到社区"),
            _("工作单位"),
            _("所在党支部"),
            _("特长"),
            _("状态"),
            _("报到时间"),
        ],
        [
            [
                member.name,
                member.community.name,
                member.employer,
                member.branch,
                member.skills,
                member.get_status_display(),
                member.registered_at.date().isoformat(),
            ]
        ],
    )
    fulfilments = CommitmentFulfilment.objects.filter(commitment__member=member).select_related(
        "commitment"
    )
    _sheet(
        workbook,
        _("承诺践诺"),
        [_("承诺内容"), _("开始日期"), _("结束日期"), _("日期"), _("践诺情况")],
        [
            [
                f.commitment.title,
                f.commitment.starts_on.isoformat(),
                f.commitment.ends_on.isoformat(),
                f.done_on.isoformat(),
                f.note,
            ]
            for f in fulfilments.order_by("done_on", "id")
        ],
    )
    wishes = MicroWish.objects.filter(claimed_member=member).order_by("claimed_at", "id")
    _sheet(
        workbook,
        _("微心愿"),
        [_("心愿内容"), _("状态"), _("认领时间"), _("完成情况")],
        [
            [
                w.description,
                w.get_status_display(),
                w.claimed_at.date().isoformat() if w.claimed_at else "",
                w.fulfil_note,
            ]
            for w in wishes
        ],
    )
    for part in record.parts():
        _sheet(
            workbook,
            str(part.title),
            [str(h) for h in part.header],
            list(reversed(part.rows(member, RECORD_LIMIT))),
        )
    entries = PointEntry.objects.filter(member=member).order_by("at", "id")
    _sheet(
        workbook,
        _("积分"),
        [_("日期"), _("类别"), _("积分"), _("说明")],
        [[e.at.date().isoformat(), e.get_kind_display(), e.points, e.note] for e in entries],
    )
    return _bytes(workbook)


def community_month_xlsx(*, community_path: str, day: date) -> bytes:
    """Per verified member of the community: the month's fulfilments, wishes fulfilled,
    points earned and redeemed — four grouped queries whatever the size."""
    start, end = month_range(day)
    members = list(
        PartyMember.objects.filter(community_path=community_path, status=MemberStatus.VERIFIED)
        .order_by("name", "id")
        .values("id", "name", "employer", "branch")
    )
    fulfilled = dict(
        CommitmentFulfilment.objects.filter(
            community_path=community_path, done_on__gte=start, done_on__lt=end
        )
        .values_list("commitment__member_id")
        .annotate(n=Count("id"))
    )
    wishes = dict(
        MicroWish.objects.filter(
            community_path=community_path,
            status=WishStatus.CONFIRMED,
            confirmed_at__date__gte=start,
            confirmed_at__date__lt=end,
        )
        .values_list("claimed_member_id")
        .annotate(n=Count("id"))
    )
    sums = {
        r["member_id"]: r
        for r in PointEntry.objects.filter(
            community_path=community_path, at__date__gte=start, at__date__lt=end
        )
        .values("member_id")
        .annotate(
            earned=Sum("points", filter=Q(points__gt=0)),
            spent=Sum("points", filter=Q(points__lt=0)),
        )
    }
    extra = [
        (part.month_title, part.month_counts(community_path, start, end)) for part in record.parts()
    ]
    workbook = Workbook()
    workbook.remove(workbook.active)
    _sheet(
        workbook,
        start.strftime("%Y-%m"),
        [
            _("姓名"),
            _("工作单位"),
            _("所在党支部"),
            _("践诺次数"),
            _("圆梦微心愿"),
            *[str(title) for title, _counts in extra],
            _("获得积分"),
            _("兑换积分"),
        ],
        [
            [
                m["name"],
                m["employer"],
                m["branch"],
                fulfilled.get(m["id"], 0),
                wishes.get(m["id"], 0),
                *[counts.get(m["id"], 0) for _title, counts in extra],
                (sums.get(m["id"]) or {}).get("earned") or 0,
                -((sums.get(m["id"]) or {}).get("spent") or 0),
            ]
            for m in members
        ],
    )
    return _bytes(workbook)
