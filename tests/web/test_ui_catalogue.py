"""The UI's message catalogue: every text in both languages, every key the pages use
present, every code of the ledger's vocabularies named in English, and no text written
into a template instead of the catalogue. No browser, no database."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from api.web import i18n, render
from api.web.case_page import PARCEL_FIELDS
from api.web.i18n import MESSAGES, VOCABULARIES, Translator
from landgis import vocab
from landgis.clock import SEVERITY_ORDER
from landgis.errors import InvalidInput
from landgis.io.problems import ERROR, WARNING
from landgis.ledger import LEDGER_COLUMNS
from landgis.workflow import TRANSITIONS

TEMPLATES = sorted(render.TEMPLATES_DIR.glob("*.html"))
PAGE_MODULES = sorted(render.WEB_DIR.glob("*.py"))
LITERAL_KEY = re.compile(r"""\bt\(\s*["']([a-z_]+(?:\.[a-z_0-9]+)+)["']""")
DYNAMIC_KEY = re.compile(r"""\bt\(\s*["']([a-z_.]+\.)["']\s*~""")
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(MESSAGES))
def test_every_message_has_both_languages_with_the_same_placeholders(key):
    zh, en = MESSAGES[key]
    assert zh.strip() and en.strip()
    assert _fields(zh) == _fields(en), key
    assert not CJK.search(en), f"{key}: Chinese in the English text"


def test_every_code_of_every_vocabulary_has_an_english_name():
    for name, (zh, en) in VOCABULARIES.items():
        assert set(zh) == set(en), name
        assert all(en.values()), name
    assert set(vocab.CASE_FIELD_LABELS) <= set(i18n.FIELD_EN)
    assert {key for key, _ in LEDGER_COLUMNS} <= set(i18n.COLUMN_EN)


def test_every_key_a_template_or_page_names_exists():
    used: set[str] = set()
    prefixes: set[str] = set()
    for path in [*TEMPLATES, *PAGE_MODULES]:
        text = path.read_text(encoding="utf-8")
        used |= set(LITERAL_KEY.findall(text))
        prefixes |= set(DYNAMIC_KEY.findall(text))
        used |= set(re.findall(r"""\bflash\(\s*request,\s*["']([a-z_.]+)["']""", text))
    assert used, "templates name their texts"
    assert sorted(used - set(MESSAGES)) == []
    expected = {
        "filter.": ("status", "category", "cause", "route"),
        "transition.": {t.kind for t in TRANSITIONS},
        "severity.": {*SEVERITY_ORDER, ERROR, WARNING},
        "unit.": ("m2", "yuan", "mu"),
        "form.": ("occurred_on", "document_no", "note", "area_mu", "building_area_m2"),
        "import.detail.": ("format", "layer", "encoding", "crs"),
    }
    assert prefixes <= set(expected), prefixes
    expected["parcel."] = PARCEL_FIELDS
    for prefix, names in expected.items():
        missing = [f"{prefix}{n}" for n in names if f"{prefix}{n}" not in MESSAGES]
        assert missing == []


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_hold_no_text_of_their_own(path: Path):
    text = path.read_text(encoding="utf-8")
    assert not CJK.search(text), "Chinese text belongs in the catalogue"


def test_translator():
    zh, en = Translator("zh"), Translator("en")
    assert Translator("fr").lang == "zh"
    assert zh("ledger.page", page=2, pages=5) == "第 2 / 5 页"
    assert en("ledger.page", page=2, pages=5) == "Page 2 of 5"
    assert zh.term("status", "identified") == "已认定"
    assert en.term("route", "judicial_auction") == "Judicial auction"
    assert en.term("route", "no_such_route") == "no_such_route"
    assert zh.field("determination_no") == "认定书文号"
    assert en.field("parcel_code") == "Parcel code"
    assert en.column("idle_area_mu") == "Idle / low-efficiency area (mu)"
    error = InvalidInput("中文说明。", "English text.")
    assert (zh.message(error), en.message(error)) == ("中文说明。", "English text.")
    with pytest.raises(KeyError):
        zh("no.such.key")
    assert i18n.language_of(None, "en") == "en"
    assert i18n.language_of("zh", "en") == "zh"
    assert i18n.language_of("xx", None) == "zh"
