"""What the public wall may show of a resident's words: no way to reach or name them.

``scrub`` masks, in this order:

- e-mail addresses (ASCII or full-width ``＠``) → ``***@***``;
- WeChat and QQ IDs written after their keyword (微信/微信号/VX/wx/WeChat/weixin/薇信/
  V信/QQ/扣扣, with or without a colon), and bare ``wxid_…`` IDs → ``******``;
- numbers of 7 or more digits however they are written: ASCII, full-width, Chinese digits
  (一三八…, 幺, 两, 〇/零, 壹贰…), and mixtures of them, with up to three separators
  between digits (spaces — double and full-width too —, dots, slashes, underscores,
  dashes, commas, brackets, ``+``). A mobile number (11 digits, ``1[3-9]…``) becomes
  ``1**********``, anything else one ``*`` per digit;
- the given names (the resident's own) → ``**``.

Short numbers stay (``3栋2单元401室``): they are how residents say where the problem is.
"""

from __future__ import annotations

import re
import unicodedata

CHINESE_DIGITS = {
    **dict.fromkeys("零〇○洞", "0"),
    **dict.fromkeys("一幺壹", "1"),
    **dict.fromkeys("二两贰", "2"),
    **dict.fromkeys("三叁", "3"),
    **dict.fromkeys("四肆", "4"),
    **dict.fromkeys("五伍", "5"),
    **dict.fromkeys("六陆", "6"),
    **dict.fromkeys("七柒拐", "7"),
    **dict.fromkeys("八捌", "8"),
    **dict.fromkeys("九玖勾", "9"),
}
SEPARATORS = frozenset(" \t\u3000\u00a0-_./·,，、()（）+＋－＿．／—–~～:：")
MAX_SEPARATORS = 3
MIN_DIGITS = 7

EMAIL = re.compile(r"[A-Za-z0-9._%+\-]+\s*[@＠]\s*[A-Za-z0-9\-]+(?:\s*[.．。]\s*[A-Za-z0-9\-]+)+")
CHAT_ID = re.compile(
    r"(?P<key>微信号?|微 信|威信|薇信|[Vv]信|[Vv][Xx]|[Ww][Xx]|[Ww]e[Cc]hat|[Ww]ei[Xx]in|"
    r"QQ号?|qq号?|扣扣)"
    r"(?P<sep>\s*(?:号|ID|id)?\s*[:：是为]?\s*)"
    r"(?P<id>[A-Za-z0-9][-_A-Za-z0-9]{4,19})"
)
WXID = re.compile(r"wxid_[A-Za-z0-9]{4,}", re.IGNORECASE)


def digit_of(ch: str) -> str | None:
    """The digit a character stands for (ASCII, full-width, other Unicode, Chinese), or None."""
    if ch.isdigit():
        value = unicodedata.digit(ch, None)
        return None if value is None else str(value)
    return CHINESE_DIGITS.get(ch)


def _mask_numbers(text: str) -> str:
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        if digit_of(text[i]) is None:
            out.append(text[i])
            i += 1
            continue
        # A run: digits with at most MAX_SEPARATORS separators between two digits.
        digits = [digit_of(text[i])]
        end = i + 1
        j = end
        while j < n:
            k = j
            while k < n and text[k] in SEPARATORS and k - j < MAX_SEPARATORS:
                k += 1
            if k < n and digit_of(text[k]) is not None:
                digits.append(digit_of(text[k]))
                end = j = k + 1
            else:
                break
        number = "".join(d for d in digits if d is not None)
        if len(number) >= MIN_DIGITS:
            if len(number) == 11 and number[0] == "1" and number[1] in "3456789":
                out.append("1" + "*" * 10)
            else:
                out.append("*" * len(number))
        else:
            out.append(text[i:end])
        i = end
    return "".join(out)


def scrub(text: str, *, names: tuple[str, ...] = ()) -> str:
    text = text or ""
    text = EMAIL.sub("***@***", text)
    text = CHAT_ID.sub(lambda m: m.group("key") + m.group("sep") + "******", text)
    text = WXID.sub("******", text)
    text = _mask_numbers(text)
    for name in names:
        name = (name or "").strip()
        if len(name) >= 2:
            text = text.replace(name, "**")
    return text
