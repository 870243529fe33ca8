"""A project's record and its stage.

A project is entered at 洽谈 (negotiating) with the day talks began, and moves forward one
stage at a time — 签约, 落地, 投产 — each with the day it was reached (never before the
previous stage's day, never after today). Skipping a stage or stepping back is refused;
an administrator may step back with a reason, which is kept in the remarks, and the days
of the stages undone are cleared.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis import credit_code, vocab, wallclock
from landgis.cases import Actor, require_editor
from landgis.db.models import Project, User, Zone
from landgis.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from landgis.i18n import Text, _, listing, term
from landgis.units import m2_to_mu, mu_to_m2

PROJECT_NO_PREFIX = "ZS"
STAGES: tuple[str, ...] = tuple(vocab.PROJECT_STAGES)
# The column holding the day each stage was reached.
STAGE_DATE: dict[str, str] = {stage: f"{stage}_on" for stage in STAGES}
# What a project's fields may be set to on entry and on edit (land need in 亩 or m²).
TEXT_FIELDS = ("name", "investor", "investor_credit_code", "industry", "staff", "remarks")
NUMBER_FIELDS = ("investment_wan_yuan", "land_need_mu", "land_need_m2", "floor_need_m2")
FIELDS: tuple[str, ...] = (*TEXT_FIELDS, *NUMBER_FIELDS, "preferred_zones")
# The longest text each field keeps (remarks: any length).
TEXT_LENGTHS = {
    "name": 256,
    "investor": 256,
    "investor_credit_code": 18,
    "industry": 64,
    "staff": 64,
}
# No need or investment is this large: a number typed wrong.
LARGEST = 1e12
# What the refusals call each field.
LABELS: dict[str, Text] = {
    "name": _("项目名称"),
    "investor": _("投资方"),
    "investor_credit_code": _("统一社会信用代码"),
    "industry": _("产业"),
    "staff": _("跟进人"),
    "remarks": _("备注"),
    "investment_wan_yuan": _("计划投资(万元)"),
    "land_need_mu": _("用地需求(亩)"),
    "land_need_m2": _("用地需求(㎡)"),
    "floor_need_m2": _("厂房需求(㎡)"),
}


def next_project_no(session: Session, year: int) -> str:
    """The next free project number ``ZS-YEAR-NNN``."""
    stem = f"{PROJECT_NO_PREFIX}-{year}-"
    taken = session.scalars(select(Project.project_no).where(Project.project_no.like(f"{stem}%")))
    numbers = [int(n[len(stem) :]) for n in taken if n[len(stem) :].isdigit()]
    return f"{stem}{max(numbers, default=0) + 1:03d}"


def get_project(session: Session, project_no: str, *, for_update: bool = False) -> Project:
    """The project ``project_no``; NotFound otherwise."""
    stmt = select(Project).where(Project.project_no == project_no.strip())
    if for_update:
        stmt = stmt.with_for_update().execution_options(populate_existing=True)
    project = session.scalars(stmt).one_or_none()
    if project is None:
        raise NotFound(_("招商项目 {project_no} 不存在。", project_no=project_no))
    return project


def list_projects(session: Session, stage: str | None = None) -> list[Project]:
    """The projects (of ``stage``), by number."""
    if stage is not None and stage not in vocab.PROJECT_STAGES:
        raise InvalidInput(_("项目阶段“{stage}”无效,可选:{known}。", stage=stage, known=_stages()))
    stmt = select(Project).order_by(Project.project_no)
    if stage is not None:
        stmt = stmt.where(Project.stage == stage)
    return list(session.scalars(stmt))


def _stages() -> object:
    names = (_("{code}({name})", code=c, name=term("project_stage", c)) for c in STAGES)
    return listing(names)


def _number(name: str, value: Any) -> float | None:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    label = LABELS[name]
    try:
        number = float(str(value).replace(",", "") if isinstance(value, str) else value)
    except (TypeError, ValueError):
        raise InvalidInput(_("{name} 应为数字,收到 “{value}”。", name=label, value=value)) from None
    if not math.isfinite(number) or abs(number) > LARGEST:
        raise InvalidInput(_("{name} 应为数字,收到 “{value}”。", name=label, value=value))
    if name == "investment_wan_yuan" and number < 0:
        raise InvalidInput(_("计划投资不能为负数。"))
    if name != "investment_wan_yuan" and number <= 0:
        raise InvalidInput(_("{name} 须大于 0。", name=label))
    return number


def _zones(session: Session, value: Any) -> list[str] | None:
    if value is None or value == "" or value == []:
        return None
    names = list(value) if isinstance(value, list | tuple) else [value]
    names = [str(n).strip() for n in names if str(n).strip()]
    known = list(session.scalars(select(Zone.name).order_by(Zone.id)))
    unknown = [n for n in names if n not in known]
    if unknown:
        raise InvalidInput(
            _(
                "意向片区 {zones} 不存在,可选:{known}。",
                zones=listing(unknown),
                known=listing(known),
            )
        )
    return list(dict.fromkeys(names)) or None


def _values(session: Session, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The fields as stored: checked, trimmed, the land need in m²."""
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        raise InvalidInput(
            _(
                "招商项目没有字段 {fields},可填:{known}。",
                fields=listing(unknown),
                known=listing(FIELDS),
            )
        )
    if fields.get("land_need_mu") not in (None, "") and fields.get("land_need_m2") not in (
        None,
        "",
    ):
        raise InvalidInput(_("用地需求请只填一种单位:亩(land_need_mu)或平方米(land_need_m2)。"))
    values: dict[str, Any] = {}
    for name in TEXT_FIELDS:
        if name in fields:
            text = fields[name]
            values[name] = str(text).strip() or None if text is not None else None
    for name, longest in TEXT_LENGTHS.items():
        if len(values.get(name) or "") > longest:
            raise InvalidInput(_("{name} 最多 {count} 个字。", name=LABELS[name], count=longest))
    for name in NUMBER_FIELDS:
        if name in fields:
            values[name] = _number(name, fields[name])
    if "land_need_mu" in values:
        mu = values.pop("land_need_mu")
        values["land_need_m2"] = mu_to_m2(mu) if mu is not None else None
    if "preferred_zones" in fields:
        values["preferred_zones"] = _zones(session, fields["preferred_zones"])
    code = values.get("investor_credit_code")
    if code:
        code = values["investor_credit_code"] = code.upper()
        if not credit_code.is_valid(code):
            raise InvalidInput(_("统一社会信用代码 {code} 无效(校验位不符)。", code=code))
    staff = values.get("staff")
    if staff and session.scalar(select(User.id).where(User.username == staff)) is None:
        raise InvalidInput(_("跟进人 {staff} 不是本系统的用户。", staff=staff))
    for name in ("name", "investor"):
        if name in values and not values[name]:
            raise InvalidInput(_("招商项目须写明项目名称和投资方。"))
    return values


def _check_day(day: dt.date) -> None:
    if day > wallclock.today():
        raise InvalidInput(_("日期 {day} 晚于今天,不能预先登记。", day=day))


def create_project(
    session: Session,
    fields: Mapping[str, Any],
    *,
    actor: Actor,
    negotiating_on: dt.date,
    project_no: str | None = None,
) -> Project:
    """Enter a project at 洽谈, talks begun ``negotiating_on``; numbered ``ZS-YEAR-NNN``
    (the year of that day) unless ``project_no`` is given."""
    require_editor(actor)
    values = _values(session, fields)
    if not values.get("name") or not values.get("investor"):
        raise InvalidInput(_("招商项目须写明项目名称和投资方。"))
    _check_day(negotiating_on)
    number = (project_no or "").strip() or next_project_no(session, negotiating_on.year)
    if session.scalar(select(Project.id).where(Project.project_no == number)) is not None:
        raise Conflict(_("项目编号 {project_no} 已被使用。", project_no=number))
    now = wallclock.utc_now()
    project = Project(
        project_no=number,
        stage="negotiating",
        negotiating_on=negotiating_on,
        created_at=now,
        updated_at=now,
        **values,
    )
    session.add(project)
    session.flush()
    return project


def edit_project(
    session: Session, project_no: str, fields: Mapping[str, Any], *, actor: Actor
) -> Project:
    """Change a project's fields (not its stage: :func:`move_stage`)."""
    require_editor(actor)
    project = get_project(session, project_no, for_update=True)
    for name, value in _values(session, fields).items():
        setattr(project, name, value)
    project.updated_at = wallclock.utc_now()
    session.flush()
    return project


def stage_day(project: Project, stage: str) -> dt.date | None:
    """The day ``project`` reached ``stage``."""
    day: dt.date | None = getattr(project, STAGE_DATE[stage])
    return day


def move_stage(
    session: Session,
    project_no: str,
    target: str,
    *,
    actor: Actor,
    on: dt.date,
    reason: str | None = None,
) -> Project:
    """Move the project to ``target`` on ``on``: the next stage, or (administrators, with
    a reason) back to an earlier one."""
    require_editor(actor)
    if target not in vocab.PROJECT_STAGES:
        raise InvalidInput(_("项目阶段“{stage}”无效,可选:{known}。", stage=target, known=_stages()))
    project = get_project(session, project_no, for_update=True)
    here, there = STAGES.index(project.stage), STAGES.index(target)
    _check_day(on)
    if there == here:
        raise Conflict(
            _(
                "项目 {project_no} 已处于“{stage}”阶段。",
                project_no=project.project_no,
                stage=term("project_stage", target),
            )
        )
    if there < here:
        return _step_back(project, target, actor=actor, on=on, reason=reason)
    if there > here + 1:
        raise Conflict(
            _(
                "项目 {project_no} 当前为“{stage}”,下一阶段是“{next}”,不能直接进入“{target}”。",
                project_no=project.project_no,
                stage=term("project_stage", project.stage),
                next=term("project_stage", STAGES[here + 1]),
                target=term("project_stage", target),
            )
        )
    before = stage_day(project, project.stage)
    if before is not None and on < before:
        raise InvalidInput(
            _(
                "“{target}”的日期 {day} 早于“{stage}”的日期 {before}。",
                target=term("project_stage", target),
                day=on,
                stage=term("project_stage", project.stage),
                before=before,
            )
        )
    project.stage = target
    setattr(project, STAGE_DATE[target], on)
    project.updated_at = wallclock.utc_now()
    session.flush()
    return project


def _step_back(
    project: Project, target: str, *, actor: Actor, on: dt.date, reason: str | None
) -> Project:
    if actor.role != "admin":
        raise PermissionDenied(
            _(
                "项目阶段只能逐级向前;退回到“{target}”需要管理员权限并说明原因。",
                target=term("project_stage", target),
            )
        )
    if not (reason or "").strip():
        raise InvalidInput(_("退回项目阶段须说明原因。"))
    note = _(
        "{day} 由 {actor} 从“{stage}”退回“{target}”:{reason}",
        day=on,
        actor=actor.username,
        stage=term("project_stage", project.stage),
        target=term("project_stage", target),
        reason=(reason or "").strip(),
    ).render()
    for stage in STAGES[STAGES.index(target) + 1 :]:
        setattr(project, STAGE_DATE[stage], None)
    project.stage = target
    project.remarks = "\n".join(filter(None, [project.remarks, note]))
    project.updated_at = wallclock.utc_now()
    return project


def project_values(project: Project) -> dict[str, Any]:
    """The project as the doors show it (areas in m² and 亩; dates as dates)."""
    land = project.land_need_m2
    return {
        "project_no": project.project_no,
        "name": project.name,
        "investor": project.investor,
        "investor_credit_code": project.investor_credit_code,
        "industry": project.industry,
        "investment_wan_yuan": project.investment_wan_yuan,
        "land_need_m2": land,
        "land_need_mu": round(m2_to_mu(land), 2) if land is not None else None,
        "floor_need_m2": project.floor_need_m2,
        "preferred_zones": list(project.preferred_zones or []),
        "stage": project.stage,
        **{STAGE_DATE[stage]: stage_day(project, stage) for stage in STAGES},
        "staff": project.staff,
        "remarks": project.remarks,
        "created_at": project.created_at,
        "updated_at": project.updated_at,
    }
