"""Months as people write them in each language, from Babel's locale data."""

from __future__ import annotations

import datetime as dt

from babel.dates import format_skeleton

from landgis.i18n.catalogues import DEFAULT_LANGUAGE, LOCALES


def written_month(year: int, month: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """A month as a report writes it: ``2023年4月``, ``April 2023``."""
    locale = LOCALES.get(lang, LOCALES[DEFAULT_LANGUAGE])
    return format_skeleton("yMMMM", dt.date(year, month, 1), locale=locale)
