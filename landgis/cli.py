"""The ``landgis`` command: set up the database, load data, report figures, serve the API."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer

from landgis import stats
from landgis.db.engine import make_engine
from landgis.db.migrate import current_revision, upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.errors import LandGISError
from landgis.imports import import_parcels
from landgis.settings import Settings, get_settings

app = typer.Typer(
    help="landgis: 低效闲置工业用地 GIS 管理 (idle and low-efficiency industrial land).",
    no_args_is_help=True,
    add_completion=False,
)

DatabaseOption = Annotated[
    str | None,
    typer.Option(
        "--database-url",
        envvar="LANDGIS_DATABASE_URL",
        help="sqlite:///file.sqlite (SpatiaLite) or postgresql+psycopg://… (PostGIS).",
        show_envvar=True,
    ),
]


def _settings(database_url: str | None) -> Settings:
    base = get_settings()
    return base.model_copy(update={"database_url": database_url}) if database_url else base


def _fail(error: LandGISError) -> None:
    typer.echo(f"错误:{error.message}", err=True)
    if error.message_en != error.message:
        typer.echo(f"Error: {error.message_en}", err=True)
    for problem in error.problems[:50]:
        where = f"第 {problem['row']} 行" if problem.get("row") else ""
        code = problem.get("parcel_code") or ""
        typer.echo(f"  {where} {code}: {problem['problem']} ({problem['problem_en']})", err=True)
    if len(error.problems) > 50:
        typer.echo(f"  … 另有 {len(error.problems) - 50} 处问题", err=True)
    raise typer.Exit(code=2)


@app.command()
def init(database_url: DatabaseOption = None) -> None:
    """Create the database, or migrate it to the newest schema."""
    settings = _settings(database_url)
    try:
        engine = make_engine(settings)
        upgrade(engine)
    except LandGISError as error:
        _fail(error)
    revision = current_revision(engine)
    typer.echo(f"数据库已就绪 database ready: {settings.backend}, schema {revision}")


@app.command()
def demo(database_url: DatabaseOption = None) -> None:
    """Load the demo county (idempotent); creates the database first when needed."""
    settings = _settings(database_url)
    try:
        engine = make_engine(settings)
        upgrade(engine)
        with transaction(engine) as session:
            report = load_demo(session, settings.demo_data)
    except LandGISError as error:
        _fail(error)
    if report.loaded:
        typer.echo(
            f"演示数据已加载 demo loaded: {report.zones} zones, {report.parcels} parcels, "
            f"{report.buildings} buildings, {report.cases} cases, {report.events} events"
        )
    else:
        typer.echo("演示数据已存在,未重复加载 demo already loaded; nothing changed")


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(help="GeoJSON or GeoPackage file of parcels.")],
    layer: Annotated[str | None, typer.Option(help="Layer to read (GeoPackage).")] = None,
    crs: Annotated[
        str | None, typer.Option(help="CRS of a file that names none, e.g. EPSG:4544.")
    ] = None,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Import parcels from a file, all or nothing."""
    try:
        engine = make_engine(_settings(database_url))
        with transaction(engine) as session:
            report = import_parcels(session, file, layer=layer, crs=crs, dry_run=dry_run)
    except LandGISError as error:
        _fail(error)
    verb = "检查通过(未写入) checked, nothing written" if dry_run else "已导入 imported"
    typer.echo(f"{verb}: {report.features} parcels, {report.area_mu:.2f} 亩")


@app.command("stats")
def stats_command(
    as_json: Annotated[bool, typer.Option("--json", help="Print a JSON object.")] = False,
    database_url: DatabaseOption = None,
) -> None:
    """Print the headline figures of the ledger."""
    try:
        engine = make_engine(_settings(database_url))
        with transaction(engine) as session:
            figures = stats.headline_figures(session)
    except LandGISError as error:
        _fail(error)
    if as_json:
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    typer.echo(f"台账 ledger:       {figures['cases']} 宗, {figures['ledger_area_mu']:.2f} 亩")
    typer.echo(
        f"已盘活 revitalized: {figures['revitalized_area_mu']:.2f} 亩 "
        f"({figures['revitalized_share']:.1%})"
    )
    typer.echo(
        f"闲置厂房 idle floor area: {figures['idle_building_area_m2']:.2f} ㎡, "
        f"盘活 revitalized {figures['revitalized_building_area_m2']:.2f} ㎡"
    )


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Serve the API, the maps and the web pages (http://127.0.0.1:8000 by default)."""
    import uvicorn

    settings = _settings(database_url)
    os.environ["LANDGIS_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
    )


def main() -> None:
    """Entry point of the ``landgis`` console script."""
    app(prog_name="landgis")


if __name__ == "__main__":
    sys.exit(main())
