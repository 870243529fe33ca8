"""The evaluation's stored results (the ``efficiency`` collection) are written again only
for the years out of date: a case edit leaves them as they are (the ledger's cases do not
enter the evaluation), a parcel edit makes every year out of date, and an import of one
year's figures that year and the next (whose trend compares with it)."""

from __future__ import annotations

from pathlib import Path

import openpyxl
from sqlalchemy import func, select

from landgis.cases import Actor
from landgis.commands import EditCase
from landgis.db.models import Case, EfficiencyResult, Parcel
from landgis.db.versioning import data_version, land_version
from landgis.efficiency.imports import FiguresOptions, import_figures
from landgis.efficiency.results import refresh_results, stale_years
from landgis.efficiency.rules import EfficiencyRules
from landgis.ledger_service import LedgerService
from landgis.settings import Settings

RULES = EfficiencyRules()
# A demo county holder (土地使用权人) and its credit code.
HONGYUAN = ("四川宏远新能源科技有限公司", "9151990174094332X6")


def _fresh(session) -> dict[int, int]:
    """Rewrite every year; the rows stored per year."""
    refresh_results(session, RULES)
    assert stale_years(session, RULES) == (set(), set())
    rows = session.execute(
        select(EfficiencyResult.year, func.count()).group_by(EfficiencyResult.year)
    ).all()
    return {int(year): int(count) for year, count in rows}


def test_a_case_edit_leaves_the_results_current(session):
    stored = _fresh(session)
    assert set(stored) == {2022, 2023} and all(stored.values())
    land, data = land_version(session), data_version(session)
    case = session.scalars(select(Case).order_by(Case.case_no)).first()
    service = LedgerService(session, Settings(), Actor("liting", "editor"))
    service.handle(EditCase(case_no=case.case_no, fields={"remarks": "已约谈企业负责人"}))
    session.flush()
    assert data_version(session) > data and land_version(session) == land
    assert stale_years(session, RULES) == (set(), set())


def test_a_parcel_edit_makes_every_year_out_of_date(session):
    _fresh(session)
    parcel = session.scalars(select(Parcel).order_by(Parcel.parcel_code)).first()
    parcel.location = f"{parcel.location or ''}(复核)"
    session.flush()
    assert stale_years(session, RULES) == ({2022, 2023}, set())


def test_an_import_of_one_year_rewrites_that_year_and_the_next(session, tmp_path: Path):
    stored = _fresh(session)
    import_figures(session, _workbook(tmp_path / "2023.xlsx"), FiguresOptions(year=2023))
    assert stale_years(session, RULES) == ({2023}, set())
    refresh_results(session, RULES, {2023})
    after = _fresh(session)
    assert after[2022] == stored[2022] and after[2023] == 1

    import_figures(session, _workbook(tmp_path / "2022.xlsx"), FiguresOptions(year=2022))
    assert stale_years(session, RULES) == ({2022, 2023}, set())


def _workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["序号", "企业名称", "统一社会信用代码", "税收(万元)", "营业收入（万元）"])
    sheet.append([1, *HONGYUAN, 120, 3000])
    book.save(path)
    return path
