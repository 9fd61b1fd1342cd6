"""``{{ user|person }}``: a name surname first (``core.people.person_name``)."""

from __future__ import annotations

from django import template

from core.people import person_name

register = template.Library()


@register.filter
def person(user) -> str:
    return person_name(user)
