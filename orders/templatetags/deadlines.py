"""Countdown helpers for due times (time left / overdue by), read against ``orders.clock``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils.translation import gettext as _

from core import clock

register = template.Library()

SOON = timedelta(hours=2)


def humanise(span: timedelta) -> str:
    """The two largest units: "2天3小时", "5小时10分钟", "12分钟"."""
    minutes = max(int(span.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 24 * 60)
    hours, minutes = divmod(rest, 60)
    if days:
        return (
            _("%(d)s天%(h)s小时") % {"d": days, "h": hours} if hours else _("%(d)s天") % {"d": days}
        )
    if hours:
        return (
            _("%(h)s小时%(m)s分钟") % {"h": hours, "m": minutes}
            if minutes
            else _("%(h)s小时") % {"h": hours}
        )
    return _("%(m)s分钟") % {"m": max(minutes, 1)}


@register.simple_tag
def due_state(due: datetime | None) -> dict:
    if not due:
        return {}
    now = clock.now()
    left = due - now
    return {
        "overdue": left <= timedelta(0),
        "soon": timedelta(0) < left <= SOON,
        "span": humanise(abs(left)),
    }


@register.filter
def held_for(span: timedelta) -> str:
    return humanise(span)
