"""The 招商项目台账 (``projects.xlsx``): one row per project — investor, industry,
investment in 万元, land need in 亩 and ㎡, floor space need in ㎡, preferred zones, its
stage and the day each stage was reached, staff, and the ledger cases and leases it was
matched to with their best score — a 合计 row, and the ledger workbook's print set-up."""

from __future__ import annotations

import datetime as dt
from typing import Any, BinaryIO

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis import vocab
from landgis.db.models import Case, Lease, ProjectMatch
from landgis.io.exports.entry import safe_place
from landgis.io.exports.ledger_workbook.styles import CellFormats
from landgis.io.exports.table_sheet import MEDIA_TYPE, Column, write_table_sheet
from landgis.projects.records import list_projects, project_values

__all__ = ["MEDIA_TYPE", "project_records", "projects_filenames", "write_projects_workbook"]

SHEET = "招商项目"
COLUMNS: tuple[Column, ...] = (
    Column("project_no", "项目编号"),
    Column("name", "项目名称"),
    Column("investor", "投资方"),
    Column("investor_credit_code", "统一社会信用代码"),
    Column("industry", "产业类别"),
    Column("investment_wan_yuan", "计划投资(万元)", "mu", True),
    Column("land_need_mu", "用地需求(亩)", "mu", True),
    Column("land_need_m2", "用地需求(㎡)", "m2", True),
    Column("floor_need_m2", "厂房需求(㎡)", "m2", True),
    Column("zones_text", "意向片区"),
    Column("stage_name", "阶段"),
    Column("negotiating_on", "洽谈日期", "date"),
    Column("signed_on", "签约日期", "date"),
    Column("landed_on", "落地日期", "date"),
    Column("producing_on", "投产日期", "date"),
    Column("staff", "招商负责人"),
    Column("case_nos", "匹配台账编号"),
    Column("lease_nos", "匹配租赁编号"),
    Column("best_score", "匹配得分", "mu"),
    Column("remarks", "备注"),
)


def projects_filenames(county: str, day: dt.date) -> tuple[str, str]:
    """``招商项目台账_青溪县_2024-06-20.xlsx`` and ``projects_2024-06-20.xlsx``."""
    return (
        f"招商项目台账_{safe_place(county)}_{day.isoformat()}.xlsx",
        f"projects_{day.isoformat()}.xlsx",
    )


def project_records(session: Session) -> list[dict[str, Any]]:
    """Every project, by number, with its stage's name and its matches."""
    matched = session.execute(
        select(ProjectMatch.project_id, Case.case_no, Lease.lease_no, ProjectMatch.score)
        .outerjoin(Case, Case.id == ProjectMatch.case_id)
        .outerjoin(Lease, Lease.id == ProjectMatch.lease_id)
        .order_by(ProjectMatch.id)
    ).all()
    found = []
    for project in list_projects(session):
        mine = [m for m in matched if m.project_id == project.id]
        values = project_values(project)
        found.append(
            values
            | {
                "zones_text": "、".join(values["preferred_zones"]),
                "stage_name": vocab.PROJECT_STAGES.get(project.stage, project.stage),
                "case_nos": "、".join(m.case_no for m in mine if m.case_no) or None,
                "lease_nos": "、".join(m.lease_no for m in mine if m.lease_no) or None,
                "best_score": max((m.score for m in mine), default=None),
            }
        )
    return found


def write_projects_workbook(
    records: list[dict[str, Any]],
    out: BinaryIO | str,
    *,
    county: str,
    day: dt.date,
    paper: str = "A3",
) -> None:
    """The workbook of the projects ``records`` (:func:`project_records`)."""
    book = xlsxwriter.Workbook(out, {"strings_to_numbers": False})
    try:
        title = f"{county}招商项目台账"
        book.set_properties({"title": title, "subject": "招商项目", "company": county})
        stages = "、".join(
            f"{name} {sum(r['stage'] == code for r in records)} 个"
            for code, name in vocab.PROJECT_STAGES.items()
        )
        write_table_sheet(
            book,
            CellFormats(book),
            name=SHEET,
            title=title,
            note=f"数据日期:{day.isoformat()};项目 {len(records)} 个:{stages}。",
            columns=COLUMNS,
            records=records,
            counted="个",
            paper=paper,
            frozen_columns=2,
        )
    finally:
        book.close()
