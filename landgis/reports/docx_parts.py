"""The pieces the Word documents (python-docx) are built of: runs that name the CJK font
for every script (so Word and LibreOffice lay them out alike), page fields, the page
footer, table cells and header rows repeated on every page."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_ALIGN_VERTICAL
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Length, Mm, Pt

from landgis.io.exports.printed_ledger import cjk_families, page_footer

FALLBACK_FONT = "Noto Sans CJK SC"
A4_LONG, A4_SHORT, MARGIN = Mm(297), Mm(210), Mm(15)
_PAGE, _PAGES = "\x00PAGE\x00", "\x00NUMPAGES\x00"


def font_name() -> str:
    """The CJK family installed here (the PDF's), Noto Sans CJK SC when none is found."""
    try:
        return cjk_families()[0]
    except Exception:  # no CJK font here: the reader's machine will substitute
        return FALLBACK_FONT


def set_fonts(r_pr: Any, name: str) -> None:
    """Name ``name`` for every script of a run's (or a style's) properties."""
    fonts = r_pr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        r_pr.insert(0, fonts)
    for script in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(script), name)
    for theme in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(theme), None)


def use_font(document: Any, font: str, size: float = 10.5) -> None:
    """Make ``font`` at ``size`` pt the document's Normal style, for every script."""
    normal = document.styles["Normal"]
    normal.font.size = Pt(size)
    set_fonts(normal.element.get_or_add_rPr(), font)


def add_run(paragraph: Any, text: str, font: str, size: float, bold: bool = False) -> Any:
    """A run of ``text`` in ``font`` at ``size`` pt appended to ``paragraph``."""
    run = paragraph.add_run(text)
    run.font.size = Pt(size)
    run.font.bold = bold
    set_fonts(run._element.get_or_add_rPr(), font)
    return run


def add_field(paragraph: Any, code: str, font: str, size: float) -> None:
    """A field (``PAGE``, ``NUMPAGES``) Word and LibreOffice fill in."""
    for kind, text in (("begin", None), ("instr", f" {code} "), ("separate", None), ("end", None)):
        run = add_run(paragraph, "", font, size)
        if kind == "instr":
            element = OxmlElement("w:instrText")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        else:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        run._element.append(element)
        if kind == "separate":
            add_run(paragraph, "1", font, size)


def set_page(section: Any, *, landscape: bool, margin: Length = MARGIN) -> None:
    """A4 paper for ``section``, landscape or portrait, with ``margin`` on every side."""
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    long, short = A4_LONG, A4_SHORT
    section.page_width, section.page_height = (long, short) if landscape else (short, long)
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, margin)


def usable_width(section: Any) -> int:
    """The width between the margins of ``section``, in EMU."""
    return int(section.page_width - section.left_margin - section.right_margin)


def page_footer_line(section: Any, lang: str, font: str) -> None:
    """``第 x 页 共 y 页`` (in ``lang``) centred in the footer of ``section``."""
    paragraph = section.footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for piece in page_footer(lang, _PAGE, _PAGES).split("\x00"):
        if piece in ("PAGE", "NUMPAGES"):
            add_field(paragraph, piece, font, 9)
        elif piece:
            add_run(paragraph, piece, font, 9)


def repeat_header(row: Any) -> None:
    """Mark ``row`` as the table's header row, repeated at the top of every page."""
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)
    tr_pr.append(OxmlElement("w:cantSplit"))


def keep_row_whole(row: Any) -> None:
    """Never break ``row`` across pages."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:cantSplit"))


def fill(
    cell: Any, text: str, font: str, *, bold: bool = False, align: Any = None, size: float = 9.5
) -> None:
    """Write ``text`` into the table cell ``cell``, centred vertically."""
    cell.vertical_alignment = WD_ALIGN_VERTICAL.CENTER
    paragraph = cell.paragraphs[0]
    if align is not None:
        paragraph.alignment = align
    add_run(paragraph, text, font, size, bold)


def shade(cell: Any, colour: str) -> None:
    """Fill the background of ``cell`` with ``colour`` (hex, no #)."""
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def set_widths(table: Any, usable: int, shares: Sequence[float]) -> None:
    """Share ``usable`` (EMU) among the columns of ``table`` by ``shares``: in the grid,
    which LibreOffice lays out by, and in each cell, which Word lays out by."""
    widths = [int(usable * share / sum(shares)) for share in shares]
    table.autofit = False
    for column, width in zip(table.columns, widths, strict=True):
        column.width = width
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = width


def sign_off_line(document: Any, labels: Sequence[str], lang: str, font: str) -> None:
    """The sign-off line: each label followed by a blank underlined for a signature."""
    paragraph = document.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(18)
    colon = ":" if lang == "zh" else ": "
    for label in labels:
        add_run(paragraph, f"{label}{colon}", font, 10.5)
        add_run(paragraph, "\u3000" * 8, font, 10.5).font.underline = True
        add_run(paragraph, "\u3000\u3000", font, 10.5)
