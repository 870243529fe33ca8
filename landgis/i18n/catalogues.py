"""The message catalogues: ``landgis/locale/<locale>/LC_MESSAGES/landgis.po``, compiled to
``.mo`` by ``make install`` (``pybabel compile``).

A catalogue whose ``.mo`` is missing or older than its ``.po`` (a checkout where nobody
ran the compile step) is compiled in memory from the ``.po`` instead, so a message is
never shown untranslated for want of a build step. A message missing from a catalogue
shows its Chinese source text; the tests hold every catalogue complete.
"""

from __future__ import annotations

import functools
import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import NullTranslations, Translations

DOMAIN = "landgis"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"
# The languages a user may choose (their codes in URLs and cookies) and their catalogues.
LANGUAGES: dict[str, str] = {"zh": "中文", "en": "English"}
LOCALES: dict[str, str] = {"zh": "zh_CN", "en": "en"}
DEFAULT_LANGUAGE = "zh"


def language_of(*choices: str | None) -> str:
    """The first supported language among ``choices`` (e.g. query, then cookie), else
    Chinese."""
    return next((c for c in choices if c in LANGUAGES), DEFAULT_LANGUAGE)


def catalogue_path(lang: str, suffix: str = ".po") -> Path:
    """Where the catalogue of ``lang`` lives (``.po`` source or ``.mo`` compiled)."""
    return LOCALE_DIR / LOCALES[lang] / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def _compiled_in_memory(po: Path) -> Translations:
    with po.open("rb") as source:
        catalog = read_po(source, locale=po.parent.parent.name, domain=DOMAIN)
    buffer = io.BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return Translations(buffer, domain=DOMAIN)


@functools.cache
def translations(lang: str) -> NullTranslations:
    """The translations of ``lang`` (a supported language code)."""
    po, mo = catalogue_path(lang), catalogue_path(lang, ".mo")
    if mo.is_file() and (not po.is_file() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as compiled:
            return Translations(compiled, domain=DOMAIN)
    if po.is_file():
        return _compiled_in_memory(po)
    return NullTranslations()


def translate(msgid: str, lang: str = DEFAULT_LANGUAGE, context: str | None = None) -> str:
    """``msgid`` (a Chinese source text) in ``lang``; the source text when the catalogue
    lacks it."""
    catalogue = translations(language_of(lang))
    if context is None:
        return catalogue.gettext(msgid)
    return str(catalogue.pgettext(context, msgid))
