"""``landgis efficiency``: the per-mu performance evaluation (亩均效益评价)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from landgis.cli.common import DatabaseOption, JsonOption, fail, language, print_json, settings_for
from landgis.errors import LandGISError

app = typer.Typer(
    help="Per-mu performance evaluation (亩均效益评价): enterprises' yearly figures.",
    no_args_is_help=True,
)


@app.command("import")
def import_figures(
    file: Annotated[Path, typer.Argument(help="The year's figures: CSV, XLSX or XLS.")],
    year: Annotated[int, typer.Option("--year", help="The year the figures are of.")],
    mapping: Annotated[
        Path | None,
        typer.Option(help='JSON or YAML file {"file column": "field"} for other headers.'),
    ] = None,
    sheet: Annotated[str | None, typer.Option(help="The worksheet to read.")] = None,
    skip_invalid: Annotated[
        bool,
        typer.Option(
            "--skip-invalid",
            help="Store the rows that pass and refuse the rest (else any error refuses all).",
        ),
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Check only; write nothing.")] = False,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Import the enterprises' figures of a year, replacing that year's (all or nothing,
    or with --skip-invalid the rows that pass); exit code 2 when refused. Enterprises
    matched to no parcel are stored and listed with the holders' names nearly theirs."""
    from landgis.db.engine import make_engine
    from landgis.db.session import transaction
    from landgis.efficiency.imports import FiguresOptions, FiguresRefused
    from landgis.efficiency.imports import import_figures as run_import

    settings = settings_for(database_url)
    engine = make_engine(settings)
    try:
        options = FiguresOptions.build(
            year=year, mapping=mapping, sheet=sheet, skip_invalid=skip_invalid
        )
        with transaction(engine) as session:
            report = run_import(session, file, options, dry_run=dry_run)
    except FiguresRefused as refused:  # rolled back; the report says why
        report = refused.report
    except LandGISError as error:
        fail(error)
    finally:
        engine.dispose()
    if as_json:
        print_json(report.to_dict())
    else:
        for line in report.text_lines(lang=language()):
            typer.echo(line, err=not report.accepted)
    if not report.accepted:
        raise typer.Exit(code=2)
