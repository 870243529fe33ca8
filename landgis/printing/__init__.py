"""What every printed document (a PDF rendered by WeasyPrint) shares: the stylesheet
``print.css`` (the page's margins and its running title and page counter, the text, the
title, the table with its header row repeated on every page, the sign-off line) and the
template ``printed.html`` each document's template extends (the paper, the CJK font
families, the running title and the footer ``第 x 页 共 y 页``, set by
:func:`landgis.io.exports.printed_ledger.document.print_context`).

A document adds its own stylesheet after this one, for what is its own; the printed
ledger, the monthly report and the public idle-land list are rendered so
(:func:`landgis.io.exports.printed_ledger.document.render_pdf`).
"""

from pathlib import Path

TEMPLATES = Path(__file__).resolve().parent
"""The folder of the shared template (``printed.html``), searched after a document's own."""

STYLESHEET = TEMPLATES / "print.css"
"""The shared stylesheet, applied before a document's own."""

__all__ = ["STYLESHEET", "TEMPLATES"]
