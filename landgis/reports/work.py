"""The work report (工作情况报告), from the database to a file: its content
(:mod:`.work_document`), its pictures (:mod:`.work_pictures`), written as a Word document
from the county's template (:mod:`.work_docx`) or as a PDF (:mod:`.work_pdf`)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from landgis.errors import InvalidInput
from landgis.i18n import DEFAULT_LANGUAGE, _
from landgis.io.exports.entry import safe_place
from landgis.ledger import shared_states
from landgis.reports.work_document import WorkReport, work_report
from landgis.reports.work_pictures import work_pictures
from landgis.settings import Settings

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA_TYPE = "application/pdf"
MEDIA_TYPES: dict[str, str] = {"docx": DOCX_MEDIA_TYPE, "pdf": PDF_MEDIA_TYPE}


def work_format(name: str) -> str:
    """``docx`` or ``pdf`` from a file's name (or the extension itself)."""
    extension = Path(name).suffix.lstrip(".").lower() or name.strip().lower()
    if extension not in MEDIA_TYPES:
        raise InvalidInput(_("工作情况报告只能写成 .docx 或 .pdf,不能写成 {name}。", name=name))
    return extension


def default_period(date_from: dt.date | None, date_to: dt.date | None) -> tuple[dt.date, dt.date]:
    """The period reported: to ``date_to`` (today when None), from ``date_from`` (the
    first of January of that year when None), as the source report counts "今年以来"."""
    from landgis.wallclock import today

    end = date_to or today()
    return date_from or dt.date(end.year, 1, 1), end


def work_filenames(county: str, date_from: dt.date, date_to: dt.date, fmt: str) -> tuple[str, str]:
    """``工作情况报告_青溪县_2023-01-01_2023-08-31.docx`` and its ASCII fallback."""
    period = f"{date_from.isoformat()}_{date_to.isoformat()}"
    return f"工作情况报告_{safe_place(county)}_{period}.{fmt}", f"work_report_{period}.{fmt}"


def write_work(
    session: Session,
    settings: Settings,
    date_from: dt.date,
    date_to: dt.date,
    fmt: str,
    out: BinaryIO,
    lang: str = DEFAULT_LANGUAGE,
) -> WorkReport:
    """Write the work report of ``date_from`` to ``date_to`` as ``fmt`` (``docx`` from the
    settings' template, or ``pdf``) to ``out``; return its content."""
    fmt = work_format(fmt)
    with shared_states(session):  # the figures and the map read the same past ledger
        report = work_report(session, settings, date_from, date_to, lang)
        pictures = work_pictures(session, report)
    if fmt == "docx":
        from landgis.reports.work_docx import write_work_docx

        write_work_docx(report, pictures, out, settings.work_report_template)
    else:
        from landgis.reports.work_pdf import write_work_pdf

        write_work_pdf(report, pictures, out)
    return report
