"""The printed ledger (打印版台账): the dozen or so columns a county prints, signs and
sends up (chosen in the settings, :mod:`landgis.schema.printed`), its cases by zone with
subtotals and totals by the totals' rule, a sign-off line.

:mod:`.lines` reads the ledger into printed lines (the PDF and the workbook's 打印 sheet
both show them); :mod:`.document` lays them out in HTML and CSS paged media
(``ledger.html``, ``ledger.css``) and renders the PDF with WeasyPrint; :mod:`.fonts`
finds the CJK font installed on the system.
"""

from landgis.io.exports.printed_ledger.document import (
    MEDIA_TYPE,
    footer_content,
    page_footer,
    printed_html,
    write_pdf,
)
from landgis.io.exports.printed_ledger.fonts import cjk_families
from landgis.io.exports.printed_ledger.lines import (
    CaseLine,
    Line,
    SumLine,
    printed_lines,
    printed_title,
    shown_text,
    sign_off,
    zone_label,
)

__all__ = [
    "MEDIA_TYPE",
    "CaseLine",
    "Line",
    "SumLine",
    "cjk_families",
    "footer_content",
    "page_footer",
    "printed_html",
    "printed_lines",
    "printed_title",
    "shown_text",
    "sign_off",
    "write_pdf",
    "zone_label",
]
