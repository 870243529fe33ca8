"""How the workbook's sheets print: landscape (or portrait) on A3 or A4, a footer that counts
pages (``第 &P 页 共 &N 页``), centred, with modest margins."""

from __future__ import annotations

from xlsxwriter.worksheet import Worksheet

# OOXML paperSize: 8 is A3, 9 is A4.
PAPER_SIZES: dict[str, int] = {"A3": 8, "A4": 9}
DEFAULT_FOOTER = "第 &P 页 共 &N 页"
# Width units (characters of 10-point text) a landscape page holds at about 100 %.
PAPER_WIDTH_UNITS: dict[str, float] = {"A3": 200.0, "A4": 138.0}


def set_up_page(
    sheet: Worksheet,
    *,
    paper: str = "A3",
    footer: str = DEFAULT_FOOTER,
    landscape: bool = True,
) -> None:
    """Paper (A3 or A4), orientation, margins (inches) and the centred page footer
    (``&P`` the page, ``&N`` the pages)."""
    if landscape:
        sheet.set_landscape()
    else:
        sheet.set_portrait()
    sheet.set_paper(PAPER_SIZES.get(paper, PAPER_SIZES["A3"]))
    sheet.set_margins(left=0.4, right=0.4, top=0.6, bottom=0.7)
    sheet.center_horizontally()
    sheet.set_footer(f"&C{footer}", {"margin": 0.3})
