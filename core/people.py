"""How a person's name is written: Chinese order, surname first ("赵海涛", never "海涛 赵").

Django's ``get_full_name()`` puts the given name first. Every page, message and list
names staff through ``person_name``; a Latin name keeps a space ("Zhao Haitao").
"""

from __future__ import annotations


def person_name(user) -> str:
    """The user's name surname first, or their username when they have no name."""
    if user is None:
        return ""
    last = (getattr(user, "last_name", "") or "").strip()
    first = (getattr(user, "first_name", "") or "").strip()
    if not (last or first):
        return getattr(user, "username", "") or ""
    if (last + first).isascii():
        return f"{last} {first}".strip()
    return f"{last}{first}"
