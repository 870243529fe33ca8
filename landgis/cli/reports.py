"""Commands that report: headline figures, the ledger at a date, statutory warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from landgis import wallclock
from landgis.cli.common import (
    DatabaseOption,
    Date,
    JsonOption,
    date_option,
    day,
    ledger_unit,
    print_json,
    unit_of_work,
)
from landgis.vocab import CASE_STATUSES


def stats(
    date_from: Annotated[Date, date_option("--from", help="Period start, YYYY-MM-DD.")] = None,
    date_to: Annotated[Date, date_option("--to", help="Period end, YYYY-MM-DD.")] = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Headline figures: the ledger as of --to, revitalized from --from to --to."""
    from landgis.stats import headline_figures

    with unit_of_work(database_url, write=False) as (session, _settings):
        figures = headline_figures(session, date_from=day(date_from), date_to=day(date_to))
    if as_json:
        print_json(figures)
        return
    period = figures["period"]
    span = f"{period['from'] or '…'} – {period['to'] or '…'}" if any(period.values()) else "累计"
    typer.echo(
        f"台账 ledger ({figures['as_of']}): {figures['cases']} 宗, "
        f"{figures['ledger_area_mu']:.2f} 亩, 逾期 overdue {figures['overdue_cases']} 宗"
    )
    typer.echo(
        f"盘活 revitalized ({span}): {figures['revitalized_area_mu']:.2f} 亩, "
        f"厂房 {figures['revitalized_building_area_m2']:.2f} ㎡"
    )
    for route, group in figures["revitalized_by_route"].items():
        typer.echo(f"  {route}: {group['area_mu']:.2f} 亩 ({group['cases']} 宗)")
    typer.echo(
        f"闲置厂房 idle floor area: {figures['idle_building_area_m2']:.2f} ㎡; "
        f"盘活比例 share revitalized: {figures['revitalized_share']:.1%}"
    )


def ledger(
    as_of: Annotated[Date, date_option("--as-of", help="The ledger on this date.")] = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """The ledger (台账), now or as it stood on a date."""
    from landgis.ledger import LEDGER_COLUMNS, ledger_rows

    with unit_of_work(database_url, write=False) as (session, _settings):
        rows = ledger_rows(session, day(as_of))
    if as_json:
        keys = [k for k, _ in LEDGER_COLUMNS] + ["case_no", "version", "overdue"]
        print_json([{k: row.get(k) for k in keys} for row in rows.to_dict("records")])
        return
    for row in rows.to_dict("records"):
        flag = " 逾期" if row["overdue"] else ""
        typer.echo(
            f"{row['seq']:>3} {row['case_no']} {row['parcel_code']} {row['zone_name'] or ''} "
            f"{CASE_STATUSES[row['status']]} {row['idle_area_mu']:.2f} 亩 "
            f"盘活 {row['revitalized_area_mu']:.2f} 亩{flag}"
        )


def warnings(
    as_of: Annotated[Date, date_option("--as-of", help="Warnings on this date.")] = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Statutory warnings (闲置土地处置办法) and overdue cases."""
    from landgis.alerts import ledger_warnings

    with unit_of_work(database_url, write=False) as (session, settings):
        found = ledger_warnings(session, day(as_of), settings.clock.rules())
    if as_json:
        print_json([w.to_dict() for w in found])
        return
    for w in found:
        amount = f" 金额 {w.amount_yuan:,.2f} 元" if w.amount_yuan else ""
        typer.echo(f"[{w.severity}] {w.message}{amount}\n        依据:{w.article}")
    typer.echo(f"共 {len(found)} 条提醒 ({len(found)} warnings)")


def export(
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="xlsx, csv, geojson, gpkg, shp.zip, kml.")
    ] = "xlsx",
    as_of: Annotated[Date, date_option("--as-of", help="The ledger on this date.")] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="File to write (default: 台账_<county>_<date>.<ext>)."),
    ] = None,
    status: Annotated[
        list[str] | None, typer.Option("--status", help="处置状态, repeatable.")
    ] = None,
    zone: Annotated[list[str] | None, typer.Option("--zone", help="片区编号, repeatable.")] = None,
    period_from: Annotated[
        Date, date_option("--period-from", help="xlsx: start of the revitalized period.")
    ] = None,
    epsg: Annotated[
        str | None, typer.Option("--epsg", help="gpkg/shp.zip: 4490, 4534-4554 or auto.")
    ] = None,
    encoding: Annotated[str | None, typer.Option(help="shp.zip: utf-8 or gbk.")] = None,
    field_names: Annotated[
        str | None, typer.Option("--field-names", help="shp.zip: short or chinese.")
    ] = None,
    scope: Annotated[str | None, typer.Option(help="GIS formats: ledger or parcels.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Export the ledger (台账): workbook, CSV or GIS file, written as it is read."""
    from landgis.io.exports import export_filenames, export_ledger, get_exporter
    from landgis.parcels import ParcelFilter

    filters = ParcelFilter(status=tuple(status or ()), zone=tuple(zone or ()))
    with unit_of_work(database_url, write=False) as (session, settings):
        if out is None:
            extension = get_exporter(fmt).extension
            day_of = day(as_of) or wallclock.today()
            out = Path(export_filenames(settings.county_name, day_of, extension)[0])
        result = export_ledger(
            session,
            fmt,
            as_of=day(as_of),
            filters=filters,
            out=out,
            county=settings.county_name,
            period_from=day(period_from),
            epsg=epsg,
            encoding=encoding,
            field_names=field_names,
            scope=scope,
        )
    typer.echo(f"已导出 exported {result.rows} 宗 → {out}")


def import_ledger(
    file: Annotated[Path, typer.Argument(help="The edited ledger workbook (.xlsx).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    actor: Annotated[
        str | None, typer.Option("--actor", help="Who made the edits (default: login name).")
    ] = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Apply an edited ledger workbook: changed rows go through the workflow, all or none."""
    from landgis.io.ledger_import import import_ledger_workbook

    with ledger_unit(database_url, actor) as ledger:
        report = import_ledger_workbook(ledger, file, dry_run=dry_run)
    if as_json:
        print_json(report.to_dict())
        return
    verb = "将修改 would change" if dry_run else "已修改 changed"
    typer.echo(f"{verb} {len(report.changed)} 宗 of {report.rows} rows")
    for case_no, changes in report.changed.items():
        typer.echo(f"  {case_no}: {', '.join(changes)}")
