"""``landgis case …``: the ledger's use cases for staff who script.

Each command builds a ledger command (:mod:`landgis.commands`) for the ledger service. The
command line is used by whoever can already reach the server's database, so it acts with
administrator rights, in the name given by ``--actor`` (by default the login name).
Without ``--version`` a change applies to the case as it is now.
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from landgis.cli.common import (
    DatabaseOption,
    Date,
    JsonOption,
    date_option,
    day,
    examples,
    fail,
    language,
    lazy_module,
    ledger_unit,
    print_json,
    say,
    unit_of_work,
)
from landgis.commands import (
    CaseCommand,
    ChangeStatus,
    CloseCase,
    EditCase,
    OpenCase,
    RecordRevitalization,
    ReopenCase,
    completing,
)
from landgis.errors import InvalidInput, NeedsConfirmation
from landgis.i18n import _, listing, term
from landgis.i18n.values import AreaUnit
from landgis.schema import CASE, PARCEL, label_of
from landgis.units import mu_to_m2
from landgis.vocab import CASE_STATUSES

cases = lazy_module("landgis.cases")

app = typer.Typer(help="台账条目 ledger cases: open, change status, revitalize, close, history.")

ActorOption = Annotated[
    str | None,
    typer.Option("--actor", metavar="NAME", help="Who makes the change (default: login name)."),
]
VersionOption = Annotated[
    int | None,
    typer.Option(help="The version you saw; refused if someone changed the case since."),
]
SetOption = Annotated[
    list[str] | None,
    typer.Option(
        "--set",
        metavar="FIELD=VALUE",
        help="field=value, repeatable (e.g. plan_no=青府函〔2023〕5号, idle_area_mu=12.5).",
    ),
]
DocOption = Annotated[
    str | None, typer.Option("--doc", metavar="NO", help="Document number (文号).")
]
NoteOption = Annotated[str | None, typer.Option("--note", metavar="TEXT", help="Note or reason.")]
OnOption = Annotated[Date, date_option("--date", help="When it happened (default today).")]
ConfirmOption = Annotated[
    bool,
    typer.Option(
        "--confirm",
        help="Confirm completing the case (已盘活) with less area revitalized than idle.",
    ),
]


def parse_assignments(assignments: list[str] | None) -> dict[str, Any]:
    """``field=value`` pairs; ``*_mu`` area fields are converted to m². A pair that is
    not one ends the command with a clear message."""
    fields: dict[str, Any] = {}
    for item in assignments or []:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            fail(InvalidInput(_("--set 应写成 字段=值,收到 “{item}”。", item=item)))
        name, value = name.strip(), value.strip()
        if name.endswith("_mu"):
            try:
                fields[f"{name[:-3]}_m2"] = mu_to_m2(float(value))
            except ValueError:
                fail(InvalidInput(_("{name} 应为数字。", name=name)))
        else:
            fields[name] = value or None
    return fields


def area_unit(assignments: list[str] | None) -> AreaUnit:
    """The unit the ``--set`` pairs give land areas in: 亩 when any ``*_mu`` field is set."""
    names = (item.partition("=")[0].strip() for item in assignments or [])
    return "mu" if any(name.endswith("_mu") for name in names) else "m2"


def _run(command: CaseCommand, *, database_url: str | None, actor: str | None) -> None:
    """Hand ``command`` to the ledger service in one transaction and report the case.

    A completion short of the idle area is refused until confirmed with ``--confirm``."""
    with ledger_unit(database_url, actor) as ledger:
        try:
            case = ledger.handle(command)
        except NeedsConfirmation as error:
            fail(error, _("确认办结请加 --confirm。"))
        say(
            _(
                "{case_no}:{status},版本 {version}",
                case_no=case.case_no,
                status=term("status", case.status),
                version=case.version,
            )
        )


@app.command(
    "open",
    epilog=examples(
        "landgis case open 519901001003GB00006 --case-no QX-XZ-2024-001 --set cause=enterprise "
        "--note 巡查发现"
    ),
)
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
    command = OpenCase(
        parcel_code=parcel_code,
        category=category,
        fields=parse_assignments(assignments),
        case_no=case_no,
        occurred_on=day(on),
        document_no=doc,
        note=note,
        area_unit=area_unit(assignments),
    )
    _run(command, database_url=database_url, actor=actor)


@app.command(
    epilog=examples("landgis case status QX-XZ-2023-011 investigating --doc 青自然资调〔2023〕11号")
)
def status(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    target: Annotated[str, typer.Argument(help=f"New status: {', '.join(CASE_STATUSES)}.")],
    version: VersionOption = None,
    assignments: SetOption = None,
    confirm: ConfirmOption = False,
    on: OnOption = None,
    doc: DocOption = None,
    note: NoteOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Move a case to another status, with its evidence (--set) or reason (--note)."""
    command = ChangeStatus(
        case_no=case_no,
        target=target,
        version=version,
        occurred_on=day(on),
        fields=parse_assignments(assignments),
        document_no=doc,
        note=note,
        confirm_short=confirm,
        area_unit=area_unit(assignments),
    )
    _run(command, database_url=database_url, actor=actor)


@app.command(
    epilog=examples(
        "landgis case edit QX-XZ-2023-009 --set responsible_unit=园区管委会 "
        "--set deadline=2024-06-30"
    )
)
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
    command = EditCase(
        case_no=case_no,
        version=version,
        occurred_on=day(on),
        fields=parse_assignments(assignments),
        document_no=doc,
        note=note,
        area_unit=area_unit(assignments),
    )
    _run(command, database_url=database_url, actor=actor)


@app.command(
    epilog=examples("landgis case revitalize QX-XZ-2023-005 --area-mu 5 --building-m2 1200")
)
def revitalize(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    area_mu: Annotated[float, typer.Option("--area-mu", help="Area revitalized now, 亩.")],
    building_m2: Annotated[
        float, typer.Option("--building-m2", help="Factory floor area revitalized now, ㎡.")
    ] = 0.0,
    complete: Annotated[
        bool, typer.Option("--complete", help="Also mark the case revitalized (已盘活).")
    ] = False,
    confirm: ConfirmOption = False,
    assignments: SetOption = None,
    version: VersionOption = None,
    on: OnOption = None,
    doc: DocOption = None,
    note: NoteOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Record (partial) revitalization of a case being disposed of."""
    command = RecordRevitalization(
        case_no=case_no,
        version=version,
        occurred_on=day(on),
        area_m2=mu_to_m2(area_mu),
        area_unit="mu",
        building_area_m2=building_m2,
        fields=parse_assignments(assignments),
        document_no=doc,
        note=note,
    )
    if complete:
        completed = completing(command, confirm_short=confirm)
        _run(completed, database_url=database_url, actor=actor)
    else:
        _run(command, database_url=database_url, actor=actor)


@app.command(epilog=examples("landgis case close QX-XZ-2023-001 --doc 青园销〔2023〕1号"))
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
    command = CloseCase(
        case_no=case_no, version=version, occurred_on=day(on), document_no=doc, note=note
    )
    _run(command, database_url=database_url, actor=actor)


@app.command(epilog=examples("landgis case reopen QX-XZ-2023-004 --reason 复核发现尚未投产"))
def reopen(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    reason: Annotated[str, typer.Option(metavar="TEXT", help="Why the case is reopened.")],
    version: VersionOption = None,
    on: OnOption = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Reopen a closed case (or reinstate a dismissed one), with a reason."""
    command = ReopenCase(case_no=case_no, version=version, occurred_on=day(on), reason=reason)
    _run(command, database_url=database_url, actor=actor)


@app.command(epilog=examples("landgis case history QX-XZ-2023-004"))
def history(
    case_no: Annotated[str, typer.Argument(help="台账编号.")],
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Every event of a case, oldest first."""
    with unit_of_work(database_url, write=False) as (session, _settings):
        case = cases.get_case(session, case_no)
        events = cases.case_history(session, case_no)
        current = cases.case_values(case)
    if as_json:
        print_json({"case": current, "events": [cases.event_values(e) for e in events]})
        return
    lang = language()
    for event in events:
        typer.echo(_event_line(event, lang))
    say(_("当前:{status},版本 {version}", status=term("status", case.status), version=case.version))


def _event_line(event: Any, lang: str) -> str:
    """One event of a case's history in ``lang``: when, who, what it did (the statuses it
    moved between, else the fields it changed), its document and note."""
    if event.status_before != event.status_after:
        before, after = (
            term("status", code).render(lang) if code else "—"
            for code in (event.status_before, event.status_after)
        )
        change = f"{before} → {after}"
    else:
        change = listing(label_of(name, CASE, PARCEL) for name in event.changes).render(lang)
    return (
        f"{event.occurred_on} {event.actor:<12} {term('action', event.action).render(lang)} "
        f"{change}{' ' + event.document_no if event.document_no else ''}"
        f"{' — ' + event.note if event.note else ''}"
    )
