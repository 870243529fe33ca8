"""The UI's texts: every message a template or page names is in the catalogues with an
English translation, every label a page looks up by a code (severities, kinds of status
change, form inputs, units, vocabulary names, field and column labels) exists in both
languages, and no text is written into a template outside a message. No browser, no
database."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from jinja2.ext import babel_extract

from api.web import i18n, render
from api.web.case_forms import AREA_INPUTS, CHANGE_INPUTS
from api.web.case_page import TRANSITION_KINDS, UNITS
from api.web.display import SEVERITIES
from api.web.form_input import INPUT_LABELS
from api.web.i18n import Translator, label_of
from api.web.import_pages import DETAILS
from api.web.project_forms import STAGE_NOTICES
from api.web.project_pages import PARTS
from landgis import schema, vocab
from landgis.clock import SEVERITY_ORDER
from landgis.errors import InvalidInput
from landgis.i18n import _, pgettext
from landgis.i18n.catalogues import catalogue_path
from landgis.io.problems import ERROR, WARNING
from landgis.ledger import LEDGER_COLUMNS
from landgis.maps import MapLabels
from landgis.projects import records as project_records
from landgis.projects.records import LABELS as PROJECT_LABELS
from landgis.workflow import TRANSITIONS

TEMPLATES = sorted(render.TEMPLATES_DIR.glob("*.html"))
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
# A message in a template: _("…") or pgettext("context", "…"), either quote.
MESSAGE = re.compile(
    r"""\b(?:_|pgettext)\(\s*(?:(["'])[^"']*\1\s*,\s*)?(["'])(?:(?!\2).)*\2""", re.S
)


def _english() -> dict[tuple[str | None, str], str]:
    with catalogue_path("en").open("rb") as source:
        return {(m.context, m.id): m.string for m in read_po(source) if m.id}


def _template_messages(path: Path) -> set[tuple[str | None, str]]:
    keywords = {"_": None, "pgettext": ((1, "c"), 2)}
    with path.open("rb") as source:
        found = set()
        for _line, function, message, _comments in babel_extract(source, keywords, [], {}):
            if function == "pgettext":
                found.add((message[0], message[1]))
            elif isinstance(message, str):
                found.add((None, message))
            elif message and message[0]:
                found.add((None, message[0]))
    return found


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_every_message_of_a_template_is_translated(path: Path):
    english = _english()
    used = _template_messages(path)
    missing = sorted(m for m in used if not english.get(m))
    assert missing == [], "run make messages with the translations"
    chinese = [english[m] for m in used if CJK.search(english[m])]
    assert chinese == [], "Chinese in the English catalogue"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: p.name)
def test_templates_hold_no_text_of_their_own(path: Path):
    """Chinese text in a template is always a message: ``_("…")``, never text of its own
    (which would show in Chinese on the English pages)."""
    text = MESSAGE.sub("", path.read_text(encoding="utf-8"))
    assert not CJK.search(text), CJK.findall(text)


def test_every_label_a_page_looks_up_by_a_code_exists():
    assert set(SEVERITIES) >= {*SEVERITY_ORDER, ERROR, WARNING}
    assert set(TRANSITION_KINDS) >= {t.kind for t in TRANSITIONS}
    assert set(INPUT_LABELS) >= {*CHANGE_INPUTS, *AREA_INPUTS, "description"}
    assert set(DETAILS) == {"format", "layer", "encoding", "crs"}
    labels = [*SEVERITIES.values(), *TRANSITION_KINDS.values(), *INPUT_LABELS.values()]
    labels += [*DETAILS.values(), *UNITS.values()]
    assert set(PARTS) == {"area", "industry", "availability"}
    assert set(STAGE_NOTICES) == set(vocab.PROJECT_STAGES)
    assert set(PROJECT_LABELS) >= set(project_records.FIELDS) - {"preferred_zones"}
    labels += [*PARTS.values(), *STAGE_NOTICES.values(), *PROJECT_LABELS.values()]
    for label in labels:
        zh, en = label.render("zh"), label.render("en")
        assert CJK.search(zh) or zh in ("㎡",), zh
        assert en and not CJK.search(en) and en != zh, (zh, en)


def test_every_field_and_column_has_an_english_label():
    zh, en = Translator("zh"), Translator("en")
    names = [*vocab.CASE_FIELD_LABELS, "reason"]
    for name in names:
        assert CJK.search(zh.field(name)), name
        assert not CJK.search(en.field(name)) and en.field(name) != name, name
    for key, _header in LEDGER_COLUMNS:
        assert not CJK.search(en.column(key)) and en.column(key) != key, key
    assert en.field("parcel_code") == schema.PARCEL["parcel_code"].label("en")


def test_every_code_of_every_vocabulary_has_an_english_name():
    en = Translator("en")
    for name, codes in vocab.VOCABULARIES.items():
        for code in codes:
            english = en.term(name, code)
            assert english and english != code and not CJK.search(english), (name, code)


def test_translator():
    zh, en = Translator("zh"), Translator("en")
    assert Translator("fr").lang == "zh"
    assert zh("第 {page} / {pages} 页", page=2, pages=5) == "第 2 / 5 页"
    assert en("第 {page} / {pages} 页", page=2, pages=5) == "Page 2 of 5"
    assert en(_("第 {page} / {pages} 页", page=2, pages=5)) == "Page 2 of 5"
    assert en.pgettext("filter", "全部") == "All" and en("全部") == "Any"
    assert en(pgettext("heading", "筛选")) == "Filters" and en("筛选") == "Filter"
    assert zh.term("status", "identified") == "已认定"
    assert en.term("route", "judicial_auction") == "Judicial auction"
    assert en.term("route", "no_such_route") == "no_such_route"
    assert zh.field("determination_no") == "认定书文号"
    assert en.field("parcel_code") == "Parcel code"
    assert en.field("reason") == "Reason" and zh.field("reason") == "理由说明"
    assert en.column("idle_area_mu") == "Idle / low-efficiency area (mu)"
    assert label_of("note").render("en") == en.field("note")
    error = InvalidInput(_("“{field}”超过 {limit} 个字符。", field=label_of("holder"), limit=3))
    assert zh.message(error) == "“土地使用权人”超过 3 个字符。"
    assert en.message(error) == "Land-use right holder is longer than 3 characters."
    assert i18n.language_of(None, "en") == "en"
    assert i18n.language_of("zh", "en") == "zh"
    assert i18n.language_of("xx", None) == "zh"


def test_the_map_labels_come_from_the_catalogues():
    english = i18n.map_labels("en")
    assert i18n.map_labels("zh") == MapLabels()
    assert english.statuses["disposing"] == Translator("en").term("status", "disposing")
    texts = [english.title, english.legend, *english.statuses.values(), *english.tooltip.values()]
    texts += [label for _key, label in (*english.case_popup, *english.parcel_popup)]
    assert not [text for text in texts if CJK.search(text)]
