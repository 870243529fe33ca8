"""The monthly progress report (月度进展情况): its title, the month's figures, one row per
case of the ledger at the month's end (上月状态, 本月进展, 下月计划 from
:func:`landgis.monthly.monthly_report`) and a sign-off line; in Chinese or English.

The figures are the headline figures of the month (:func:`landgis.stats.headline_figures`)
and every area follows the totals' rule (:func:`landgis.ledger_rules.totals.area_total`):
a row's 亩 and the total row's are the stored m² converted and rounded once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

import pandas as pd
from sqlalchemy.orm import Session

from landgis.errors import InvalidInput
from landgis.i18n import DEFAULT_LANGUAGE, Localizable, _, term
from landgis.io.exports.entry import safe_place
from landgis.ledger_rules.totals import area_total
from landgis.monthly import month_bounds, monthly_report
from landgis.settings import Settings
from landgis.stats import headline_figures
from landgis.workflow import workflow_for

DOCX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_MEDIA_TYPE = "application/pdf"
FORMATS: dict[str, str] = {"docx": DOCX_MEDIA_TYPE, "pdf": PDF_MEDIA_TYPE}
_MONTH = re.compile(r"(\d{4})-(\d{1,2})", re.ASCII)

HEADERS: tuple[Localizable, ...] = (
    _("序号"),
    _("宗地编号"),
    _("企业名称"),
    _("面积(亩)"),
    _("上月状态"),
    _("本月进展"),
    _("下月计划"),
)
# Each column's share of the table's width.
WIDTHS: tuple[float, ...] = (0.045, 0.155, 0.175, 0.065, 0.105, 0.265, 0.19)
SIGN_OFF: tuple[Localizable, ...] = (_("填报单位"), _("填报人"), _("审核人"), _("填报日期"))


def parse_month(text: str) -> tuple[int, int]:
    """``2023-08`` as ``(2023, 8)``; anything else is refused with a clear message."""
    found = _MONTH.fullmatch(text.strip())
    if found is None or not 1 <= int(found.group(2)) <= 12 or int(found.group(1)) < 1900:
        raise InvalidInput(_("月份 {month} 无效:请写成 YYYY-MM,如 2023-08。", month=text))
    return int(found.group(1)), int(found.group(2))


@dataclass(frozen=True)
class MonthlyDocument:
    """The report's content, every text in ``lang``: rows of seven cells as printed."""

    year: int
    month: int
    lang: str
    title: str
    summary: str
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, str]
    sign_off: tuple[str, ...]
    parcel_codes: tuple[str, ...]


def _text(value: Any) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    return str(value)


def _status(code: Any, lang: str) -> str:
    text = _text(code)
    return term("status", text).render(lang) if text else "—"


def monthly_document(
    session: Session, settings: Settings, year: int, month: int, lang: str = DEFAULT_LANGUAGE
) -> MonthlyDocument:
    """The report of ``year``-``month`` for the county of ``settings``, in ``lang``."""
    start, end = month_bounds(year, month)
    report = monthly_report(session, year, month, workflow_for(settings), lang)
    figures = headline_figures(session, date_from=start, date_to=end)
    title = _(
        "{county}低效闲置工业用地处置月度进展情况({year}年{month}月)",
        county=settings.county_name,
        year=year,
        month=month,
    )
    summary = _(
        "截至 {year}年{month}月底,台账共 {cases} 宗、{area:.2f} 亩;"
        "本月盘活 {month_area:.2f} 亩,累计盘活 {total_area:.2f} 亩。",
        year=year,
        month=month,
        cases=figures["cases"],
        area=figures["ledger_area_mu"],
        month_area=figures["revitalized_area_mu"],
        total_area=figures["revitalized_total_area_mu"],
    )
    rows = tuple(
        (
            str(index),
            _text(row["parcel_code"]),
            _text(row["holder"]),
            f"{area_total(float(row['idle_area_m2'] or 0.0), 'mu'):.2f}",
            _status(row["previous_status"], lang),
            _text(row["progress"]),
            _text(row["plan"]),
        )
        for index, row in enumerate(report.to_dict("records"), start=1)
    )
    idle_m2 = pd.to_numeric(report.get("idle_area_m2"), errors="coerce").fillna(0.0).sum()
    total = (_("合计:{count} 宗", count=len(rows)).render(lang), f"{area_total(idle_m2, 'mu'):.2f}")
    return MonthlyDocument(
        year=year,
        month=month,
        lang=lang,
        title=title.render(lang),
        summary=summary.render(lang),
        headers=tuple(h.render(lang) for h in HEADERS),
        rows=rows,
        total=total,
        sign_off=tuple(label.render(lang) for label in SIGN_OFF),
        parcel_codes=tuple(row[1] for row in rows),
    )


def monthly_filenames(county: str, year: int, month: int, extension: str) -> tuple[str, str]:
    """``月度进展_青溪县_2023-08.docx`` and its ASCII fallback ``monthly_2023-08.docx``."""
    period = f"{year}-{month:02d}"
    return f"月度进展_{safe_place(county)}_{period}.{extension}", f"monthly_{period}.{extension}"


def format_of(name: str) -> str:
    """``docx`` or ``pdf`` from a file's extension (or the extension itself)."""
    extension = Path(name).suffix.lstrip(".").lower() or name.strip().lower()
    if extension not in FORMATS:
        raise InvalidInput(
            _("月度进展情况只能写成 .docx 或 .pdf,不能写成 {name}。", name=name),
        )
    return extension


def write_monthly(document: MonthlyDocument, fmt: str, out: BinaryIO) -> None:
    """Write ``document`` as ``fmt`` (``docx`` or ``pdf``) to ``out``."""
    if format_of(fmt) == "docx":
        from landgis.reports.monthly_docx import write_docx

        write_docx(document, out)
    else:
        from landgis.reports.monthly_pdf import write_pdf

        write_pdf(document, out)


__all__ = [
    "DOCX_MEDIA_TYPE",
    "FORMATS",
    "PDF_MEDIA_TYPE",
    "MonthlyDocument",
    "format_of",
    "monthly_document",
    "monthly_filenames",
    "parse_month",
    "write_monthly",
]
