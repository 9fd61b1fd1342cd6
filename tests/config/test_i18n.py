"""Chinese is the default interface language; English comes from the committed catalogue.

The .mo file is committed, so these tests need no gettext tools: they read it with
Python's own ``gettext`` module and compare it with the .po it was compiled from.
"""

from __future__ import annotations

import ast
import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES"
PO = LOCALE_DIR / "django.po"
MO = LOCALE_DIR / "django.mo"

STRING = re.compile(
    r'^(?:msgid|msgid_plural|msgstr(?:\[\d+\])?|msgctxt)?\s*("(?:[^"\\]|\\.)*")\s*$'
)


def po_entries(path: Path) -> list[dict[str, str]]:
    """The active (not obsolete) entries of a .po file:
    {'msgid': ..., 'msgstr[0]': ..., 'flags': ...}."""
    entries: list[dict[str, str]] = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry: dict[str, str] = {"flags": ""}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"] += line[2:]
            if line.startswith("#"):
                continue
            keyword = line.split(" ", 1)[0] if not line.startswith('"') else None
            if keyword:
                key = keyword
                entry[key] = ""
            match = STRING.match(line)
            assert match and key, f"unexpected line in {path.name}: {line!r}"
            entry[key] += ast.literal_eval(match.group(1))
        if "msgid" in entry:
            entries.append(entry)
    return entries


def catalogue_msgids() -> list[dict[str, str]]:
    return [e for e in po_entries(PO) if e["msgid"]]  # the header has an empty msgid


@pytest.fixture
def client_en(client):
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/login/"})
    assert response.status_code == 302
    return client


def test_login_page_is_chinese_by_default(client):
    html = client.get("/login/").content.decode()
    assert "工作人员登录" in html
    assert "Staff sign in" not in html
    assert '<html lang="zh-hans">' in html


def test_switching_to_english_translates_the_login_page(client_en):
    html = client_en.get("/login/").content.decode()
    assert "Staff sign in" in html
    assert "Username" in html and "Password" in html
    assert "工作人员登录" not in html
    assert "用户名" not in html
    assert '<html lang="en">' in html


def test_english_stays_on_for_the_next_request_and_can_be_switched_back(client_en):
    assert "Staff sign in" in client_en.get("/login/").content.decode()
    client_en.post("/i18n/setlang/", {"language": "zh-hans", "next": "/login/"})
    assert "工作人员登录" in client_en.get("/login/").content.decode()


def test_accept_language_alone_picks_english(client):
    html = client.get("/login/", headers={"accept-language": "en-GB,en;q=0.9"}).content.decode()
    assert "Staff sign in" in html


def test_po_has_no_untranslated_or_fuzzy_entries():
    entries = catalogue_msgids()
    assert len(entries) > 400
    untranslated = [
        e["msgid"] for e in entries if not all(v for k, v in e.items() if k.startswith("msgstr"))
    ]
    fuzzy = [e["msgid"] for e in entries if "fuzzy" in e["flags"]]
    assert untranslated == []
    assert fuzzy == []


def test_compiled_catalogue_matches_the_po():
    """msgfmt leaves out untranslated and fuzzy entries, so equal msgid sets mean all are
    compiled."""
    with MO.open("rb") as fh:
        mo = gettext.GNUTranslations(fh)
    catalog = mo._catalog  # {msgid: msgstr} and {(msgid, n): msgstr} for plural forms
    mo_msgids = {key[0] if isinstance(key, tuple) else key for key in catalog} - {""}
    # gettext keys an entry with a context as "context\x04msgid".
    po_msgids = {
        (e["msgctxt"] + "\x04" + e["msgid"]) if "msgctxt" in e else e["msgid"]
        for e in catalogue_msgids()
    }
    assert len(mo_msgids) == len(po_msgids)
    assert mo_msgids == po_msgids, "django.mo is stale: run manage.py compilemessages -l en"
    assert all(catalog.values())
    assert mo.info().get("plural-forms") == "nplurals=2; plural=(n != 1);"


def test_translations_keep_their_placeholders():
    placeholder = re.compile(r"%\(\w+\)[sd]|%[sd]")
    for e in catalogue_msgids():
        sources = {e["msgid"], e.get("msgid_plural", e["msgid"])}
        expected = set().union(*(placeholder.findall(s) for s in sources))
        for key, value in e.items():
            if key.startswith("msgstr"):
                assert set(placeholder.findall(value)) <= expected, (e["msgid"], value)
                if "msgid_plural" not in e:
                    assert set(placeholder.findall(value)) == expected, (e["msgid"], value)


def test_resident_timeline_words_follow_the_request_language():
    """RESIDENT_WORDS is built at import time, so it must be lazy to be translated."""
    from types import SimpleNamespace

    from django.utils import translation

    from orders.lifecycle import Action, Tier
    from orders.timeline import resident_text

    dispatched = SimpleNamespace(action=Action.DISPATCH, tier=Tier.PROPERTY)
    with translation.override("en"):
        assert (
            resident_text(dispatched) == "The community has dispatched it to “Property management”."
        )
    with translation.override("zh-hans"):
        assert resident_text(dispatched) == "社区已派单给「物业」办理。"


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_each_language_is_named_in_itself_in_any_language(client, language):
    client.post("/i18n/setlang/", {"language": language, "next": "/login/"})
    for url in ("/login/", "/r/"):  # the staff and the resident page layouts
        html = client.get(url).content.decode()
        assert ">中文</option>" in html and ">English</option>" in html, url


def test_the_login_page_sends_residents_to_the_resident_form(client):
    html = client.get("/login/").content.decode()
    assert 'href="/r/"' in html and "不用登录，直接点单" in html


@pytest.mark.django_db
def test_seeded_vocabulary_reads_in_english_and_typed_names_as_typed():
    from django.utils import translation

    from grids.models import CareCategory
    from orders.catalogue import CATALOGUE, ensure_catalogue
    from orders.models import Category

    ensure_catalogue()
    seeded = list(Category.objects.filter(code__in=[c[0] for c in CATALOGUE]))
    care = list(CareCategory.objects.all())
    assert len(seeded) == len(CATALOGUE) and care
    with translation.override("en"):
        for row in seeded + care:
            assert str(row) != row.name and str(row).isascii(), row.name
        assert str(Category(name="小区电梯")) == "小区电梯"
    with translation.override("zh-hans"):
        assert all(str(row) == row.name for row in seeded + care)


@pytest.mark.django_db
def test_the_english_board_shows_english_category_names(client):
    from tests.orders.conftest import build_world

    world = build_world()
    world.place()
    client.force_login(world.dispatcher)
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/staff/board/").content.decode()
    rows = html.split("<tbody")[-1]
    assert "Facility repairs" in rows and "设施维修" not in rows
