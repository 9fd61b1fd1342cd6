"""Finding: the public wall showed `138.0013.8304`, `138/0013/8305`, `138_0013_8310`,
double-spaced digits, numbers in Chinese digits, e-mail addresses and WeChat IDs as typed.

Property tests: any mobile number, written with any mix of digit styles and separators and
set in any text, never survives `scrub` in a form that still reads as the number; nor does
any e-mail address or WeChat/QQ ID written after its keyword.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from orders.wall_scrub import CHINESE_DIGITS, SEPARATORS, digit_of, scrub

FINDINGS = [
    "138.0013.8304",
    "138/0013/8305",
    "138_0013_8310",
    "1 3 8  0 0 1 3  8 3 0 6",
    "一三八零零一三八三零七",
    "幺三八洞洞幺三八三洞八",
    "＋86 １３８ ００１３ ８００９",
]


@pytest.mark.parametrize("text", FINDINGS)
def test_each_reported_form_is_masked(text) -> None:
    masked = scrub(f"请联系我 {text} 谢谢")
    assert _digits(masked).count("0013") == 0
    assert "请联系我" in masked and "谢谢" in masked


def test_emails_and_chat_ids_are_masked() -> None:
    assert scrub("邮箱 wang.ayi@example.com 谢谢") == "邮箱 ***@*** 谢谢"
    assert scrub("微信号: wangayi_1988 加我") == "微信号: ****** 加我"
    assert scrub("加我VX：abc12345") == "加我VX：******"
    assert "wxid_abcd1234" not in scrub("wxid_abcd1234")
    assert scrub("QQ 12345678") == "QQ ******"


def test_where_and_when_stay_readable() -> None:
    for text in (
        "3栋2单元401室",
        "2026年12月2日下午3点",
        "三三两两的人",
        "七八十个人",
        "楼道灯坏了",
    ):
        assert scrub(text) == text


_BY_DIGIT: dict[str, list[str]] = {}
for _ch, _d in CHINESE_DIGITS.items():
    _BY_DIGIT.setdefault(_d, []).append(_ch)


def _digits(text: str) -> str:
    """The digits a reader can still read in ``text``, separators dropped."""
    return "".join(d for ch in text if (d := digit_of(ch)) is not None)


def _styled(digit: str):
    return st.sampled_from([digit, chr(ord("０") + int(digit)), *_BY_DIGIT[digit]])


@st.composite
def written_phone(draw) -> tuple[str, str]:
    number = (
        "1"
        + draw(st.sampled_from("3456789"))
        + "".join(draw(st.lists(st.sampled_from("0123456789"), min_size=9, max_size=9)))
    )
    seps = sorted(SEPARATORS)
    parts = []
    for i, digit in enumerate(number):
        parts.append(draw(_styled(digit)))
        if i < len(number) - 1:
            parts.append("".join(draw(st.lists(st.sampled_from(seps), max_size=3))))
    return number, "".join(parts)


PROSE = st.text(alphabet="楼道灯坏了请联系王阿姨谢谢，。的 abcXYZ!?", max_size=12)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    phone=written_phone(),
    before=PROSE,
    after=PROSE,
    prefix=st.sampled_from(["", "+86", "＋86 ", "86-"]),
)
def test_no_written_phone_survives(phone, before, after, prefix) -> None:
    number, written = phone
    masked = scrub(before + prefix + written + after)
    assert number[3:] not in _digits(masked)
    assert number[-4:] not in _digits(masked)


LOCAL = st.from_regex(r"[a-z][a-z0-9._]{2,12}[a-z0-9]", fullmatch=True)
DOMAIN = st.from_regex(r"[a-z][a-z0-9]{1,10}\.(com|cn|net|org|com\.cn)", fullmatch=True)


@settings(max_examples=100, deadline=None)
@given(
    local=LOCAL, domain=DOMAIN, at=st.sampled_from(["@", "＠", " @ "]), before=PROSE, after=PROSE
)
def test_no_email_survives(local, domain, at, before, after) -> None:
    masked = scrub(f"{before} {local}{at}{domain} {after}")
    assert local not in masked
    assert domain not in masked


WECHAT_ID = st.from_regex(r"[a-zA-Z][-_a-zA-Z0-9]{5,19}", fullmatch=True)
KEYWORDS = st.sampled_from(
    ["微信", "微信号", "VX", "vx", "wx", "WeChat", "weixin", "薇信", "V信", "QQ"]
)


@settings(max_examples=100, deadline=None)
@given(
    key=KEYWORDS,
    sep=st.sampled_from(["", " ", ":", "：", " : ", "号", "是"]),
    chat_id=WECHAT_ID,
    before=PROSE,
)
def test_no_chat_id_survives(key, sep, chat_id, before) -> None:
    masked = scrub(f"{before}{key}{sep}{chat_id} 谢谢")
    assert chat_id not in masked


@pytest.mark.django_db
def test_the_wall_page_shows_none_of_the_reported_forms(client, world) -> None:
    typed = "灯坏了 " + " / ".join(FINDINGS) + " wang.ayi@example.com 微信号: wangayi_1988"
    world.place(description=typed)

    html = client.get(f"/wall/{world.community.code}/").content.decode()

    assert "灯坏了" in html
    for secret in (*FINDINGS, "wang.ayi@example.com", "wangayi_1988", "0013"):
        assert secret not in html, secret
