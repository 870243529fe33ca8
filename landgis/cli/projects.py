"""``landgis project …``: 招商项目 — enter projects, move their stage, list their ranked
candidates with the reasons of each score, and record a match.

Each change is a command (:mod:`landgis.commands`) for the ledger service, acting with
administrator rights in the name given by ``--actor`` (by default the login name), as the
``case`` commands do.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from landgis.cli.cases import ActorOption, NoteOption, OnOption, parse_assignments
from landgis.cli.common import (
    DatabaseOption,
    Date,
    JsonOption,
    date_option,
    day,
    examples,
    language,
    ledger_unit,
    print_json,
    say,
    unit_of_work,
)
from landgis.commands import CreateProject, EditProject, MoveProjectStage, RecordMatch
from landgis.i18n import _, term
from landgis.vocab import PROJECT_STAGES

app = typer.Typer(help="招商项目 projects: add, list, show, stage, candidates, match.")

ProjectArgument = Annotated[str, typer.Argument(help="Project number, ZS-YEAR-NNN.")]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="FIELD=VALUE",
        help="field=value, repeatable: name, investor, investor_credit_code, industry, "
        "investment_wan_yuan, land_need_mu, floor_need_m2, preferred_zones (片区 names "
        "separated by commas), staff, remarks.",
    ),
]


def _fields(assignments: list[str] | None) -> dict[str, Any]:
    """The ``--set`` pairs; ``land_need_mu`` stays in 亩 (the library converts it)."""
    fields = parse_assignments(
        [a for a in assignments or [] if not a.strip().startswith("land_need_mu=")]
    )
    for item in assignments or []:
        name, _sep, value = item.partition("=")
        if name.strip() == "land_need_mu":
            fields["land_need_mu"] = value.strip() or None
    if isinstance(fields.get("preferred_zones"), str):
        zones = fields["preferred_zones"].replace(",", ",").split(",")
        fields["preferred_zones"] = [z.strip() for z in zones if z.strip()]
    return fields


def _said(project: Any) -> None:
    say(
        _(
            "{project_no} {name}:{stage}",
            project_no=project.project_no,
            name=project.name,
            stage=term("project_stage", project.stage),
        )
    )


@app.command(
    epilog=examples(
        "landgis project add --project-no ZS-2024-001 --date 2024-03-01 "
        "--set name=年产2万吨功能性食品项目 --set investor=四川禾康健康食品有限公司 "
        "--set industry=健康食品 --set land_need_mu=45 --set preferred_zones=临江工业区"
    )
)
def add(
    assignments: SetOption = None,
    project_no: Annotated[
        str | None, typer.Option(help="Project number (default: next free).")
    ] = None,
    on: Annotated[Date, date_option("--date", help="When talks began (default today).")] = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Enter a project at 洽谈 (negotiating) with its investor and needs."""
    command = CreateProject(
        fields=_fields(assignments), negotiating_on=day(on), project_no=project_no
    )
    with ledger_unit(database_url, actor) as ledger:
        _said(ledger.handle(command))


@app.command("list", epilog=examples("landgis project list --stage negotiating"))
def list_(
    stage: Annotated[
        str | None, typer.Option(help=f"Only this stage: {', '.join(PROJECT_STAGES)}.")
    ] = None,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """The projects, by number, with their stage and needs."""
    from landgis.projects.records import list_projects, project_values

    with unit_of_work(database_url, write=False) as (session, _settings):
        found = [project_values(p) for p in list_projects(session, stage)]
        if as_json:
            print_json(found)
            return
        for p in found:
            say(
                _(
                    "{project_no} {name}({investor},{industry}):{stage},用地 {land} 亩,"
                    "厂房 {floor} ㎡",
                    project_no=p["project_no"],
                    name=p["name"],
                    investor=p["investor"],
                    industry=p["industry"] or "-",
                    stage=term("project_stage", p["stage"]),
                    land=p["land_need_mu"] if p["land_need_mu"] is not None else "-",
                    floor=p["floor_need_m2"] if p["floor_need_m2"] is not None else "-",
                )
            )


@app.command(epilog=examples("landgis project show ZS-2024-001"))
def show(
    project_no: ProjectArgument,
    assignments: SetOption = None,
    as_json: JsonOption = False,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Show a project's fields (--json: as JSON); with --set, change them first."""
    from landgis.projects.records import get_project, project_values

    if assignments:
        command = EditProject(project_no=project_no, fields=_fields(assignments))
        with ledger_unit(database_url, actor) as ledger:
            ledger.handle(command)
    with unit_of_work(database_url, write=False) as (session, _settings):
        values = project_values(get_project(session, project_no))
        if as_json:
            print_json(values)
            return
        for name, value in values.items():
            if value is not None and value != []:
                typer.echo(f"{name}: {value}")


@app.command(epilog=examples("landgis project stage ZS-2024-001 signed --date 2024-05-08"))
def stage(
    project_no: ProjectArgument,
    target: Annotated[str, typer.Argument(help=f"Stage: {', '.join(PROJECT_STAGES)}.")],
    on: OnOption = None,
    note: NoteOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Move a project to its next stage on a day; back (with --note as the reason)."""
    command = MoveProjectStage(
        project_no=project_no, stage=target, occurred_on=day(on), reason=note
    )
    with ledger_unit(database_url, actor) as ledger:
        _said(ledger.handle(command))


@app.command(epilog=examples("landgis project candidates ZS-2024-001 --top 3"))
def candidates(
    project_no: ProjectArgument,
    top: Annotated[int, typer.Option(min=1, help="Show the best N.")] = 10,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """The project's candidates, best first, each score with its reasons."""
    from landgis.projects.candidates import candidates as ranked
    from landgis.projects.records import get_project

    lang = language()
    with unit_of_work(database_url, write=False) as (session, settings):
        found = ranked(session, get_project(session, project_no), settings.zone_industries)
        rows = [c.to_dict(lang) for c in found[:top]]
    if as_json:
        print_json(rows)
        return
    for row in rows:
        where = row["case_no"] or f"{row['building']} {'、'.join(row['unit_nos'])}"
        typer.echo(f"{row['score']:5.1f}  {where}  {row['parcel_code']}  {row['zone'] or ''}")
        for part in row["parts"]:
            typer.echo(f"       {part['points']:4.1f}/{part['max_points']:.0f}  {part['reason']}")


@app.command(
    epilog=examples(
        "landgis project match ZS-2024-001 --case QX-XZ-2023-012 --date 2024-06-03",
    )
)
def match(
    project_no: ProjectArgument,
    case_no: Annotated[str | None, typer.Option("--case", help="台账编号 of the case.")] = None,
    building: Annotated[
        int | None, typer.Option(help="Id of the standard building whose units to let.")
    ] = None,
    units: Annotated[
        list[str] | None, typer.Option("--unit", metavar="UNIT", help="Unit number, repeatable.")
    ] = None,
    start: Annotated[Date, date_option("--start", help="Lease starts (units).")] = None,
    end: Annotated[Date, date_option("--end", help="Lease ends (units).")] = None,
    rent: Annotated[
        float | None, typer.Option(metavar="YUAN", help="Rent, 元/㎡·月 (units).")
    ] = None,
    on: OnOption = None,
    note: NoteOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Record a match: the project onto a case (--case), or a lease of vacant units
    (--building, --unit, --start, --end)."""
    command = RecordMatch(
        project_no=project_no,
        case_no=case_no,
        building_id=building,
        unit_nos=tuple(units or ()),
        start_date=day(start),
        end_date=day(end),
        rent_yuan_m2_month=rent,
        occurred_on=day(on),
        note=note,
    )
    with ledger_unit(database_url, actor) as ledger:
        done = ledger.handle(command)
        say(_("{message}(得分 {score})", message=done.message(), score=done.match.score))
