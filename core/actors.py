"""Who performs a move: a staff user, the resident (by a private link), or the system."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

RESIDENT = "resident"
SYSTEM = "system"


@dataclass
class Actor:
    """``kind`` is "" for a staff user, ``RESIDENT`` or ``SYSTEM``; it is what event rows
    store in ``actor_kind`` next to ``actor`` (the user, when there is one)."""

    user: AbstractBaseUser | None = None
    kind: str = ""

    @classmethod
    def staff(cls, user: AbstractBaseUser) -> Actor:
        return cls(user=user)

    @classmethod
    def resident(cls) -> Actor:
        return cls(kind=RESIDENT)

    @classmethod
    def system(cls) -> Actor:
        return cls(kind=SYSTEM)

    @property
    def is_staff(self) -> bool:
        return self.user is not None and not self.kind

    @property
    def user_id(self) -> int | None:
        return self.user.pk if self.user is not None else None
