"""Text that a spreadsheet will not run: the CSV formula-injection guard (OWASP).

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by
Excel, LibreOffice and WPS as a formula (``=HYPERLINK(...)``, ``=cmd|' /C calc'!A0``).
Such text is prefixed with an apostrophe, which spreadsheets show as text."""

from __future__ import annotations

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` as a spreadsheet shows it literally: formulas neutralised."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text
