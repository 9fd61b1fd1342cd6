"""Countdown helpers for due times (time left / overdue by), read against ``orders.clock``."""

from __future__ import annotations

from datetime import datetime, timedelta

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
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


@register.simple_tag
def countdown(due: datetime | None) -> SafeString | str:
    """Time left or overdue by for a due time (board, inbox, detail, supervision): a
    ``<span class="countdown">`` with the due time in ``title`` and ``data-due``. Drawn in
    Python: it sits in every row of the lists, where an include cost a tenth of a row."""
    if not due:
        return ""
    state = due_state(due)
    local = timezone.localtime(due)
    if state["overdue"]:
        css, body = (
            " overdue",
            format_html('<span class="badge badge-red">{}</span> {}', _("已超期"), state["span"]),
        )
    elif state["soon"]:
        css, body = (
            " due-soon",
            format_html(
                '<span class="badge badge-amber">{}</span> {}',
                _("即将到期"),
                _("剩余 %(span)s") % {"span": state["span"]},
            ),
        )
    else:
        css, body = "", _("剩余 %(span)s") % {"span": state["span"]}
    return format_html(
        '<span class="countdown{}" title="{} {}" data-due="{}">\n{}\n</span>',
        css,
        _("时限"),
        dateformat.format(local, "Y-m-d H:i"),
        local.isoformat(),
        body,
    )
