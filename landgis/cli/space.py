"""``landgis units …``, ``landgis lease …`` and ``landgis leases``: the units of factory
buildings and their leases (the buildings themselves: :mod:`landgis.cli.buildings`).

Changes go through the ledger service (:mod:`landgis.commands`), with administrator rights
in the name given by ``--actor`` (by default the login name), as ``landgis case`` does."""

from __future__ import annotations

import datetime as dt
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
from landgis.commands import AddUnits, EndLease, SignLease, StartLease
from landgis.errors import InvalidInput
from landgis.i18n import Text, _, term
from landgis.space.terms import LeaseTerms, UnitSpec

listing = lazy_module("landgis.space.listing")
wallclock = lazy_module("landgis.wallclock")

units_app = typer.Typer(help="厂房单元 a building's units: add them.")
lease_app = typer.Typer(help="租约 leases of building units: sign, start, end.")

ActorOption = Annotated[
    str | None,
    typer.Option("--actor", metavar="NAME", help="Who makes the change (default: login name)."),
]


def _area(value: float) -> str:
    return f"{value:,.2f}"


def _number(text: str, what: Text, spec: str) -> float | None:
    if not text.strip():
        return None
    try:
        return float(text)
    except ValueError:
        fail(InvalidInput(_("单元 {spec} 的{what}应为数字。", spec=spec, what=what)))


def parse_unit(spec: str) -> UnitSpec:
    """``NO:AREA[:FLOOR[:HEIGHT[:LOAD]]]`` as a unit to add."""
    parts = spec.split(":")
    if len(parts) < 2 or len(parts) > 5 or not parts[0].strip():
        fail(
            InvalidInput(
                _(
                    "--unit 应写成 编号:面积[:楼层[:层高[:荷载]]],如 1F-A:1200:1:8:30,"
                    "收到 “{spec}”。",
                    spec=spec,
                )
            )
        )
    parts += [""] * (5 - len(parts))
    area = _number(parts[1], _("建筑面积"), spec)
    floor = _number(parts[2], _("楼层"), spec)
    if floor is not None and floor != int(floor):
        fail(InvalidInput(_("单元 {spec} 的楼层应为整数。", spec=spec)))
    return UnitSpec(
        unit_no=parts[0].strip(),
        floor_area_m2=area if area is not None else 0.0,
        floor=None if floor is None else int(floor),
        clear_height_m=_number(parts[3], _("层高"), spec),
        floor_load_kn_m2=_number(parts[4], _("荷载"), spec),
    )


@units_app.command(
    "add", epilog=examples("landgis units add 52 --unit 1F-A:1200:1:8.5:30 --unit 1F-B:800:1")
)
def add_units(
    building_id: Annotated[int, typer.Argument(help="The building's id (landgis buildings).")],
    unit: Annotated[
        list[str],
        typer.Option(
            "--unit",
            metavar="NO:AREA[:FLOOR[:HEIGHT[:LOAD]]]",
            help="A unit: number, floor area ㎡, floor, clear height m, load kN/㎡; repeatable.",
        ),
    ],
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Add units to a building: all of them, or none when one is refused."""
    specs = tuple(parse_unit(spec) for spec in unit)
    with ledger_unit(database_url, actor) as ledger:
        added = ledger.handle(AddUnits(building_id=building_id, units=specs))
        names = [f"{u.unit_no} {_area(u.floor_area_m2)} ㎡" for u in added]
        building = added[0].building.name if added else ""
    say(_("{building} 新增单元:{units}", building=building, units=",".join(names)))


def _lease_line(lease: Any) -> Any:
    if lease["ended_on"] is not None:
        return _(
            "{line},{day} 结束", line=_lease_line(lease | {"ended_on": None}), day=lease["ended_on"]
        )
    return _(
        "{lease_no}:{tenant},{building} {units},{area} ㎡,{start} 至 {end},{status}",
        lease_no=lease["lease_no"],
        tenant=lease["tenant"],
        building=lease["building"] or "",
        units="、".join(lease["units"]),
        area=_area(lease["area_m2"]),
        start=lease["start_date"],
        end=lease["end_date"],
        status=term("lease_status", lease["status"]),
    )


def _report(ledger: Any, lease: Any) -> None:
    """The lease as it stands, and the case it revitalized, if any."""
    from landgis.db.models import Case

    values = listing.lease_values(lease)
    say(_lease_line(values))
    case = ledger.session.get(Case, lease.case_id) if lease.case_id is not None else None
    if case is not None:
        say(
            _(
                "台账条目 {case_no} 已盘活厂房面积 {area} ㎡",
                case_no=case.case_no,
                area=_area(case.revitalized_building_area_m2 or 0.0),
            )
        )


@lease_app.command(
    "sign",
    epilog=examples(
        "landgis lease sign 52 --units 1F-A,1F-B --tenant 青溪县鑫源食品有限公司 "
        "--from 2024-03-01 --to 2027-02-28 --rent 8.5 --project 速冻食品生产线"
    ),
)
def sign(
    building_id: Annotated[int, typer.Argument(help="The building's id (landgis buildings).")],
    units: Annotated[str, typer.Option("--units", metavar="NO,NO", help="Unit numbers.")],
    tenant: Annotated[str, typer.Option("--tenant", metavar="NAME", help="承租人.")],
    start: Annotated[Date, date_option("--from", help="起租日.")],
    end: Annotated[Date, date_option("--to", help="租期结束日 (included).")],
    rent: Annotated[
        float | None, typer.Option("--rent", metavar="YUAN", help="Rent, 元/㎡·月.")
    ] = None,
    credit_code: Annotated[
        str | None, typer.Option("--credit-code", metavar="CODE", help="统一社会信用代码.")
    ] = None,
    project: Annotated[
        str | None, typer.Option("--project", metavar="NAME", help="The project it houses.")
    ] = None,
    lease_no: Annotated[
        str | None, typer.Option("--lease-no", metavar="NO", help="Default: next ZL-YEAR-NNN.")
    ] = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Sign a lease of a building's units; it starts at once when its start date has come.
    Leasing a 处置中 case's idle factory space revitalizes it on the start date."""
    if start is None or end is None:
        fail(InvalidInput(_("请给出租期:--from 和 --to。")))
    terms = LeaseTerms(
        tenant=tenant,
        start_date=start.date(),
        end_date=end.date(),
        tenant_credit_code=credit_code,
        rent_yuan_m2_month=rent,
        project=project,
    )
    unit_nos = tuple(no.strip() for no in units.split(",") if no.strip())
    command = SignLease(building_id=building_id, unit_nos=unit_nos, terms=terms, lease_no=lease_no)
    with ledger_unit(database_url, actor) as ledger:
        _report(ledger, ledger.handle(command))


@lease_app.command("start", epilog=examples("landgis lease start --due"))
def start(
    lease_no: Annotated[str | None, typer.Argument(help="租约编号.")] = None,
    due: Annotated[
        bool, typer.Option("--due", help="Start every signed lease whose start date has come.")
    ] = False,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """Start a lease signed ahead, once its start date has come (or, --due, all of them)."""
    if (lease_no is None) == (not due):
        fail(InvalidInput(_("请给出租约编号,或用 --due 起租所有已到起租日的租约。")))
    with ledger_unit(database_url, actor) as ledger:
        if lease_no is not None:
            numbers = [lease_no]
        else:
            today = wallclock.today()
            signed = listing.lease_rows(ledger.session, status="signed")
            numbers = [row["lease_no"] for row in signed if row["start_date"] <= today]
        for number in numbers:
            _report(ledger, ledger.handle(StartLease(lease_no=number)))
    if due:
        say(_("已起租 {count} 份租约", count=len(numbers)))


@lease_app.command(
    "end", epilog=examples("landgis lease end ZL-2024-001 --on 2025-06-30 --reason 承租人提前退租")
)
def end(
    lease_no: Annotated[str, typer.Argument(help="租约编号.")],
    on: Annotated[Date, date_option("--on", help="Its last day (default: today).")] = None,
    reason: Annotated[str | None, typer.Option("--reason", metavar="TEXT", help="Why.")] = None,
    actor: ActorOption = None,
    database_url: DatabaseOption = None,
) -> None:
    """End a lease (or cancel one not yet started): its units are vacant again."""
    with ledger_unit(database_url, actor) as ledger:
        lease = ledger.handle(EndLease(lease_no=lease_no, ended_on=day(on), reason=reason))
        _report(ledger, lease)


def leases(
    status: Annotated[str | None, typer.Option(help="signed, active or ended.")] = None,
    building: Annotated[int | None, typer.Option(help="A building's id.")] = None,
    tenant: Annotated[str | None, typer.Option(help="Part of the tenant's name.")] = None,
    expiring: Annotated[
        bool,
        typer.Option(
            "--expiring", help="Only those let and ending within lease_warn_days_ahead days."
        ),
    ] = False,
    as_json: JsonOption = False,
    database_url: DatabaseOption = None,
) -> None:
    """Leases, soonest ending first."""
    with unit_of_work(database_url, write=False) as (session, settings):
        by = None
        if expiring:
            by = wallclock.today() + dt.timedelta(days=settings.lease_warn_days_ahead)
        rows = listing.lease_rows(
            session, status=status, building_id=building, tenant=tenant, expiring_by=by
        )
    if as_json:
        print_json(rows)
        return
    lang = language()
    for row in rows:
        typer.echo(_lease_line(row).render(lang))
    say(_("共 {count} 份租约", count=len(rows)))
