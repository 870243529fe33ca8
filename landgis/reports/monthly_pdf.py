"""The monthly report as a PDF: laid out by ``monthly.html`` and ``monthly.css`` (CSS
paged media, landscape A4), on the shared page of :mod:`landgis.printing`, and rendered
as the printed ledger is (:func:`landgis.io.exports.printed_ledger.document.render_pdf`:
the system's CJK font, nothing fetched but this package's files). The header row repeats
on every page, the footer counts pages."""

from __future__ import annotations

from pathlib import Path
from typing import BinaryIO

import jinja2

from landgis.io.exports.printed_ledger.document import (
    print_context,
    render_pdf,
    template_environment,
)
from landgis.reports.monthly_document import WIDTHS, MonthlyDocument

HERE = Path(__file__).resolve().parent
TEMPLATE = "monthly.html"
STYLESHEET = HERE / "monthly.css"
# How each column's cells are aligned (a class of print.css or monthly.css).
KINDS: tuple[str, ...] = ("int", "code", "text", "mu", "status", "text", "text")


def _environment() -> jinja2.Environment:
    return template_environment(HERE)


def monthly_html(report: MonthlyDocument) -> str:
    """The report as an HTML document for WeasyPrint."""
    shares = [round(100.0 * share / sum(WIDTHS), 3) for share in WIDTHS]
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            **print_context(title=report.title, lang=report.lang, paper="A4"),
            report=report,
            columns=list(zip(report.headers, shares, KINDS, strict=True)),
            kinds=KINDS,
        )
    )


def write_pdf(report: MonthlyDocument, out: BinaryIO) -> None:
    """Write ``report`` as a PDF to ``out``."""
    render_pdf(monthly_html(report), out, STYLESHEET, HERE)
