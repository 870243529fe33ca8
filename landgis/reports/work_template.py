"""The default template of the work report (工作情况报告): a Word document with Jinja tags
(docxtpl), written in the county's words and built here in Chinese or English from the
same messages the PDF prints, so both say the same. A county writes it out
(``landgis report work-template``), edits the words in Word or WPS, and names the edited
file in the settings (``LANDGIS_WORK_REPORT_TEMPLATE``).

The variables a template may use are :meth:`~landgis.reports.work_document.WorkReport.fields`
and the pictures (``map``, ``chart_route``, ``chart_zone``, ``chart_month``), and ``annex``
(the printed ledger, placed with ``{{p annex }}``).
"""

from __future__ import annotations

import functools
import io
from collections.abc import Sequence
from typing import Any

from docx import Document
from docx.enum.section import WD_SECTION
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.shared import Pt

from landgis.i18n import Localizable, _
from landgis.reports.docx_parts import (
    add_run,
    fill,
    font_name,
    page_footer_line,
    repeat_header,
    set_page,
    set_widths,
    shade,
    usable_width,
    use_font,
)
from landgis.reports.work_document import (
    MONTH_HEADERS,
    ROUTE_HEADERS,
    ZONE_HEADERS,
    report_paragraph,
    report_title,
    standing_paragraph,
)

FIELDS = (
    "period",
    "cases",
    "ledger_mu",
    "routes",
    "revitalized_mu",
    "factory_wan_m2",
    "factory_m2",
    "date_to",
    "revitalized_total_mu",
    "share",
    "overdue",
    "idle_factory_m2",
    "county",
)
# Each figures table's column shares.
TABLE_WIDTHS = (0.34, 0.16, 0.25, 0.25)
HEADINGS: dict[str, Localizable] = {
    "overview": _("一、总体情况"),
    "revitalized": _("二、盘活情况"),
    "map": _("三、分布图"),
}
# The figures' sections: heading, the chart's name, its caption.
CAPTIONS: tuple[tuple[Localizable, str, Localizable], ...] = (
    (_("(一)按处置方式"), "chart_route", _("图1 期间盘活面积(按处置方式)")),
    (_("(二)按园区"), "chart_zone", _("图2 期间盘活面积(按园区)")),
    (_("(三)按月份"), "chart_month", _("图3 期间盘活面积(按月份)")),
)
TABLES: tuple[tuple[str, tuple[Localizable, ...]], ...] = (
    ("by_route", ROUTE_HEADERS),
    ("by_zone", ZONE_HEADERS),
    ("by_month", MONTH_HEADERS),
)


def map_caption(date_to: str) -> Localizable:
    """The map's caption."""
    return _("图4 低效闲置工业用地分布图(截至{date_to},按处置状态着色)", date_to=date_to)


def _tags() -> dict[str, str]:
    """Every field as the Jinja expression that prints it."""
    return {name: "{{ " + name + " }}" for name in FIELDS}


def _paragraph(
    document: Any, text: str, font: str, *, size: float = 12, indent: bool = True
) -> Any:
    paragraph = document.add_paragraph()
    if indent:
        paragraph.paragraph_format.first_line_indent = Pt(2 * size)
    paragraph.paragraph_format.line_spacing = 1.5
    add_run(paragraph, text, font, size)
    return paragraph


def _heading(document: Any, text: Localizable, lang: str, font: str, size: float = 14) -> None:
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(10)
    paragraph.paragraph_format.keep_with_next = True
    add_run(paragraph, text.render(lang), font, size, bold=True)


def _centred(document: Any, text: str, font: str, size: float = 10.5) -> None:
    paragraph = document.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(paragraph, text, font, size)


def _figures_table(
    document: Any, name: str, headers: Sequence[Localizable], lang: str, font: str
) -> None:
    """A table looping over ``name``'s rows (docxtpl's ``{%tr %}`` rows) with its total."""
    table = document.add_table(rows=5, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    head, loop, row, end, total = table.rows
    repeat_header(head)
    for cell, header in zip(head.cells, headers, strict=True):
        fill(cell, header.render(lang), font, bold=True, align=centre, size=10.5)
        shade(cell, "E8E8E8")
    fill(loop.cells[0], "{%tr for row in " + name + ".rows %}", font)
    fill(end.cells[0], "{%tr endfor %}", font)
    for i, cell in enumerate(row.cells):
        fill(cell, f"{{{{ row[{i}] }}}}", font, align=None if i == 0 else right, size=10.5)
    for i, cell in enumerate(total.cells):
        fill(
            cell,
            f"{{{{ {name}.total[{i}] }}}}",
            font,
            bold=True,
            align=None if i == 0 else right,
            size=10.5,
        )
    set_widths(table, usable_width(document.sections[-1]), TABLE_WIDTHS)


def _picture(document: Any, name: str, caption: Localizable, lang: str, font: str) -> None:
    """The picture ``name`` centred with its caption below, left out when it is empty."""
    _centred(document, "{%p if " + name + " %}", font)
    _centred(document, "{{ " + name + " }}", font)
    _centred(document, caption.render(lang), font, 10.5)
    _centred(document, "{%p endif %}", font)


def build_template(lang: str) -> bytes:
    """The default work report template in ``lang``, as the bytes of a .docx."""
    font = font_name()
    tags = _tags()
    document = Document()
    use_font(document, font, 12)
    set_page(document.sections[0], landscape=False, margin=Pt(72))
    page_footer_line(document.sections[0], lang, font)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    add_run(title, report_title(tags["county"]).render(lang), font, 18, bold=True)
    _centred(document, "({{ period }})", font, 12)

    _heading(document, HEADINGS["overview"], lang, font)
    _paragraph(document, "{%p if routes %}", font)
    _paragraph(document, report_paragraph(**tags).render(lang), font)
    _paragraph(document, "{%p else %}", font)
    _paragraph(document, report_paragraph(**{**tags, "routes": ""}).render(lang), font)
    _paragraph(document, "{%p endif %}", font)
    _paragraph(document, standing_paragraph(**tags).render(lang), font)

    _heading(document, HEADINGS["revitalized"], lang, font)
    for (heading, chart, caption), (name, headers) in zip(CAPTIONS, TABLES, strict=True):
        _heading(document, heading, lang, font, 12)
        _figures_table(document, name, headers, lang, font)
        _picture(document, chart, caption, lang, font)

    _heading(document, HEADINGS["map"], lang, font)
    _picture(document, "map", map_caption(tags["date_to"]), lang, font)

    annex = document.add_section(WD_SECTION.NEW_PAGE)
    set_page(annex, landscape=True)
    document.add_paragraph().add_run("{{p annex }}")
    document.core_properties.title = report_title(tags["county"]).render(lang)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


@functools.cache
def default_template(lang: str) -> bytes:
    """:func:`build_template` of ``lang``, built once per process."""
    return build_template(lang)
