"""Commands that report: headline figures, the ledger at a date, statutory warnings."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer

from landgis import wallclock
from landgis.cli.common import (
    DatabaseOption,
    Date,
    JsonOption,
    date_option,
    day,
    folder_for,
    language,
    ledger_unit,
    print_json,
    say,
    unit_of_work,
)
from landgis.i18n import Localizable, _, listing, localized, term

# How serious a warning is (landgis.clock), as the warnings list shows it.
SEVERITIES: dict[str, Localizable] = {
    "overdue": _("已逾期"),
    "warning": _("警示"),
    "info": _("提示"),
}


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
    span: Localizable | str = (
        f"{period['from'] or '…'} – {period['to'] or '…'}" if any(period.values()) else _("累计")
    )
    lang = language()
    lines: list[Localizable | str] = [
        _(
            "台账({as_of}):{cases} 宗,{area:.2f} 亩,逾期 {overdue} 宗",
            as_of=figures["as_of"],
            cases=figures["cases"],
            area=figures["ledger_area_mu"],
            overdue=figures["overdue_cases"],
        ),
        _(
            "盘活({span}):{area:.2f} 亩,厂房 {building:.2f} ㎡",
            span=span,
            area=figures["revitalized_area_mu"],
            building=figures["revitalized_building_area_m2"],
        ),
    ]
    for route, group in figures["revitalized_by_route"].items():
        name = _("未指定") if route == "unassigned" else term("route", route)
        by_route = _(
            "{route}:{area:.2f} 亩({cases} 宗)",
            route=name,
            area=group["area_mu"],
            cases=group["cases"],
        )
        lines.append(f"  {by_route.render(lang)}")
    lines.append(
        _(
            "闲置厂房:{idle:.2f} ㎡;盘活比例:{share:.1%}",
            idle=figures["idle_building_area_m2"],
            share=figures["revitalized_share"],
        )
    )
    lines.extend(occupancy_lines(figures))
    for each in lines:
        say(each)


def occupancy_lines(figures: dict[str, Any]) -> list[Localizable]:
    """The headline figures' factory space: its use as of the day, the occupancy rate,
    and the revitalized factory floor area in 万平方米."""
    occupancy = figures["occupancy"]
    rate = occupancy["occupancy_rate"]
    rate_text = "—" if rate is None else format(rate, ".1%")
    return [
        _(
            "厂房单元({as_of}):空置 {vacant:.2f} ㎡,出租 {leased:.2f} ㎡,自用 {own:.2f} ㎡,"
            "在建 {building:.2f} ㎡;出租率 {rate}",
            as_of=occupancy["as_of"],
            vacant=occupancy["vacant_m2"],
            leased=occupancy["leased_m2"],
            own=occupancy["owner_occupied_m2"],
            building=occupancy["under_construction_m2"],
            rate=rate_text,
        ),
        _(
            "盘活闲置厂房:{area:.2f} ㎡,合 {wan:.2f} 万平方米",
            area=figures["revitalized_building_area_m2"],
            wan=figures["revitalized_building_area_wan_m2"],
        ),
    ]


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
        line = _(
            "{seq:>3} {case_no} {parcel_code} {zone} {status} {idle:.2f} 亩 "
            "盘活 {revitalized:.2f} 亩",
            seq=row["seq"],
            case_no=row["case_no"],
            parcel_code=row["parcel_code"],
            zone=row["zone_name"] or "",
            status=term("status", row["status"]),
            idle=row["idle_area_mu"],
            revitalized=row["revitalized_area_mu"],
        )
        say(_("{line} 逾期", line=line) if row["overdue"] else line)


def warnings(
    as_of: Annotated[Date, date_option("--as-of", help="Warnings on this date.")] = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Statutory warnings (闲置土地处置办法) and overdue cases."""
    from landgis.alerts import ledger_warnings

    with unit_of_work(database_url, write=False) as (session, settings):
        found = ledger_warnings(
            session, day(as_of), settings.clock.rules(), settings.lease_warn_days_ahead
        )
    if as_json:
        print_json([w.to_dict() for w in found])
        return
    lang = language()
    for w in found:
        severity = localized(SEVERITIES.get(w.severity, w.severity), lang)
        line = f"[{severity}] {w.message.render(lang)}"
        if w.amount_yuan:
            line += " " + _("金额 {amount:,.2f} 元", amount=w.amount_yuan).render(lang)
        basis = _("依据:{article}", article=w.article)
        typer.echo(line)
        typer.echo(f"        {basis.render(lang)}")
    say(_("共 {count} 条提醒", count=len(found)))


def export(
    fmt: Annotated[
        str,
        typer.Option(
            "--format",
            "-f",
            metavar="FORMAT",
            help="xlsx, csv, geojson, gpkg, shp.zip, kml, pdf (printed ledger); or "
            "disclosure-xlsx, disclosure-pdf (the public idle-land list, 闲置土地信息公开).",
        ),
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
        str | None,
        typer.Option(
            "--epsg",
            metavar="CODE",
            help="gpkg/shp.zip: 4490, 4534-4554, 4513-4533 (zone in X) or auto.",
        ),
    ] = None,
    encoding: Annotated[
        str | None, typer.Option(metavar="utf-8|gbk", help="shp.zip: utf-8 or gbk.")
    ] = None,
    field_names: Annotated[
        str | None,
        typer.Option("--field-names", metavar="short|chinese", help="shp.zip: short or chinese."),
    ] = None,
    scope: Annotated[
        str | None, typer.Option(metavar="ledger|parcels", help="GIS formats: ledger or parcels.")
    ] = None,
    paper: Annotated[
        str | None,
        typer.Option(metavar="A3|A4", help="pdf/xlsx: A3 or A4 landscape (default: the setting)."),
    ] = None,
    what: Annotated[
        str,
        typer.Option(
            "--what",
            metavar="ledger|buildings|projects",
            help="ledger (default); buildings: 厂房, units and leases (xlsx, gpkg, geojson,"
            " shp.zip); projects: the 招商项目台账 (xlsx).",
        ),
    ] = "ledger",
    database_url: DatabaseOption = None,
) -> None:
    """Export the ledger (台账): workbook, CSV, GIS file or the printed ledger (PDF), written
    as it is read, notes and the printed ledger in the command line's language; or the
    public idle-land list (--format disclosure-xlsx or disclosure-pdf); or, with --what,
    the factory buildings or the projects."""
    from landgis.cli.space_exports import check_what, export_space
    from landgis.io.exports import export_filenames, export_ledger, get_exporter
    from landgis.io.exports.print_setup import PrintSetup
    from landgis.parcels import ParcelFilter

    chosen = check_what(what)
    if chosen != "ledger":
        ledger_only = {
            "--as-of": as_of,
            "--status": status,
            "--zone": zone,
            "--period-from": period_from,
            "--epsg": epsg,
            "--encoding": encoding,
            "--field-names": field_names,
            "--scope": scope,
        }
        refused = [name for name, value in ledger_only.items() if value]
        export_space(chosen, fmt, out, paper, refused, database_url)
        return

    disclosure = DISCLOSURE_FORMATS.get(fmt.strip().lower())
    if disclosure is not None:
        ledger_only = {
            "--as-of": as_of,
            "--status": status,
            "--zone": zone,
            "--period-from": period_from,
            "--epsg": epsg,
            "--encoding": encoding,
            "--field-names": field_names,
            "--scope": scope,
            "--paper": paper,
        }
        refused = [name for name, value in ledger_only.items() if value]
        export_disclosure(disclosure, out, refused, database_url)
        return

    filters = ParcelFilter(status=tuple(status or ()), zone=tuple(zone or ()))
    with unit_of_work(database_url, write=False) as (session, settings):
        if out is None:
            extension = get_exporter(fmt).extension
            day_of = day(as_of) or wallclock.today()
            out = Path(export_filenames(settings.county_name, day_of, extension)[0])
        folder_for(out)
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
            paper=paper,
            lang=settings.language,
            print_setup=PrintSetup.from_settings(settings),
        )
    say(_("已导出 {rows} 宗 → {out}", rows=result.rows, out=out))


# The formats of the public idle-land list, by the name --format gives them.
DISCLOSURE_FORMATS: dict[str, str] = {
    "disclosure-xlsx": "xlsx",
    "disclosure": "xlsx",
    "disclosure-pdf": "pdf",
}


def export_disclosure(
    fmt: str, out: Path | None, refused: list[str], database_url: str | None
) -> None:
    """Write the public idle-land list as the public page offers it (``fmt``: ``xlsx`` or
    ``pdf``): today's list, the statuses and columns of the settings, its texts in the
    command line's language; options of the ledger's exports are refused."""
    from landgis.disclosure import disclosure_for
    from landgis.errors import InvalidInput
    from landgis.io.exports.disclosure_pdf import write_disclosure_pdf_file
    from landgis.io.exports.disclosure_workbook import (
        disclosure_filenames,
        write_disclosure_file,
    )

    with unit_of_work(database_url, write=False) as (session, settings):
        if refused:
            raise InvalidInput(
                _(
                    "公开清单按设置导出当天的清单,不接受选项 {options}。",
                    options=listing(refused, " "),
                )
            )
        listed = disclosure_for(session, settings)
        target = folder_for(out or Path(disclosure_filenames(listed, fmt)[0]))
        write = write_disclosure_pdf_file if fmt == "pdf" else write_disclosure_file
        write(listed, target, settings.language)
    say(_("已导出公开清单 {rows} 宗 → {out}", rows=listed.count, out=target))


def import_ledger(
    file: Annotated[Path, typer.Argument(help="The edited ledger workbook (.xlsx).")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report only; write nothing.")] = False,
    actor: Annotated[
        str | None,
        typer.Option("--actor", metavar="NAME", help="Who made the edits (default: login name)."),
    ] = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Apply an edited ledger workbook: changed rows go through the workflow, all or none."""
    from landgis.io.ledger_import import import_ledger_workbook
    from landgis.schema import CASE, PARCEL, label_of

    with ledger_unit(database_url, actor) as ledger:
        report = import_ledger_workbook(ledger, file, dry_run=dry_run)
    if as_json:
        print_json(report.to_dict())
        return
    counts = {"changed": len(report.changed), "rows": report.rows}
    if dry_run:
        say(_("将修改 {changed} 宗(共 {rows} 行)", **counts))
    else:
        say(_("已修改 {changed} 宗(共 {rows} 行)", **counts))
    lang = language()
    for case_no, changes in report.changed.items():
        fields = listing(label_of(name, CASE, PARCEL) for name in changes)
        typer.echo(f"  {case_no}: {fields.render(lang)}")
