"""The ``landgis`` command."""

from __future__ import annotations

import typer

from landgis.cli import backup, cases, efficiency, report, reports, setup, users

app = typer.Typer(
    help="landgis: 低效闲置工业用地 GIS 管理 (idle and low-efficiency industrial land).",
    no_args_is_help=True,
    add_completion=False,
)
app.command()(setup.init)
app.command()(setup.demo)
app.command("import")(setup.import_file)
app.command()(reports.stats)
app.command()(reports.ledger)
app.command()(reports.warnings)
app.command()(reports.export)
app.command("import-ledger")(reports.import_ledger)
app.add_typer(cases.app, name="case")
app.add_typer(report.app, name="report")
app.add_typer(users.app, name="user")
app.add_typer(efficiency.app, name="efficiency")
app.command()(backup.backup)
app.command()(backup.restore)
app.command()(setup.serve)


def main() -> None:
    """Entry point of the ``landgis`` console script."""
    app(prog_name="landgis")
