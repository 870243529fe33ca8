"""The public idle-land list read from the demo ledger, on both backends: which cases it
shows (from 已认定 on, as the settings say), which columns (exactly the setting's), the
date of the finding (from the case's events) and the areas by the totals' rule."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pytest
from pydantic import ValidationError
from sqlalchemy import select

from landgis import wallclock
from landgis.cases import Actor, change_status, get_case
from landgis.db.models import Case, CaseEvent, Parcel
from landgis.disclosure import (
    COLUMNS,
    DEFAULT_COLUMNS,
    PUBLISHABLE_STATUSES,
    DisclosureList,
    columns_of,
    disclosure_for,
    disclosure_list,
    published_statuses,
)
from landgis.errors import InvalidInput
from landgis.io.exports.disclosure_workbook import write_disclosure_file
from landgis.ledger_rules.totals import area_total, round_total
from landgis.settings import Settings
from landgis.units import m2_to_mu
from landgis.workflow import Workflow

EDITOR = Actor("editor1", "editor")
SUSPECTED = "QX-XZ-2023-011"
INVESTIGATING = "QX-XZ-2023-010"
TO_DISMISS = "QX-XZ-2023-012"  # identified in the demo: found idle, then dismissed here
REFOUND = "QX-XZ-2023-009"  # identified: sent back to investigation and found idle again


def _settings(**values) -> Settings:
    return Settings(database_url="sqlite://", **values)


def _move(session, case_no: str, target: str, note: str | None = None) -> None:
    case = get_case(session, case_no)
    change_status(
        session,
        case_no,
        target,
        version=case.version,
        actor=EDITOR,
        occurred_on=wallclock.today(),
        note=note,
        workflow=Workflow(),
    )


def _codes(session, case_nos) -> set[str]:
    stmt = select(Parcel.parcel_code).join(Case).where(Case.case_no.in_(case_nos))
    return set(session.scalars(stmt))


def test_the_list_shows_the_cases_from_identified_on_and_never_the_dismissed_or_suspected(
    session,
):
    _move(session, TO_DISMISS, "dismissed", note="复核后不构成闲置土地")
    listed = disclosure_for(session, _settings())
    assert listed.columns == tuple(COLUMNS[k] for k in DEFAULT_COLUMNS)
    shown = {row["parcel_code"] for row in listed.rows}
    published = session.scalars(
        select(Case.case_no).where(Case.status.in_(PUBLISHABLE_STATUSES))
    ).all()
    assert shown == _codes(session, published)
    assert len(shown) == listed.count == 10
    assert not shown & _codes(session, [SUSPECTED, INVESTIGATING, TO_DISMISS])
    assert {row["progress"] for row in listed.rows} == {
        "identified",
        "planned",
        "disposing",
        "revitalized",
        "closed",
    }
    assert listed.as_of == wallclock.today()


def test_the_published_statuses_are_a_setting(session):
    only_identified = disclosure_for(session, _settings(disclosure_statuses=["identified"]))
    assert only_identified.count == 2
    assert {row["progress"] for row in only_identified.rows} == {"identified"}
    for wrong in (["suspected"], ["investigating", "identified"], ["dismissed"], []):
        with pytest.raises(ValidationError):
            _settings(disclosure_statuses=wrong)
        with pytest.raises(InvalidInput) as refused:
            published_statuses(wrong)
        assert "已认定" in refused.value.text.render("zh")


def test_the_columns_are_exactly_the_settings(session):
    keys = ["parcel_code", "case_no", "area_mu"]
    listed = disclosure_for(session, _settings(disclosure_columns=keys))
    assert [c.key for c in listed.columns] == keys
    assert all(list(row) == keys for row in listed.rows)
    assert listed.headers() == ["宗地编号", "台账编号", "面积(亩)"]
    assert listed.headers("en") == ["Parcel code", "Case number", "Area (mu)"]
    assert all(len(cells) == 3 for cells in listed.cells())
    for private in (["credit_code"], ["remarks"], ["contact_phone"], []):
        with pytest.raises(ValidationError):
            _settings(disclosure_columns=private)


def test_the_date_of_the_finding_is_the_date_of_the_event_that_found_the_land_idle(session):
    _move(session, REFOUND, "investigating", note="认定依据需补充调查")
    _move(session, REFOUND, "identified")
    listed = disclosure_list(
        session, county="青溪县", columns=["case_no", "identified_on", "progress"]
    )
    dates = {row["case_no"]: row["identified_on"] for row in listed.rows}
    assert len(dates) == 11
    for case_no, day in dates.items():
        events = session.scalars(
            select(CaseEvent.occurred_on)
            .join(Case)
            .where(
                Case.case_no == case_no,
                CaseEvent.status_before == "investigating",
                CaseEvent.status_after == "identified",
            )
        ).all()
        assert day == max(events), case_no
    refound = get_case(session, REFOUND)
    assert dates[REFOUND] == wallclock.today() != refound.identified_on == dt.date(2023, 4, 12)
    # Ordered by the date of the finding.
    assert list(dates.values()) == sorted(dates.values())


def test_areas_are_shown_by_the_totals_rule(session):
    listed = disclosure_list(session, county="青溪县", columns=["parcel_code", "area_mu"])
    stored = dict(
        session.execute(
            select(Parcel.parcel_code, Case.idle_area_m2)
            .join(Case)
            .where(Case.status.in_(PUBLISHABLE_STATUSES))
        ).all()
    )
    assert listed.total_m2 == pytest.approx(sum(stored.values()), abs=1e-9)
    assert listed.total_mu == area_total(sum(stored.values()), "mu")
    for (code, area), row in zip(listed.cells(), listed.rows, strict=True):
        assert area == round_total(m2_to_mu(stored[code])) == area_total(row["area_mu"], "mu")
    assert listed.total_line() == f"共 11 宗,面积 {listed.total_mu:.2f} 亩"
    assert listed.total_line("en") == f"11 parcels, {listed.total_mu:.2f} mu in all"
    assert listed.title("en") == "Idle land in 青溪县: public list"


def test_a_case_without_the_event_of_its_finding_shows_its_determination_date(session):
    """A case stored without its history (no event found the land idle)."""
    parcel = session.scalars(
        select(Parcel).where(Parcel.id.not_in(select(Case.parcel_id))).order_by(Parcel.id)
    ).first()
    session.add(
        Case(
            case_no="QX-XZ-2022-001",
            parcel_id=parcel.id,
            category="idle",
            cause="enterprise",
            idle_area_m2=1000.0,
            identified_on=dt.date(2022, 11, 30),
            determination_no="青认〔2022〕1号",
            status="identified",
        )
    )
    session.flush()
    listed = disclosure_list(session, county="青溪县", columns=["case_no", "identified_on"])
    assert listed.rows[0] == {"case_no": "QX-XZ-2022-001", "identified_on": dt.date(2022, 11, 30)}
    assert listed.count == 12


def test_an_empty_list_still_has_its_title_header_and_total(tmp_path):
    empty = DisclosureList(
        county="青溪县",
        as_of=dt.date(2026, 3, 1),
        columns=columns_of(DEFAULT_COLUMNS),
        rows=(),
        total_m2=0.0,
    )
    assert empty.total_line() == "共 0 宗,面积 0.00 亩"
    path = write_disclosure_file(empty, tmp_path / "empty.xlsx")
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert rows[0][0] == "青溪县闲置土地信息公开"
    assert rows[1][0] == "截至 2026年3月1日 · 共 0 宗,面积 0.00 亩"
    assert list(rows[2]) == empty.headers()
    assert rows[3][:3] == ("合计:0 宗", None, 0)
    assert len(rows) == 4
