"""Every assessment figure, defined once (issue 9).

A figure is computed from a ``Counter`` of measures (``orders.stats.facts`` says which day
each measure belongs to); the counter comes either from raw orders
(``orders.stats.raw_counts``) or from the rollup (``orders.stats.rollup``) — the same
numbers either way. ``DEFINITIONS`` holds each figure's definition as shown on hover.

Period rule, for every figure: a period is a range of calendar days in Asia/Shanghai,
``[start, end)``; a measure counts in the period when the day it belongs to falls in it
(see ``orders.stats.facts`` — placement, first dispatch or the deciding event).

Settings: ``SIDAN_SATISFACTION_BASIC_WEIGHT`` (w, default 0.8) and
``SIDAN_SCORE_WEIGHTS`` (the composite score's weights, default 响应率 0.3, 解决率 0.3,
满意率 0.4).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from orders.lifecycle import Tier
from orders.models import CancelReason, Channel, Nature, Rating
from orders.stats.facts import BUCKET_MINUTES, DURATIONS

DEFAULT_BASIC_WEIGHT = 0.8
DEFAULT_SCORE_WEIGHTS = {"response": 0.3, "resolution": 0.3, "satisfaction": 0.4}


def basic_weight() -> float:
    return float(getattr(settings, "SIDAN_SATISFACTION_BASIC_WEIGHT", DEFAULT_BASIC_WEIGHT))


def score_weights() -> dict[str, float]:
    return dict(getattr(settings, "SIDAN_SCORE_WEIGHTS", DEFAULT_SCORE_WEIGHTS))


def pct(part: float, whole: float) -> float | None:
    """``part / whole`` in per cent, one decimal; None (shown "—") when ``whole`` is 0."""
    return round(100 * part / whole, 1) if whole else None


DEFINITIONS = {
    "response_rate": (
        _("响应率"),
        _(
            "按时签收的工单 ÷ 期间内首次派单的工单。任何层级出现签收超期（含因签收超期被升级）"
            "即为未按时响应；尚未签收也未超期的工单不计入分母。"
        ),
    ),
    "resolution_rate": (
        _("解决率"),
        _("答复“已解决”的评价 ÷ 期间内对“是否解决”作出答复的评价（居民评价或联系上居民的回访）。"),
    ),
    "satisfaction_rate": (
        _("满意率"),
        _(
            "（满意 + w × 基本满意）÷ 期间内的评价数（居民评价或回访登记），w 默认 0.8；"
            "超时未评价的工单不计入，也不计为满意。"
        ),
    ),
    "score": (
        _("综合得分"),
        _("响应率、解决率、满意率的加权平均（权重可配置，缺项时按其余权重折算）。"),
    ),
    "received": (_("受理量"), _("期间内登记的工单数（按点单时间）。")),
    "closing_rate": (
        _("办结率"),
        _("期间内登记的工单中目前已办结的 ÷ 期间内登记且未撤销的工单。"),
    ),
    "on_time_rate": (
        _("按时办结率"),
        _("期间内的办结反馈中，在办结时限内（此前未出现办结超期）的 ÷ 期间内的办结反馈次数。"),
    ),
    "overdue": (
        _("超期工单"),
        _("期间内首次派单的工单中，出现过签收或办结超期的工单数；超期率为其占首次派单工单的比例。"),
    ),
    "return_rate": (
        _("退单率"),
        _("期间内首次派单的工单中至少退单一次的 ÷ 期间内首次派单的工单。"),
    ),
    "redo_rate": (
        _("重办率"),
        _("期间内办结的工单中曾因不满意重办的 ÷ 期间内办结的工单。"),
    ),
    "extensions": (_("延期申请"), _("期间内提出的延期申请次数（及获批次数）。")),
    "cancelled": (_("撤销"), _("期间内撤销的工单，按撤销原因。")),
    "repeated": (
        _("重复诉求"),
        _("期间内登记的工单中，30 天内已有同一手机号、或同一微网格同一类别工单的。"),
    ),
    "durations": (
        _("平均/中位用时"),
        _(
            "派单：点单到首次派单；签收：首次派单到首次签收；办结：点单到首次办结反馈；"
            "首次响应：点单到工作人员第一次处理（派单、签收、退单、备注、办结或撤销）。"
            "按该步骤完成的日期计入；中位数按时长区间估计。"
        ),
    ),
    "tier_share": (
        _("各层级办结占比"),
        _("期间内办结的工单按办结时所在层级（物业、网格长、成员单位、街道）的占比。"),
    ),
}


def definition(key: str) -> str:
    return str(DEFINITIONS[key][1])


def definitions() -> dict[str, str]:
    """``{figure: definition}`` in the active language, for the pages' hover texts."""
    return {key: str(text) for key, (_label, text) in DEFINITIONS.items()}


@dataclass(frozen=True)
class Duration:
    count: int
    average_seconds: float | None
    median_minutes_at_most: int | None  # the upper bound of the median's bucket

    @property
    def average_hours(self) -> float | None:
        return None if self.average_seconds is None else round(self.average_seconds / 3600, 1)

    @property
    def median_hours(self) -> float | None:
        m = self.median_minutes_at_most
        return None if m is None else round(m / 60, 1)


class Figures:
    """The figures over one ``Counter`` of measures (one area, one period)."""

    def __init__(self, counts: Counter):
        self.c = Counter(counts)

    def n(self, measure: str) -> int:
        """The raw count of one measure (no ``__getitem__``: templates would prefer it)."""
        return self.c.get(measure, 0)

    # --- the three rates and the composite score ---------------------------------------

    @property
    def response_rate(self) -> float | None:
        """响应率: orders signed for (or returned) with no sign-for overdue at any tier ÷
        those plus the orders with a sign-for overdue, over the orders first dispatched in
        the period; orders still waiting to be signed for within the limit are left out."""
        return pct(self.n("responded"), self.n("responded") + self.n("sign_missed"))

    @property
    def resolution_rate(self) -> float | None:
        """解决率: judgements answering 已解决 ÷ judgements answering the solved question
        (a resident's rating or a reached callback's answer), by the day of the judgement.
        Each rating counts: an order rated 未解决, redone and rated 已解决 counts both."""
        return pct(self.n("solved"), self.n("judged"))

    @property
    def satisfaction_rate(self) -> float | None:
        """满意率: (满意 + w × 基本满意) ÷ ratings given in the period (residents' or recorded
        on a callback), w = ``SIDAN_SATISFACTION_BASIC_WEIGHT``. Orders closed unrated are
        neither counted nor satisfied."""
        sat = self.n(f"sat:{Rating.SATISFIED}") + basic_weight() * self.n(f"sat:{Rating.BASIC}")
        return pct(sat, self.n("rated"))

    @property
    def responded(self) -> int:
        return self.n("responded")

    @property
    def response_base(self) -> int:
        """The response rate's denominator: responded + missed sign-for."""
        return self.n("responded") + self.n("sign_missed")

    @property
    def judged(self) -> int:
        return self.n("judged")

    @property
    def solved(self) -> int:
        return self.n("solved")

    @property
    def rated(self) -> int:
        return self.n("rated")

    @property
    def satisfied(self) -> int:
        return self.n(f"sat:{Rating.SATISFIED}")

    @property
    def basic(self) -> int:
        return self.n(f"sat:{Rating.BASIC}")

    @property
    def dissatisfied(self) -> int:
        return self.n(f"sat:{Rating.DISSATISFIED}")

    @property
    def score(self) -> float | None:
        """综合得分: the weighted mean of the three rates (``SIDAN_SCORE_WEIGHTS``); a rate
        with no data drops out and the others' weights are rescaled; None when all are."""
        rates = {
            "response": self.response_rate,
            "resolution": self.resolution_rate,
            "satisfaction": self.satisfaction_rate,
        }
        weights = score_weights()
        present = {k: v for k, v in rates.items() if v is not None and weights.get(k)}
        total = sum(weights[k] for k in present)
        if not total:
            return None
        return round(sum(weights[k] * v for k, v in present.items()) / total, 1)

    # --- volumes and outcomes -----------------------------------------------------------

    @property
    def received(self) -> int:
        """受理量: orders placed in the period."""
        return self.n("received")

    @property
    def received_closed(self) -> int:
        return self.n("received_closed")

    @property
    def closing_rate(self) -> float | None:
        """办结率: orders placed in the period that are closed now ÷ those placed in the
        period and not cancelled."""
        return pct(self.n("received_closed"), self.n("received") - self.n("received_cancelled"))

    @property
    def on_time_rate(self) -> float | None:
        """按时办结率: result reports in the period with no resolution overdue since the
        order was last (re)dispatched ÷ result reports in the period."""
        return pct(self.n("resolutions_on_time"), self.n("resolutions"))

    @property
    def overdue_count(self) -> int:
        """超期工单: orders first dispatched in the period that went overdue (sign-for or
        resolution, at any tier, at any time)."""
        return self.n("overdue")

    @property
    def overdue_rate(self) -> float | None:
        return pct(self.n("overdue"), self.n("dispatched"))

    @property
    def return_rate(self) -> float | None:
        """退单率: orders first dispatched in the period returned at least once ÷ those."""
        return pct(self.n("returned"), self.n("dispatched"))

    @property
    def redo_rate(self) -> float | None:
        """重办率: orders closed in the period that were redone (rated 不满意 before) ÷
        orders closed in the period."""
        return pct(self.n("closed_redone"), self.n("closed"))

    @property
    def extensions(self) -> int:
        """延期申请: extension requests made in the period."""
        return self.n("extensions")

    @property
    def extensions_approved(self) -> int:
        return self.n("extensions_approved")

    @property
    def cancelled(self) -> int:
        return self.n("cancelled")

    @property
    def cancellations(self) -> list[tuple[str, str, int]]:
        """Cancellations in the period by reason: ``(code, label, count)``."""
        return [(c, str(label), self.n(f"cancel:{c}")) for c, label in CancelReason.choices]

    @property
    def repeated(self) -> int:
        """重复诉求: orders placed in the period with an earlier order within 30 days from
        the same phone, or in the same area node with the same category."""
        return self.n("repeated")

    @property
    def repeated_rate(self) -> float | None:
        return pct(self.n("repeated"), self.n("received"))

    def duration(self, step: str) -> Duration:
        """Average and (bucketed) median time of ``step`` in ``facts.DURATIONS``."""
        assert step in DURATIONS
        n = self.n(f"dur_{step}_n")
        if not n:
            return Duration(0, None, None)
        seen, median_bound = 0, None
        for index in range(len(BUCKET_MINUTES) + 1):
            seen += self.n(f"dur_{step}_b{index}")
            if seen * 2 >= n:
                median_bound = BUCKET_MINUTES[index] if index < len(BUCKET_MINUTES) else None
                break
        return Duration(n, self.n(f"dur_{step}_sum") / n, median_bound)

    @property
    def closed(self) -> int:
        return self.n("closed")

    @property
    def tier_shares(self) -> list[tuple[int, str, int, float | None]]:
        """Share closed at each tier: ``(tier, label, count, per cent of closed)``."""
        total = sum(self.n(f"closed_tier:{t}") for t in Tier.values)
        return [
            (t, str(label), self.n(f"closed_tier:{t}"), pct(self.n(f"closed_tier:{t}"), total))
            for t, label in Tier.choices
        ]

    @property
    def low_tier_share(self) -> float | None:
        """Share closed at tiers 1–2 (物业 and 网格长; the sources aim at 80%)."""
        total = sum(self.n(f"closed_tier:{t}") for t in Tier.values)
        return pct(self.n("closed_tier:1") + self.n("closed_tier:2"), total)

    def by_nature(self) -> list[tuple[str, int]]:
        return [(str(label), self.n(f"nature:{c}")) for c, label in Nature.choices]

    def by_channel(self) -> list[tuple[str, int]]:
        return [(str(label), self.n(f"channel:{c}")) for c, label in Channel.choices]

    def by_hour(self) -> list[tuple[int, int]]:
        return [(h, self.n(f"hour:{h}")) for h in range(24)]
