"""``landgis case …``: the ledger's use cases for staff who script.

The command line is used by whoever can already reach the server's database, so it acts
with administrator rights, in the name given by ``--actor`` (by default the login name).
"""

from __future__ import annotations

import datetime as dt
import getpass
from typing import Annotated, Any

import typer

from landgis import cases
from landgis.cli.common import (
    DatabaseOption,
    Date,
    JsonOption,
    date_option,
    day,
    print_json,
    unit_of_work,
)
from landgis.db.models import Case
from landgis.errors import InvalidInput
from landgis.units import mu_to_m2
from landgis.vocab import CASE_STATUSES
from landgis.workflow import Workflow

app = typer.Typer(help="台账条目 ledger cases: open, change status, revitalize, close, history.")

ActorOption = Annotated[
    str | None, typer.Option("--actor", help="Who makes the change (default: login name).")
]
VersionOption = Annotated[
    int | None,
    typer.Option(help="The version you saw; refused if someone changed the case since."),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        help="field=value, repeatable (e.g. plan_no=青府函〔2023〕5号, idle_area_mu=12.5).",
    ),
]
DocOption = Annotated[str | None, typer.Option("--doc", help="Document number (文号).")]
NoteOption = Annotated[str | None, typer.Option("--note", help="Note or reason.")]
OnOption = Annotated[Date, date_option("--date", help="When it happened (default today).")]


def _actor(name: str | None) -> cases.Actor:
    return cases.Actor(name or getpass.getuser(), role="admin")


def parse_assignments(assignments: list[str] | None) -> dict[str, Any]:
    """``field=value`` pairs; ``*_mu`` area fields are converted to m²."""
    fields: dict[str, Any] = {}
    for item in assignments or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise InvalidInput(
                f"--set 应写成 字段=值,收到 {item!r}。", f"--set needs field=value: {item!r}."
            )
        name, value = name.strip(), value.strip()
        if name.endswith("_mu"):
            try:
                fields[f"{name[:-3]}_m2"] = mu_to_m2(float(value))
            except ValueError as exc:
                raise InvalidInput(f"{name} 应为数字。", f"{name} must be a number.") from exc
        else:
            fields[name] = value or None
    return fields


def _version(case: Case, seen: int | None) -> int:
    return case.version if seen is None else seen


def _report(case: Case) -> None:
    typer.echo(
        f"{case.case_no}: {CASE_STATUSES[case.status]} ({case.status}), version {case.version}"
    )


def _today(value: dt.datetime | None) -> dt.date:
    return day(value) or dt.date.today()


@app.command("open")
def open_(
    parcel_code: Annotated[str, typer.Argument(help="宗地编号 of the parcel.")],
    category: Annotated[str, typer.Option(help="idle, low_efficiency, …")] = "idle",
    case_no: Annotated[str | None, typer.Option(help="Case number (default: next free).")] = None,
    assignments: SetOption = None,
    on: OnOption = None,
    doc: DocOption = None,
    note: NoteOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Enter a parcel in the ledger as suspected idle land."""
    with unit_of_work(database_url) as (session, settings):
        fields = {"category": category} | parse_assignments(assignments)
        case = cases.open_case(
            session,
            parcel_code,
            actor=_actor(actor),
            occurred_on=_today(on),
            fields=fields,
            case_no=case_no,
            case_no_prefix=settings.case_no_prefix,
            document_no=doc,
            note=note,
        )
        _report(case)


@app.command()
def status(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    target: Annotated[str, typer.Argument(help=f"New status: {', '.join(CASE_STATUSES)}.")],
    version: VersionOption = None,
    assignments: SetOption = None,
    on: OnOption = None,
    doc: DocOption = None,
    note: NoteOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Move a case to another status, with its evidence (--set) or reason (--note)."""
    with unit_of_work(database_url) as (session, settings):
        case = cases.change_status(
            session,
            case_no,
            target,
            version=_version(cases.get_case(session, case_no), version),
            actor=_actor(actor),
            occurred_on=_today(on),
            fields=parse_assignments(assignments),
            document_no=doc,
            note=note,
            workflow=Workflow(evidence=settings.evidence),
        )
        _report(case)


@app.command()
def edit(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    assignments: SetOption = None,
    version: VersionOption = None,
    on: OnOption = None,
    doc: DocOption = None,
    note: NoteOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Change a case's fields (--set field=value)."""
    with unit_of_work(database_url) as (session, _settings):
        case = cases.edit_case(
            session,
            case_no,
            version=_version(cases.get_case(session, case_no), version),
            actor=_actor(actor),
            occurred_on=_today(on),
            fields=parse_assignments(assignments),
            document_no=doc,
            note=note,
        )
        _report(case)


@app.command()
def revitalize(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    area_mu: Annotated[float, typer.Option("--area-mu", help="Area revitalized now, 亩.")],
    building_m2: Annotated[
        float, typer.Option("--building-m2", help="Factory floor area revitalized now, ㎡.")
    ] = 0.0,
    complete: Annotated[
        bool, typer.Option("--complete", help="Also mark the case revitalized (已盘活).")
    ] = False,
    assignments: SetOption = None,
    version: VersionOption = None,
    on: OnOption = None,
    doc: DocOption = None,
    note: NoteOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Record (partial) revitalization of a case being disposed of."""
    with unit_of_work(database_url) as (session, settings):
        case = cases.record_revitalization(
            session,
            case_no,
            version=_version(cases.get_case(session, case_no), version),
            actor=_actor(actor),
            occurred_on=_today(on),
            area_m2=mu_to_m2(area_mu),
            building_area_m2=building_m2,
            fields=parse_assignments(assignments),
            complete=complete,
            document_no=doc,
            note=note,
            workflow=Workflow(evidence=settings.evidence),
        )
        _report(case)


@app.command()
def close(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    version: VersionOption = None,
    on: OnOption = None,
    doc: DocOption = None,
    note: NoteOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Close out (销号) a revitalized case; it is read-only afterwards."""
    with unit_of_work(database_url) as (session, settings):
        case = cases.close_case(
            session,
            case_no,
            version=_version(cases.get_case(session, case_no), version),
            actor=_actor(actor),
            occurred_on=_today(on),
            document_no=doc,
            note=note,
            workflow=Workflow(evidence=settings.evidence),
        )
        _report(case)


@app.command()
def reopen(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    reason: Annotated[str, typer.Option(help="Why the case is reopened.")],
    version: VersionOption = None,
    on: OnOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Reopen a closed case (or reinstate a dismissed one), with a reason."""
    with unit_of_work(database_url) as (session, settings):
        case = cases.reopen_case(
            session,
            case_no,
            version=_version(cases.get_case(session, case_no), version),
            actor=_actor(actor),
            occurred_on=_today(on),
            reason=reason,
            workflow=Workflow(evidence=settings.evidence),
        )
        _report(case)


@app.command()
def history(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Every event of a case, oldest first."""
    with unit_of_work(database_url) as (session, _settings):
        case = cases.get_case(session, case_no)
        events = cases.case_history(session, case_no)
        current = cases.case_values(case)
    if as_json:
        print_json({"case": current, "events": [cases.event_values(e) for e in events]})
        return
    for event in events:
        change = (
            f"{event.status_before or '—'} → {event.status_after}"
            if event.status_before != event.status_after
            else ", ".join(event.changes)
        )
        typer.echo(
            f"{event.occurred_on} {event.actor:<12} {event.action:<10} {change}"
            f"{' ' + event.document_no if event.document_no else ''}"
            f"{' — ' + event.note if event.note else ''}"
        )
    typer.echo(f"当前 now: {CASE_STATUSES[case.status]}, version {case.version}")
