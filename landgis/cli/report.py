"""``landgis report``: documents a county sends up, written to a file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer

from landgis.cli.common import (
    DatabaseOption,
    Date,
    date_option,
    day,
    examples,
    folder_for,
    say,
    unit_of_work,
)
from landgis.i18n import _

app = typer.Typer(
    help="Reports sent up: the monthly progress report (月度进展情况) and the work report "
    "(工作情况报告)."
)


@app.command(epilog=examples("landgis report monthly --month 2023-08 --out 月度进展-2023-08.docx"))
def monthly(
    month: Annotated[
        str, typer.Option("--month", metavar="YYYY-MM", help="The month reported, YYYY-MM.")
    ],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File to write, .docx or .pdf (default: 月度进展_<county>_<month>.docx).",
        ),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """The monthly progress report (月度进展情况): every case with last month's status,
    this month's progress and next month's plan, as a Word document or a PDF (by the
    extension of --out), in the command line's language."""
    from landgis.reports import monthly_document, monthly_filenames, parse_month, write_monthly
    from landgis.reports.monthly_document import format_of

    with unit_of_work(database_url, write=False) as (session, settings):
        year, number = parse_month(month)
        fmt = format_of(out.name) if out is not None else "docx"
        target = out or Path(monthly_filenames(settings.county_name, year, number, fmt)[0])
        report = monthly_document(session, settings, year, number, settings.language)
        buffer = io.BytesIO()
        write_monthly(report, fmt, buffer)
    folder_for(target).write_bytes(buffer.getvalue())
    month_text = f"{year}-{number:02d}"
    say(
        _(
            "已写出 {month} 月度进展情况({cases} 宗)→ {out}",
            month=month_text,
            cases=len(report.rows),
            out=target,
        )
    )


@app.command(
    epilog=examples(
        "landgis report work --from 2023-01-01 --to 2023-08-31 --out 工作情况报告-2023.docx"
    )
)
def work(
    date_from: Annotated[
        Date,
        date_option("--from", help="First day of the period, YYYY-MM-DD (default: 1 January)."),
    ] = None,
    date_to: Annotated[
        Date, date_option("--to", help="Last day of the period, YYYY-MM-DD (default: today).")
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="File to write, .docx or .pdf (default: 工作情况报告_<county>_<from>_<to>.docx).",
        ),
    ] = None,
    database_url: DatabaseOption = None,
) -> None:
    """The work report (工作情况报告) of a period: the county's paragraph, the figures by
    route, zone and month, the charts, the map by status and the printed ledger as annex,
    as a Word document (from the county's template) or a PDF, by the extension of --out."""
    from landgis.reports.work import default_period, work_filenames, work_format, write_work

    with unit_of_work(database_url, write=False) as (session, settings):
        start, end = default_period(day(date_from), day(date_to))
        fmt = work_format(out.name) if out is not None else "docx"
        target = out or Path(work_filenames(settings.county_name, start, end, fmt)[0])
        buffer = io.BytesIO()
        report = write_work(session, settings, start, end, fmt, buffer, settings.language)
    folder_for(target).write_bytes(buffer.getvalue())
    say(_("已写出工作情况报告({period})→ {out}", period=report.words["period"], out=target))


@app.command("work-template", epilog=examples("landgis report work-template --out 模板.docx"))
def work_template(
    out: Annotated[
        Path,
        typer.Option("--out", "-o", help="The .docx to write, to edit in Word or WPS."),
    ] = Path("工作情况报告模板.docx"),
) -> None:
    """Write the built-in work report template, in the command line's language, for the
    county to edit; name the edited file in LANDGIS_WORK_REPORT_TEMPLATE."""
    from landgis.reports.work_template import build_template
    from landgis.settings import LanguageSetting

    out.write_bytes(build_template(LanguageSetting().language))
    say(
        _(
            "已写出工作情况报告模板 → {out}(修改后在设置 LANDGIS_WORK_REPORT_TEMPLATE 中指定)",
            out=out,
        )
    )
