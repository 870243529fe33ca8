"""The checks every change of a case passes: who may change, which fields and values,
whether the areas fit, whether the date is in order, whether the case is read-only."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis import schema, vocab, wallclock
from landgis.db.coerce import column_values
from landgis.db.models import Case, CaseEvent
from landgis.errors import (
    InvalidInput,
    PermissionDenied,
    ReadOnly,
)
from landgis.i18n import Localizable, _, listing, term
from landgis.i18n.values import Area, AreaUnit, in_both
from landgis.workflow import field_label, role_allows

# Fields a user edits directly; status and revitalized figures change through their use cases.
EDITABLE_FIELDS: tuple[str, ...] = schema.CASE.names(editable=True)
# The coded case fields a user edits, with their vocabularies.
VOCABULARIES: dict[str, dict[str, str]] = {
    f.name: vocab.VOCABULARIES[f.vocabulary] for f in schema.CASE if f.editable and f.vocabulary
}
# Areas compared with a tolerance of a square millimetre, against float noise.
AREA_TOLERANCE_M2 = 1e-6


@dataclass(frozen=True)
class Actor:
    """Who makes a change, with their role (viewer, editor or admin)."""

    username: str
    role: str = "editor"


def status_label(case: Case) -> Localizable:
    return term("status", case.status)


def require_editor(actor: Actor) -> None:
    """PermissionDenied unless ``actor`` may change the ledger (editor or administrator)."""
    if not role_allows(actor.role, "editor"):
        raise PermissionDenied(_("查看权限的用户不能修改台账。"))


def typed_fields(fields: Mapping[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = sorted(set(fields) - set(allowed))
    if unknown:
        raise InvalidInput(
            _(
                "不能在此修改字段:{fields}。",
                fields=listing(field_label(name) for name in unknown),
            )
        )
    values = column_values(Case, fields)
    for name, value in values.items():
        label = field_label(name)
        if isinstance(value, float) and not math.isfinite(value):
            raise InvalidInput(
                _("{field}应为有限的数字,收到 {value}。", field=label, value=value),
                problems=[{"field": name, **in_both("problem", _("无效数字"))}],
            )
        if value is None and not Case.__table__.columns[name].nullable:
            raise InvalidInput(
                _("{field}不能为空。", field=label),
                problems=[{"field": name, **in_both("problem", _("不能为空"))}],
            )
    for name, choices in VOCABULARIES.items():
        value = values.get(name)
        if value is not None and value not in choices:
            vocabulary = schema.CASE[name].vocabulary or name
            raise InvalidInput(
                _(
                    "{field}“{value}”不在可选值内:{choices}。",
                    field=field_label(name),
                    value=value,
                    choices=listing(term(vocabulary, code) for code in choices),
                )
            )
    return values


def check_invariants(
    state: Mapping[str, Any], parcel_area_m2: float, area_unit: AreaUnit = "m2"
) -> None:
    """The areas fit: none negative, idle within the parcel, revitalized within idle.
    Land areas are named in ``area_unit`` (the unit the clerk typed), floor areas in m²."""
    idle = state.get("idle_area_m2") or 0.0
    revitalized = state.get("revitalized_area_m2") or 0.0
    idle_building = state.get("idle_building_area_m2") or 0.0
    revitalized_building = state.get("revitalized_building_area_m2") or 0.0
    if min(idle, revitalized, idle_building, revitalized_building) < 0:
        raise InvalidInput(_("面积不能为负数。"))
    if idle > parcel_area_m2 + AREA_TOLERANCE_M2:
        raise InvalidInput(
            _(
                "闲置面积 {idle} 超过宗地面积 {parcel}。",
                idle=Area(idle, area_unit),
                parcel=Area(parcel_area_m2, area_unit),
            )
        )
    if revitalized > idle + AREA_TOLERANCE_M2:
        raise InvalidInput(
            _(
                "盘活面积 {revitalized} 超过闲置面积 {idle}。",
                revitalized=Area(revitalized, area_unit),
                idle=Area(idle, area_unit),
            )
        )
    if revitalized_building > idle_building + AREA_TOLERANCE_M2:
        raise InvalidInput(
            _(
                "盘活厂房面积 {revitalized} 超过闲置厂房面积 {idle}。",
                revitalized=Area(revitalized_building),
                idle=Area(idle_building),
            )
        )


def check_date(session: Session, case: Case | None, occurred_on: dt.date) -> None:
    if occurred_on > wallclock.today():
        raise InvalidInput(_("日期 {day} 晚于今天,不能预先登记。", day=occurred_on))
    if case is None or case.id is None:
        return
    last = session.scalar(
        select(func.max(CaseEvent.occurred_on)).where(CaseEvent.case_id == case.id)
    )
    if last is not None and occurred_on < last:
        raise InvalidInput(
            _(
                "日期 {day} 早于该条目上一条处置记录({last}),处置记录须按时间顺序登记。",
                day=occurred_on,
                last=last,
            )
        )


def refuse_read_only(case: Case) -> None:
    raise ReadOnly(
        _("台账条目 {case_no} 已销号,只读;如需修改请由管理员重新打开。", case_no=case.case_no)
    )
