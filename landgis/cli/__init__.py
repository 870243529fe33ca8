"""The ``landgis`` command."""

from __future__ import annotations

import typer

from landgis.cli import (
    backup,
    buildings,
    cases,
    efficiency,
    projects,
    report,
    reports,
    setup,
    space,
    users,
)
from landgis.cli.common import examples

app = typer.Typer(
    help="landgis: 低效闲置工业用地 GIS 管理 (idle and low-efficiency industrial land).",
    no_args_is_help=True,
    add_completion=False,
)
app.command(epilog=examples("landgis init"))(setup.init)
app.command(epilog=examples("landgis demo"))(setup.demo)
app.command(
    "import",
    epilog=examples(
        "landgis import data/geo/demo_county.gpkg --layer parcels --mode upsert --dry-run"
    ),
)(setup.import_file)
app.command(epilog=examples("landgis stats --from 2023-01-01 --to 2023-08-31"))(reports.stats)
app.command(epilog=examples("landgis ledger --as-of 2023-06-30"))(reports.ledger)
app.command(epilog=examples("landgis warnings --as-of 2023-08-31"))(reports.warnings)
app.command(
    epilog=examples(
        "landgis export --format xlsx --out exports/台账.xlsx",
        "landgis export --format gpkg --epsg auto --scope parcels --out exports/宗地.gpkg",
        "landgis export --what buildings --format gpkg --out exports/厂房.gpkg",
        "landgis export --what projects --out exports/招商项目台账.xlsx",
    )
)(reports.export)
app.command("import-ledger", epilog=examples("landgis import-ledger exports/台账.xlsx --dry-run"))(
    reports.import_ledger
)
app.add_typer(cases.app, name="case")
app.add_typer(report.app, name="report")
app.add_typer(users.app, name="user")
app.add_typer(efficiency.app, name="efficiency")
app.add_typer(buildings.buildings_app, name="buildings")
app.command(epilog=examples("landgis leases --expiring"))(space.leases)
app.add_typer(space.units_app, name="units")
app.add_typer(space.lease_app, name="lease")
app.add_typer(projects.app, name="project")
app.command(epilog=examples("landgis backup nightly.zip"))(backup.backup)
app.command(epilog=examples("landgis restore nightly.zip --yes"))(backup.restore)
app.command(epilog=examples("landgis serve --host 0.0.0.0 --port 8080 --workers 2"))(setup.serve)


def main() -> None:
    """Entry point of the ``landgis`` console script."""
    app(prog_name="landgis")
