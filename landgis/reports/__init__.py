"""Documents a county sends up: the monthly progress report (月度进展情况) as a Word
document (:mod:`.monthly_docx`) and a PDF (:mod:`.monthly_pdf`), both from the same
content (:mod:`.monthly_document`)."""

from landgis.reports.monthly_document import (
    DOCX_MEDIA_TYPE,
    PDF_MEDIA_TYPE,
    MonthlyDocument,
    monthly_document,
    monthly_filenames,
    parse_month,
    write_monthly,
)

__all__ = [
    "DOCX_MEDIA_TYPE",
    "PDF_MEDIA_TYPE",
    "MonthlyDocument",
    "monthly_document",
    "monthly_filenames",
    "parse_month",
    "write_monthly",
]
