"""The work report as a PDF: the report on portrait A4 (``work.html``, ``work.css``) with
the pictures inlined, then the printed ledger as its annex on landscape A4 pages, rendered
by WeasyPrint as the printed ledger is (the system's CJK font, nothing fetched)."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from pathlib import Path
from typing import BinaryIO

from landgis.io.exports.printed_ledger.document import (
    print_context,
    render_pdf,
    template_environment,
)
from landgis.reports.work_document import WorkReport
from landgis.reports.work_template import CAPTIONS, HEADINGS, TABLE_WIDTHS, map_caption

HERE = Path(__file__).resolve().parent
TEMPLATE = "work.html"
STYLESHEET = HERE / "work.css"


def _data_url(png: bytes | None) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii") if png else ""


def _shares(widths: tuple[float, ...]) -> list[float]:
    return [round(100.0 * w / (sum(widths) or 1.0), 3) for w in widths]


def work_html(report: WorkReport, pictures: Mapping[str, bytes | None]) -> str:
    """The report as an HTML document for WeasyPrint."""
    lang = report.lang
    tables = (report.by_route, report.by_zone, report.by_month)
    sections = [
        (heading.render(lang), table, _data_url(pictures.get(name)), caption.render(lang))
        for (heading, name, caption), table in zip(CAPTIONS, tables, strict=True)
    ]
    return (
        template_environment(HERE)
        .get_template(TEMPLATE)
        .render(
            **print_context(title=report.title, lang=lang, paper="A4", orientation="portrait"),
            report=report,
            headings={key: text.render(lang) for key, text in HEADINGS.items()},
            sections=sections,
            widths=_shares(TABLE_WIDTHS),
            map=_data_url(pictures.get("map")),
            map_caption=map_caption(report.words["date_to"]).render(lang),
            annex_widths=_shares(report.annex.widths),
        )
    )


def write_work_pdf(report: WorkReport, pictures: Mapping[str, bytes | None], out: BinaryIO) -> None:
    """Write ``report`` with ``pictures`` (PNG by name) as a PDF to ``out``."""
    render_pdf(work_html(report, pictures), out, STYLESHEET, HERE)


__all__ = ["work_html", "write_work_pdf"]
