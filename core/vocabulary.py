"""Seeded vocabulary stored in the database (categories, care groups …) in the reader's
language.

The seeded rows keep their Chinese names; the catalogue has an English entry for each.
A name an administrator typed has no entry and reads as typed, in every language.
"""

from __future__ import annotations

from django.utils.translation import gettext


def seeded(name: str) -> str:
    return gettext(name) if name else ""
