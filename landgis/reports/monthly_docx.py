"""The monthly report as a Word document (python-docx): landscape A4, the title, the
figures, the table (its header row repeated on every page), the sign-off line and a page
footer counting pages. Every run names a CJK font for East Asian text and for Latin text,
so Word and LibreOffice lay it out alike."""

from __future__ import annotations

from typing import Any, BinaryIO

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL, WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt

from landgis.io.exports.printed_ledger import cjk_families, page_footer
from landgis.reports.monthly_document import WIDTHS, MonthlyDocument

FALLBACK_FONT = "Noto Sans CJK SC"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Mm(297), Mm(210), Mm(15)
_PAGE, _PAGES = "\x00PAGE\x00", "\x00NUMPAGES\x00"


def _font_name() -> str:
    """The CJK family installed here (the PDF's), Noto Sans CJK SC when none is found."""
    try:
        return cjk_families()[0]
    except Exception:  # no CJK font here: the reader's machine will substitute
        return FALLBACK_FONT


def _set_fonts(r_pr: Any, name: str) -> None:
    """Name ``name`` for every script of a run's (or a style's) properties."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def _run(paragraph: Any, text: str, font: str, size: float, bold: bool = False) -> Any:
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    _set_fonts(run._element.get_or_add_rPr(), font)
    return run


def _field(paragraph: Any, code: str, font: str, size: float) -> None:
    """A field (``PAGE``, ``NUMPAGES``) Word and LibreOffice fill in."""
    for kind, text in (("begin", None), ("instr", f" {code} "), ("separate", None), ("end", None)):
        run = _run(paragraph, "", font, size)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._element.append(element)
        if kind == "separate":
            _run(paragraph, "1", font, size)


def _landscape(document: Any) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, MARGIN)


def _footer(document: Any, lang: str, font: str) -> None:
    paragraph = document.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in page_footer(lang, _PAGE, _PAGES).split("\x00"):
        if piece in ("PAGE", "NUMPAGES"):
            _field(paragraph, piece, font, 9)
        elif piece:
            _run(paragraph, piece, font, 9)


def _repeat_header(row: Any) -> None:
    """Mark ``row`` as the table's header row, repeated at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    cant_split = OxmlElement("w:cantSplit")
    tr_pr.append(cant_split)


def _fill(cell: Any, text: str, font: str, *, bold: bool = False, align: Any = None) -> None:
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    _run(paragraph, text, font, 9.5, bold)


def _shade(cell: Any, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _table(document: Any, report: MonthlyDocument, font: str) -> None:
    table = document.add_table(rows=1, cols=len(report.headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    usable = PAGE_WIDTH - 2 * MARGIN
    widths = [int(usable * share / sum(WIDTHS)) for share in WIDTHS]
    centre, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    header = table.rows[0]
    _repeat_header(header)
    for cell, text in zip(header.cells, report.headers, strict=True):
        _fill(cell, text, font, bold=True, align=centre)
        _shade(cell, "E8E8E8")
    aligns = (centre, None, None, right, centre, None, None)
    for values in report.rows:
        row = table.add_row()
        row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))
        for cell, text, align in zip(row.cells, values, aligns, strict=True):
            _fill(cell, text, font, align=align)
    total = table.add_row()
    label = total.cells[0].merge(total.cells[2])
    _fill(label, report.total[0], font, bold=True, align=centre)
    _fill(total.cells[3], report.total[1], font, bold=True, align=right)
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width  # the grid, which LibreOffice lays out by
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width  # each cell's own, which Word lays out by


def write_docx(report: MonthlyDocument, out: BinaryIO) -> None:
    """Write ``report`` as a .docx to ``out``."""
    font = _font_name()
    document = Document()
    normal = document.styles["Normal"]
    normal.font.size = Pt(10.5)
    _set_fonts(normal.element.get_or_add_rPr(), font)
    _landscape(document)
    _footer(document, report.lang, font)
    title = document.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(title, report.title, font, 16, bold=True)
    summary = document.add_paragraph()
    summary.paragraph_format.first_line_indent = Pt(21)
    _run(summary, report.summary, font, 11)
    _table(document, report, font)
    sign_off = document.add_paragraph()
    sign_off.paragraph_format.space_before = Pt(18)
    colon = ":" if report.lang == "zh" else ": "
    for label in report.sign_off:
        _run(sign_off, f"{label}{colon}", font, 10.5)
        _run(sign_off, "\u3000" * 8, font, 10.5).font.underline = True
        _run(sign_off, "\u3000\u3000", font, 10.5)
    document.core_properties.title = report.title
    document.save(out)
