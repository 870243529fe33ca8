"""Commands that set landgis up: the database, the demo county, imports, the server."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer

from landgis.cli.common import DatabaseOption, fail, settings_for, unit_of_work
from landgis.db.engine import make_engine
from landgis.db.migrate import current_revision, upgrade
from landgis.demo import load_demo
from landgis.errors import LandGISError
from landgis.imports import import_parcels


def init(database_url: DatabaseOption = None) -> None:
    """Create the database, or migrate it to the newest schema."""
    settings = settings_for(database_url)
    try:
        engine = make_engine(settings)
        upgrade(engine)
    except LandGISError as error:
        fail(error)
    revision = current_revision(engine)
    typer.echo(f"数据库已就绪 database ready: {settings.backend}, schema {revision}")


def demo(database_url: DatabaseOption = None) -> None:
    """Load the demo county (idempotent); creates the database first when needed."""
    init(database_url)
    with unit_of_work(database_url) as (session, settings):
        report = load_demo(session, settings.demo_data)
    if report.loaded:
        typer.echo(
            f"演示数据已加载 demo loaded: {report.zones} zones, {report.parcels} parcels, "
            f"{report.buildings} buildings, {report.cases} cases, {report.events} events"
        )
    else:
        typer.echo("演示数据已存在,未重复加载 demo already loaded; nothing changed")


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
    with unit_of_work(database_url) as (session, _settings):
        report = import_parcels(session, file, layer=layer, crs=crs, dry_run=dry_run)
    verb = "检查通过(未写入) checked, nothing written" if dry_run else "已导入 imported"
    typer.echo(f"{verb}: {report.features} parcels, {report.area_mu:.2f} 亩")


def serve(
    host: Annotated[str | None, typer.Option(help="Address to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
    database_url: DatabaseOption = None,
) -> None:
    """Serve the API, the maps and the web pages (http://127.0.0.1:8000 by default)."""
    import uvicorn

    settings = settings_for(database_url)
    os.environ["LANDGIS_DATABASE_URL"] = settings.database_url
    uvicorn.run(
        "api.main:create_app",
        factory=True,
        host=host or settings.host,
        port=port or settings.port,
    )
