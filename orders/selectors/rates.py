"""The three rates (响应率 / 解决率 / 满意率) for the callback list.

Compatibility module: the figures are defined once in ``orders.stats.figures`` (issue 9);
this module only picks the callback list's period and area and asks ``orders.stats``.
"""

from __future__ import annotations

from orders import stats
from orders.stats import Period
from orders.stats.figures import Figures

Rates = Figures


def three_rates(*, area_paths: list[str], period: Period, source: str = "rollup") -> Figures:
    """The figures (``Figures.response_rate`` … ``satisfaction_rate``) of ``area_paths``."""
    return stats.figures_for(area_paths, period, source=source)


def community_rates(*, community, period: Period, source: str = "rollup") -> Figures:
    """The figures of one community (an ``Area``)."""
    return three_rates(area_paths=[community.path], period=period, source=source)
