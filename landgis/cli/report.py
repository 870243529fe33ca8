"""``landgis report``: documents a county sends up, written to a file."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Annotated

import typer

from landgis.cli.common import DatabaseOption, examples, folder_for, say, unit_of_work
from landgis.i18n import _

app = typer.Typer(help="Reports sent up: the monthly progress report (月度进展情况).")


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
