"""``landgis buildings``: list the factory buildings; ``buildings add`` one by its
footprint, ``buildings import`` a file of footprints, each linked by location to the
parcel it stands on.

Changes go through the ledger service (:mod:`landgis.commands`), with administrator rights
in the name given by ``--actor`` (by default the login name), as ``landgis case`` does."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from landgis.cli.common import (
    DatabaseOption,
    JsonOption,
    examples,
    fail,
    language,
    lazy_module,
    ledger_unit,
    print_json,
    say,
    unit_of_work,
)
from landgis.cli.space import ActorOption
from landgis.commands import AddBuilding, ImportBuildings
from landgis.errors import InvalidInput
from landgis.i18n import _, term

listing = lazy_module("landgis.space.listing")

buildings_app = typer.Typer()


def _area(value: float) -> str:
    return f"{value:,.2f}"


@buildings_app.callback(
    invoke_without_command=True,
    epilog=examples("landgis buildings --zone QX-KFQ-CC --state idle"),
)
def buildings(
    context: typer.Context,
    zone: Annotated[str | None, typer.Option(help="片区 code or name.")] = None,
    kind: Annotated[str | None, typer.Option(help="standard or enterprise.")] = None,
    state: Annotated[str | None, typer.Option(help="in_use, idle or revitalized.")] = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Factory buildings with their units' vacant, leased and own-use floor area (㎡)."""
    if context.invoked_subcommand is not None:
        return
    with unit_of_work(database_url, write=False) as (session, _settings):
        rows = listing.building_rows(session, zone=zone, kind=kind, state=state)
    if as_json:
        print_json(rows)
        return
    lang = language()
    for row in rows:
        line = _(
            "{id:>4} {parcel_code} {name} {kind} {owner} {area} ㎡:空置 {vacant},已出租 "
            "{leased},自用 {own},在建 {building}",
            id=row["id"],
            parcel_code=row["parcel_code"],
            name=row["name"],
            kind=term("building_kind", row["kind"]),
            owner=row["owner"] or "—",
            area=_area(row["floor_area_m2"]),
            vacant=_area(row["vacant_m2"]),
            leased=_area(row["leased_m2"]),
            own=_area(row["owner_occupied_m2"]),
            building=_area(row["under_construction_m2"]),
        )
        typer.echo(line.render(lang))
    say(_("共 {count} 栋厂房", count=len(rows)))


def _geometry(text: str) -> dict[str, Any]:
    """A GeoJSON geometry (or Feature) given as text or as the path of a file."""
    source = text.strip()
    wrong = _("--geometry 应为 GeoJSON 文本或 GeoJSON 文件的路径。")
    try:
        if not source.startswith("{"):
            source = Path(source).read_text(encoding="utf-8")
        value = json.loads(source)
    except (OSError, ValueError) as exc:
        fail(InvalidInput(wrong, detail=str(exc)))
    if isinstance(value, dict) and value.get("type") == "Feature":
        value = value.get("geometry")
    if not isinstance(value, dict):
        fail(InvalidInput(wrong))
    return value


@buildings_app.command(
    "add",
    epilog=examples(
        "landgis buildings add --name 5号厂房 --floors 2 --kind standard "
        "--parcel 519901001003GB00001 --geometry "
        """'{"type":"Polygon","coordinates":[[[104.8066,30.11365],[104.807,30.11365],"""
        """[104.807,30.11395],[104.8066,30.11395],[104.8066,30.11365]]]}'"""
    ),
)
def add(
    geometry: Annotated[
        str,
        typer.Option(
            "--geometry", metavar="GEOJSON", help="The footprint: GeoJSON (lon/lat) or its file."
        ),
    ],
    name: Annotated[str, typer.Option("--name", metavar="NAME", help="厂房名称.")],
    floors: Annotated[int | None, typer.Option("--floors", help="层数.")] = None,
    floor_area: Annotated[
        float | None,
        typer.Option("--floor-area", metavar="M2", help="建筑面积 ㎡ (default: footprint×floors)."),
    ] = None,
    kind: Annotated[str | None, typer.Option(help="standard or enterprise.")] = None,
    state: Annotated[str | None, typer.Option(help="in_use, idle or revitalized.")] = None,
    owner: Annotated[str | None, typer.Option(metavar="NAME", help="权属人.")] = None,
    credit_code: Annotated[
        str | None, typer.Option("--credit-code", metavar="CODE", help="统一社会信用代码.")
    ] = None,
    parcel: Annotated[
        str | None, typer.Option("--parcel", metavar="CODE", help="The parcel it must stand on.")
    ] = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Add a building by its footprint, on the parcel it stands on (found by location)."""
    given = {
        "name": name,
        "floors": floors,
        "floor_area_m2": floor_area,
        "kind": kind,
        "state": state,
        "owner": owner,
        "owner_credit_code": credit_code,
        "parcel_code": parcel,
    }
    fields = {k: v for k, v in given.items() if v is not None}
    command = AddBuilding(geometry=_geometry(geometry), fields=fields)
    with ledger_unit(database_url, actor) as ledger:
        building = ledger.handle(command)
        said = _(
            "已新增厂房 {id} {name}:宗地 {parcel_code},占地 {footprint} ㎡,建筑面积 {floor} ㎡",
            id=building.id,
            name=building.name,
            parcel_code=building.parcel.parcel_code,
            footprint=_area(building.footprint_area_m2 or 0.0),
            floor=_area(building.floor_area_m2),
        )
    say(said)


@buildings_app.command(
    "import",
    epilog=examples("landgis buildings import data/geo/demo_county/buildings.geojson --check"),
)
def import_file(
    file: Annotated[Path, typer.Argument(help="Footprints: any file `landgis import` reads.")],
    check: Annotated[bool, typer.Option("--check", help="Check only; write nothing.")] = False,
    layer: Annotated[str | None, typer.Option(help="Layer or sheet to read.")] = None,
    crs: Annotated[
        str | None, typer.Option(metavar="CRS", help="e.g. EPSG:4544, when the file names none.")
    ] = None,
    actor: ActorOption = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Import buildings from a file of footprints, each on the parcel it stands on: all
    rows or none; exit code 2 when refused."""
    from landgis.space.building_report import BuildingsRefused

    command = ImportBuildings(path=file, layer=layer, crs=crs, check_only=check)
    with ledger_unit(database_url, actor) as ledger:
        try:
            report = ledger.handle(command)
        except BuildingsRefused as refused:  # nothing was written
            report = refused.report
    if as_json:
        print_json(report.to_dict())
    else:
        for line in report.text_lines(lang=language()):
            typer.echo(line, err=not report.accepted)
    if not report.accepted:
        raise typer.Exit(code=2)
