"""The public idle-land list (闲置土地信息公开) as a PDF: the published columns and
statuses only (:mod:`landgis.disclosure`), a title with the county and the date, the
header row on every page, ``第 x 页 共 y 页`` and the system's CJK font embedded.

:mod:`.document` lays the list out (``disclosure.html`` on the shared page of
:mod:`landgis.printing`, ``disclosure.css``) and renders it as the printed ledger is.
"""

from landgis.io.exports.disclosure_pdf.document import (
    MEDIA_TYPE,
    disclosure_html,
    disclosure_pdf,
    write_disclosure_pdf,
    write_disclosure_pdf_file,
)

__all__ = [
    "MEDIA_TYPE",
    "disclosure_html",
    "disclosure_pdf",
    "write_disclosure_pdf",
    "write_disclosure_pdf_file",
]
