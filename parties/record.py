"""Parts of a member's service record (服务记录, 双报告) kept by apps above ``parties``.

The pool orders a member claimed (党员接单) are orders, and ``parties`` may not import
``orders`` (docs/architecture.md); so ``orders`` registers that part here at startup
(``OrdersConfig.ready``) and the record page and both Excel exports show every
registered part: on the member's page and in their workbook as a table, in the
community's month as one column per part.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from parties.models import PartyMember


@dataclass(frozen=True)
class RecordPart:
    key: str
    title: str  # a lazy translation
    header: tuple[str, ...]
    # The member's rows (one query), newest first, at most ``limit``.
    rows: Callable[[PartyMember, int], list[list]]
    # The community's month: member id -> count, for the column ``month_title`` (one query).
    month_title: str
    month_counts: Callable[[str, date, date], dict[int, int]]


PARTS: dict[str, RecordPart] = {}


def register(part: RecordPart) -> None:
    """Add (or replace, on a reload) one part; called from an app's ``ready``."""
    PARTS[part.key] = part


def parts() -> list[RecordPart]:
    return list(PARTS.values())
