"""The factory space pages' forms: add units to a building, sign a lease of its vacant
units, start a lease signed ahead, end a lease.

Each handler reads the form into a command (:mod:`landgis.commands`), hands it to the
ledger service in a savepoint and goes back to the page (303) with a notice; when the
ledger refuses, the page is shown again with the message and everything the user typed.
Writes need the editor role and the session's CSRF token."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from api.deps import EditorLedgerDep
from api.web.form_input import FormDep, typed_date, typed_number, values
from api.web.render import flash
from api.web.space_pages import UNIT_ROWS, show_building, show_leases
from landgis.commands import AddUnits, EndLease, SignLease, StartLease
from landgis.db.models import Case
from landgis.errors import InvalidInput, LandGISError
from landgis.i18n import Text, _
from landgis.space.terms import LeaseTerms, UnitSpec

router = APIRouter(tags=["pages"], include_in_schema=False)

UNIT_INPUTS = ("unit_no", "floor_area_m2", "floor", "clear_height_m", "floor_load_kn_m2")
LEASE_INPUTS = (
    "tenant",
    "tenant_credit_code",
    "start_date",
    "end_date",
    "rent_yuan_m2_month",
    "project",
    "remarks",
)
MAX_UNIT_ROWS = 50
TEXT_LIMITS = {"tenant": 256, "tenant_credit_code": 18, "project": 256, "remarks": 2000}
LABELS: dict[str, Text] = {
    "floor_area_m2": _("建筑面积"),
    "floor": _("楼层"),
    "clear_height_m": _("层高"),
    "floor_load_kn_m2": _("荷载"),
    "rent_yuan_m2_month": _("租金"),
    "start_date": _("起租日"),
    "end_date": _("租期结束日"),
    "ended_on": _("结束日"),
}


def _unit_rows(form: FormData) -> list[dict[str, str]]:
    """The rows of the units form as typed (``unit_no``, ``floor_area_m2``, … each a list)."""
    columns = {name: [v for v in form.getlist(name) if isinstance(v, str)] for name in UNIT_INPUTS}
    count = min(max((len(c) for c in columns.values()), default=0), MAX_UNIT_ROWS)
    return [
        {name: (columns[name][i].strip() if i < len(columns[name]) else "") for name in UNIT_INPUTS}
        for i in range(count)
    ]


def _spec(row: dict[str, str]) -> UnitSpec:
    floor = typed_number(row["floor"], LABELS["floor"])
    if floor is not None and floor != int(floor):
        raise InvalidInput(_("单元 {spec} 的楼层应为整数。", spec=row["unit_no"]))
    return UnitSpec(
        unit_no=row["unit_no"],
        floor_area_m2=typed_number(row["floor_area_m2"], LABELS["floor_area_m2"]) or 0.0,
        floor=None if floor is None else int(floor),
        clear_height_m=typed_number(row["clear_height_m"], LABELS["clear_height_m"]),
        floor_load_kn_m2=typed_number(row["floor_load_kn_m2"], LABELS["floor_load_kn_m2"]),
    )


def _building_url(building_id: int, anchor: str = "") -> str:
    return f"/space/buildings/{building_id}{anchor}"


@router.post("/space/buildings/{building_id}/units", response_model=None)
def add_units_form(
    building_id: int, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Add the units typed (rows left empty are skipped): all of them, or none."""
    rows = _unit_rows(form)
    filled = [row for row in rows if any(row.values())]
    try:
        if not filled:
            raise InvalidInput(_("请至少填写一个单元的编号和建筑面积。"))
        with ledger.session.begin_nested():
            specs = tuple(_spec(row) for row in filled)
            ledger.handle(AddUnits(building_id=building_id, units=specs))
    except LandGISError as error:
        kept = {"kind": "units", "units": rows or [{} for _row in range(UNIT_ROWS)]}
        return show_building(request, ledger.session, building_id, error=error, kept=kept)
    flash(request, _("已新增 {count} 个单元。", count=len(filled)))
    return RedirectResponse(_building_url(building_id, "#units"), status_code=303)


def _terms(typed: dict[str, str]) -> LeaseTerms:
    for name, limit in TEXT_LIMITS.items():
        if len(typed[name]) > limit:
            raise InvalidInput(_("内容过长:最多 {limit} 个字符。", limit=limit))
    start = typed_date(typed["start_date"], LABELS["start_date"])
    end = typed_date(typed["end_date"], LABELS["end_date"])
    if start is None or end is None:
        raise InvalidInput(_("请填写起租日和租期结束日。"))
    return LeaseTerms(
        tenant=typed["tenant"],
        start_date=start,
        end_date=end,
        tenant_credit_code=typed["tenant_credit_code"] or None,
        rent_yuan_m2_month=typed_number(typed["rent_yuan_m2_month"], LABELS["rent_yuan_m2_month"]),
        project=typed["project"] or None,
        remarks=typed["remarks"] or None,
    )


@router.post("/space/buildings/{building_id}/leases", response_model=None)
def sign_lease_form(
    building_id: int, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Sign a lease of the units ticked; back to the building, saying which case's idle
    factory space it revitalized, if any."""
    typed = values(form, LEASE_INPUTS)
    unit_nos = tuple(v.strip() for v in form.getlist("unit") if isinstance(v, str) and v.strip())
    try:
        with ledger.session.begin_nested():
            lease = ledger.handle(
                SignLease(building_id=building_id, unit_nos=unit_nos, terms=_terms(typed))
            )
    except LandGISError as error:
        kept: dict[str, Any] = {"kind": "lease", "values": typed, "chosen": list(unit_nos)}
        return show_building(request, ledger.session, building_id, error=error, kept=kept)
    case = ledger.session.get(Case, lease.case_id) if lease.case_id is not None else None
    if case is not None:
        flash(
            request,
            _(
                "租约 {lease_no} 已登记;台账条目 {case_no} 已盘活厂房面积累计 {area:.2f} ㎡。",
                lease_no=lease.lease_no,
                case_no=case.case_no,
                area=case.revitalized_building_area_m2 or 0.0,
            ),
        )
    else:
        flash(request, _("租约 {lease_no} 已登记。", lease_no=lease.lease_no))
    return RedirectResponse(_building_url(building_id, "#units"), status_code=303)


def _lease_anchor(lease_no: str) -> str:
    return f"/space/leases#lease-{quote(lease_no, safe='')}"


@router.post("/space/leases/{lease_no}/start", response_model=None)
def start_lease_form(
    lease_no: str, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """Start a lease signed ahead, its start date come."""
    try:
        with ledger.session.begin_nested():
            ledger.handle(StartLease(lease_no=lease_no))
    except LandGISError as error:
        kept = {"lease_no": lease_no, "kind": "start"}
        return show_leases(request, ledger.session, ledger.settings, error=error, kept=kept)
    flash(request, _("租约 {lease_no} 已起租。", lease_no=lease_no))
    return RedirectResponse(_lease_anchor(lease_no), status_code=303)


@router.post("/space/leases/{lease_no}/end", response_model=None)
def end_lease_form(
    lease_no: str, request: Request, ledger: EditorLedgerDep, form: FormDep
) -> Response:
    """End a lease on the day typed (default today), for the reason typed."""
    typed = values(form, ("ended_on", "reason"))
    try:
        if len(typed["reason"]) > 2000:
            raise InvalidInput(_("内容过长:最多 {limit} 个字符。", limit=2000))
        with ledger.session.begin_nested():
            ended_on = typed_date(typed["ended_on"], LABELS["ended_on"])
            ledger.handle(
                EndLease(lease_no=lease_no, ended_on=ended_on, reason=typed["reason"] or None)
            )
    except LandGISError as error:
        kept = {"lease_no": lease_no, "kind": "end", "values": typed}
        return show_leases(request, ledger.session, ledger.settings, error=error, kept=kept)
    flash(request, _("租约 {lease_no} 已结束,其单元恢复空置。", lease_no=lease_no))
    return RedirectResponse(_lease_anchor(lease_no), status_code=303)
