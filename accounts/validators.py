"""An offline check for passwords built the way breached passwords are built.

Django's ``CommonPasswordValidator`` holds about 20,000 passwords from real breaches, but
only compares the exact string. Attackers' dictionaries also try the usual disguises of
those words, so this validator folds a password back before comparing it again:

- leetspeak (``P@ssw0rd`` → ``password``), case, and separators (``pass-word``);
- a common word followed by digits or symbols (``dragon2024!``);
- keyboard runs and alphabet or digit sequences (``qwertyuiop``, ``1234567890``,
  ``abcdefghij``), a short block repeated (``abcabcabcabc``), one character repeated;
- the names of this site and its known default passwords (the demo password).

Everything it needs ships with Django and this module: no network.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.contrib.auth.password_validation import CommonPasswordValidator
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

LEET = str.maketrans(
    {
        "@": "a",
        "4": "a",
        "0": "o",
        "1": "i",
        "!": "i",
        "3": "e",
        "$": "s",
        "5": "s",
        "7": "t",
        "+": "t",
        "9": "g",
        "8": "b",
    }
)
KEYBOARD_ROWS = (
    "`1234567890-=",
    "qwertyuiop[]\\",
    "asdfghjkl;'",
    "zxcvbnm,./",
    "abcdefghijklmnopqrstuvwxyz",
    "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik9ol0p",
)
SITE_WORDS = ("sidan", "sidan2026", "sidandemo", "admin", "password", "luoxing")


def _is_run(text: str) -> bool:
    """The whole text is a stretch of one keyboard row or sequence, either direction."""
    if len(text) < 4:
        return False
    for row in KEYBOARD_ROWS:
        if text in row or text in row[::-1] or text in (row * 2):
            return True
    return False


def _is_repetition(text: str) -> bool:
    return bool(re.fullmatch(r"(.{1,4})\1+", text))


class BreachedPatternValidator:
    def __init__(self) -> None:
        self.common = CommonPasswordValidator().passwords

    def _candidates(self, password: str) -> set[str]:
        lowered = password.lower().strip()
        squeezed = re.sub(r"[\s\-_.·]+", "", lowered)
        forms = {lowered, squeezed, squeezed.translate(LEET)}
        for form in list(forms):
            # A word with digits or symbols stuck on either end.
            core = re.sub(r"^[\d\W_]+|[\d\W_]+$", "", form)
            if len(core) >= 4:
                forms.add(core)
                forms.add(core.translate(LEET))
        return {f for f in forms if f}

    def validate(self, password: str, user=None) -> None:
        lowered = password.lower()
        known = {w.lower() for w in (*SITE_WORDS, getattr(settings, "SIDAN_DEMO_PASSWORD", ""))}
        if any(w and w in re.sub(r"[\s\-_.]+", "", lowered) for w in known if len(w) >= 5):
            raise ValidationError(
                _("这个密码包含本系统的名称或公开的默认密码，请换一个。"),
                code="password_known_default",
            )
        squeezed = re.sub(r"[\s\-_.]+", "", lowered)
        if _is_run(squeezed) or _is_repetition(squeezed):
            raise ValidationError(
                _("这个密码是键盘连排、顺序或重复的字符，很容易被猜到，请换一个。"),
                code="password_pattern",
            )
        for candidate in self._candidates(password):
            if candidate in self.common or _is_run(candidate) or _is_repetition(candidate):
                raise ValidationError(
                    _(
                        "这个密码只是常见密码换了写法（大小写、数字代替字母或在前后加数字），请换一个。"
                    ),
                    code="password_breached_pattern",
                )

    def get_help_text(self) -> str:
        return _("密码不能是常见密码的变形，也不能是键盘连排或重复的字符。")
