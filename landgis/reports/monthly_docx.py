"""The monthly report as a Word document (python-docx): landscape A4, the title, the
figures, the table (its header row repeated on every page), the sign-off line and a page
footer counting pages. Every run names a CJK font for East Asian text and for Latin text,
so Word and LibreOffice lay it out alike."""

from __future__ import annotations

from typing import Any, BinaryIO

from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from landgis.reports.docx_parts import (
    add_run,
    fill,
    font_name,
    keep_row_whole,
    page_footer_line,
    repeat_header,
    set_page,
    set_widths,
    shade,
    sign_off_line,
    usable_width,
    use_font,
)
from landgis.reports.monthly_document import WIDTHS, MonthlyDocument


def _table(document: Any, report: MonthlyDocument, font: str) -> None:
    table = document.add_table(rows=1, cols=len(report.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    header = table.rows[0]
    repeat_header(header)
    for cell, text in zip(header.cells, report.headers, strict=True):
        fill(cell, text, font, bold=True, align=centre)
        shade(cell, "E8E8E8")
    aligns = (centre, None, None, right, centre, None, None)
    for values in report.rows:
        row = table.add_row()
        keep_row_whole(row)
        for cell, text, align in zip(row.cells, values, aligns, strict=True):
            fill(cell, text, font, align=align)
    total = table.add_row()
    label = total.cells[0].merge(total.cells[2])
    fill(label, report.total[0], font, bold=True, align=centre)
    fill(total.cells[3], report.total[1], font, bold=True, align=right)
    set_widths(table, usable_width(document.sections[0]), WIDTHS)


def write_docx(report: MonthlyDocument, out: BinaryIO) -> None:
    """Write ``report`` as a .docx to ``out``."""
    font = font_name()
    document = Document()
    use_font(document, font)
    set_page(document.sections[0], landscape=True)
    page_footer_line(document.sections[0], report.lang, font)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(title, report.title, font, 16, bold=True)
    summary = document.add_paragraph()
    summary.paragraph_format.first_line_indent = Pt(21)
    add_run(summary, report.summary, font, 11)
    _table(document, report, font)
    sign_off_line(document, report.sign_off, report.lang, font)
    document.core_properties.title = report.title
    document.save(out)
