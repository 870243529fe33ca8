"""The work report as a Word document: its template (the county's, or the default of
:mod:`.work_template`) filled by docxtpl with the report's fields, the pictures and the
printed ledger as the annex (a table whose header row repeats on every page)."""

from __future__ import annotations

import io
import zipfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any, BinaryIO

import jinja2
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage

from landgis.errors import ConfigurationError
from landgis.i18n import _
from landgis.reports.docx_parts import (
    add_run,
    fill,
    font_name,
    keep_row_whole,
    repeat_header,
    set_widths,
    shade,
    sign_off_line,
)
from landgis.reports.work_document import Annex, WorkReport
from landgis.reports.work_template import default_template

# Each picture's width on the page (portrait A4 between 25 mm margins is 160 mm).
PICTURE_WIDTHS_MM: dict[str, float] = {
    "map": 160,
    "chart_route": 140,
    "chart_zone": 140,
    "chart_month": 140,
}
# The annex's usable width: landscape A4 between 15 mm margins.
ANNEX_WIDTH = Mm(297 - 30)


def _annex(template: DocxTemplate, annex: Annex, lang: str) -> Any:
    """The printed ledger as a sub-document: its title, the table and the sign-off line."""
    font = font_name()
    document = template.new_subdoc()
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(title, annex.title, font, 14, bold=True)
    if annex.note:
        add_run(document.add_paragraph(), annex.note, font, 10.5)
        return document
    table = document.add_table(rows=1, cols=len(annex.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    header = table.rows[0]
    repeat_header(header)
    for cell, text in zip(header.cells, annex.headers, strict=True):
        fill(cell, text, font, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=8)
        shade(cell, "E8E8E8")
    for is_case, cells in annex.lines:
        row = table.add_row()
        keep_row_whole(row)
        if is_case:
            for cell, text in zip(row.cells, cells, strict=True):
                fill(cell, text, font, size=8)
            continue
        label = row.cells[0].merge(row.cells[annex.label_span - 1])
        fill(label, cells[0], font, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=8)
        for cell, text in zip(row.cells[annex.label_span :], cells[1:], strict=True):
            fill(cell, text, font, bold=True, size=8)
    set_widths(table, int(ANNEX_WIDTH), annex.widths)
    sign_off_line(document, annex.sign_off, lang, font)
    return document


def _environment() -> jinja2.Environment:
    """Jinja for templates: text escaped for Word's XML, a misspelt field refused."""
    return jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined)


def _picture(template: DocxTemplate, name: str, png: bytes | None) -> Any:
    if not png:
        return ""
    return InlineImage(template, io.BytesIO(png), width=Mm(PICTURE_WIDTHS_MM.get(name, 150)))


def template_bytes(lang: str, path: Path | None = None) -> bytes:
    """The county's template at ``path``, or the default one in ``lang``."""
    if path is None:
        return default_template(lang)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise ConfigurationError(
            _("找不到工作情况报告模板 {path}:请检查设置 work_report_template。", path=path),
            detail=str(exc),
        ) from exc


def write_work_docx(
    report: WorkReport,
    pictures: Mapping[str, bytes | None],
    out: BinaryIO,
    template: Path | None = None,
) -> None:
    """Fill the work report ``template`` (the default one when None) with ``report`` and
    ``pictures`` (PNG by name: ``map``, ``chart_route``, …) and write the .docx to ``out``."""
    try:
        document = DocxTemplate(io.BytesIO(template_bytes(report.lang, template)))
        context = report.fields()
        for name in PICTURE_WIDTHS_MM:
            context[name] = _picture(document, name, pictures.get(name))
        context["annex"] = _annex(document, report.annex, report.lang)
        document.render(context, jinja_env=_environment())
    except jinja2.TemplateError as exc:
        raise ConfigurationError(
            _(
                "工作情况报告模板 {path} 有误:{error}。请在 Word 或 WPS 中改正模板的 "
                "{{{{ }}}} 和 {{% %}} 标记。",
                path=template or "",
                error=str(exc),
            ),
            detail=str(exc),
        ) from exc
    except (KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:  # not a Word document
        raise ConfigurationError(
            _("工作情况报告模板 {path} 不是有效的 .docx 文件。", path=template or ""),
            detail=str(exc),
        ) from exc
    document.docx.core_properties.title = report.title
    document.save(out)


__all__ = ["template_bytes", "write_work_docx"]
