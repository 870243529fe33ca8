"""The message catalogues: complete in both languages, in step with the code, and the
messages rendered in the language asked for."""

from __future__ import annotations

import string
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from landgis.errors import NotFound
from landgis.i18n import Text, _, listing, term, translate
from landgis.i18n.catalogues import LOCALE_DIR, LOCALES, catalogue_path
from landgis.vocab import VOCABULARIES

ROOT = Path(__file__).resolve().parents[2]


def _catalogue(path: Path):
    with path.open("rb") as source:
        return read_po(source)


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def _messages(path: Path) -> dict[tuple[str | None, str], str]:
    return {(m.context, m.id): m.string for m in _catalogue(path) if m.id}


@pytest.mark.parametrize("lang", sorted(LOCALES))
def test_every_message_has_a_translation_with_the_same_placeholders(lang):
    messages = _catalogue(catalogue_path(lang))
    missing = [m.id for m in messages if m.id and not m.string]
    fuzzy = [m.id for m in messages if m.id and m.fuzzy]
    assert not missing, f"{len(missing)} without a {lang} translation: {missing[:10]}"
    assert not fuzzy, f"fuzzy (to review) in {lang}: {fuzzy[:10]}"
    wrong = [(m.id, m.string) for m in messages if m.id and _fields(m.id) != _fields(m.string)]
    assert not wrong, f"placeholders differ in {lang}: {wrong[:5]}"


def test_the_chinese_catalogue_keeps_the_source_texts_unless_reworded():
    # Chinese is the source language: its catalogue holds every message, and the English
    # one holds the same set.
    zh = _messages(catalogue_path("zh"))
    en = _messages(catalogue_path("en"))
    assert zh.keys() == en.keys()
    template = {(m.context, m.id) for m in _catalogue(LOCALE_DIR / "messages.pot") if m.id}
    assert template == zh.keys()


def test_the_catalogues_hold_what_the_code_and_templates_say(tmp_path):
    """Extracting again finds exactly the messages of the catalogues: nothing added to the
    code without ``make messages``, nothing left over."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "--no-location",
            "-o",
            str(fresh),
            ".",
        ],
        cwd=ROOT,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"},
    )
    extracted = {(m.context, m.id) for m in _catalogue(fresh) if m.id}
    catalogued = {(m.context, m.id) for m in _catalogue(LOCALE_DIR / "messages.pot") if m.id}
    assert extracted - catalogued == set(), "new messages: run make messages"
    assert catalogued - extracted == set(), "messages no longer used: run make messages"


def test_the_values_of_a_message_render_in_its_language():
    text = Text("{status}", {"status": term("status", "disposing")})
    assert text.render("zh") == "处置中"
    english = text.render("en")
    assert english == translate("处置中", "en", "status")
    assert "处置" not in english and "disposing" not in english


def test_each_vocabulary_is_translated_on_its_own():
    """One Chinese word may be a name in two vocabularies (已盘活: a case's status and a
    building's state); each is a message of its own, under its vocabulary as context."""
    assert VOCABULARIES["status"]["revitalized"] == VOCABULARIES["building_state"]["revitalized"]
    catalogued = _messages(catalogue_path("en"))
    assert ("status", "已盘活") in catalogued and ("building_state", "已盘活") in catalogued


def test_every_vocabulary_name_is_translated():
    for vocabulary, names in VOCABULARIES.items():
        for code in names:
            english = term(vocabulary, code).render("en")
            assert english and not any("\u4e00" <= c <= "\u9fff" for c in english), (
                vocabulary,
                code,
                english,
            )


def test_a_list_reads_as_a_list_in_each_language():
    names = listing([term("route", "buyback"), term("route", "judicial_auction")])
    assert names.render("zh") == "依法回购、司法拍卖"
    assert names.render("en") == "Buyback, Judicial auction"


def test_an_unknown_code_shows_as_itself():
    assert term("status", "no_such_status").render("en") == "no_such_status"


def test_an_error_carries_its_message_in_both_languages():
    error = NotFound(_("台账条目 {case_no} 不存在。", case_no="QX-1"))
    assert error.message.startswith("台账条目 QX-1")
    assert error.text.render("zh") == error.message


def test_the_compiled_catalogue_says_what_its_source_says():
    """``make install`` compiles the catalogues; a compiled one answers like its .po."""
    for lang in LOCALES:
        compiled = catalogue_path(lang, ".mo")
        assert compiled.is_file(), f"{compiled} missing: make install compiles it"
        assert compiled.stat().st_mtime >= catalogue_path(lang).stat().st_mtime
