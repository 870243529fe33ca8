"""The cases the demo county's evaluation suggests, and a clerk's decisions on them, on
each backend.

The demo's reasoning: every enterprise of class D in 2023 holds ledger land, and all its
cases are still open but QX-XZ-2023-004 (closed out: 宏达机械, parcel
519901007001GB00012), so D suggests no low-efficiency case; 宏达机械 paid no tax in 2022
nor 2023, so its parcel is suggested as possibly idle. The parcels no enterprise with
figures holds are suggested as possibly idle too.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from sqlalchemy import select

from landgis.cases import Actor, case_history
from landgis.db.models import Case, EfficiencyReview, Parcel
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.holdings import parcel_holdings
from landgis.efficiency.reviews import dismiss_suggestion, open_from_suggestion
from landgis.efficiency.rules import EfficiencyRules
from landgis.efficiency.suggestions import suggestions
from landgis.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from landgis.ledger import ledger_rows
from landgis.ledger_service import LedgerService
from landgis.settings import Settings
from landgis.stats import headline_figures
from landgis.workflow import ENDED_STATUSES

CLOSED_IDLE = "519901007001GB00012"  # QX-XZ-2023-004, closed out; its enterprise pays no tax


def _service(session, role: str = "editor", **rules) -> LedgerService:
    settings = Settings(efficiency=EfficiencyRules(**rules))
    return LedgerService(session, settings, Actor("liting", role))


def _open_parcels(session) -> set[str]:
    stmt = select(Parcel.parcel_code).join(Case, Case.parcel_id == Parcel.id)
    return set(session.scalars(stmt.where(Case.status.not_in(ENDED_STATUSES))))


def _building_by_hand(session, year: int) -> set[str]:
    """The parcels not completed whose agreed completion or grant is after ``year``."""
    year_end = dt.date(year, 12, 31)
    rows = session.execute(
        select(
            Parcel.parcel_code,
            Parcel.agreed_completion_date,
            Parcel.actual_completion_date,
            Parcel.contract_date,
        )
    ).all()
    return {
        code
        for code, agreed, actual, granted in rows
        if actual is None and max(agreed or year_end, granted or year_end) > year_end
    }


def test_what_the_demo_suggests_for_2023(session):
    evaluation = evaluate(session, EfficiencyRules(), 2023)
    items = evaluation.items
    held = {code for codes in items["parcel_codes"] for code in codes}
    every = set(parcel_holdings(session)["parcel_code"])
    found = suggestions(session, EfficiencyRules(), 2023)
    by_kind = {
        kind: {s.parcel_code for s in found if s.kind == kind}
        for kind in ("low_efficiency", "no_tax", "no_figures")
    }

    d_parcels = {
        code for codes in items.loc[items["class"] == "D", "parcel_codes"] for code in codes
    }
    assert d_parcels - _open_parcels(session) == {CLOSED_IDLE}
    assert by_kind["low_efficiency"] == set()
    assert by_kind["no_tax"] == {CLOSED_IDLE}
    assert by_kind["no_figures"] == every - held - _building_by_hand(session, 2023)
    assert len(by_kind["no_figures"]) == 3
    assert not {s.parcel_code for s in found} & _open_parcels(session)
    idle = next(s for s in found if s.kind == "no_tax")
    assert (idle.category, idle.cause, idle.grade, idle.score) == (
        "idle",
        "business_failure",
        "D",
        0,
    )
    assert idle.enterprise == "青溪县宏达机械制造有限公司" == idle.holder
    assert "2022–2023 年度连续 2 年无税收" in idle.reason.render()
    assert "paid no tax in 2 years running (2022–2023)" in idle.reason.render("en")
    assert all(s.category == "idle" and s.cause is None for s in found if s.kind == "no_figures")


def test_classes_c_and_d_suggest_the_c_parcels_without_open_cases(session):
    items = evaluate(session, EfficiencyRules(), 2023).items
    c_parcels = {
        code for codes in items.loc[items["class"] == "C", "parcel_codes"] for code in codes
    }
    found = suggestions(session, EfficiencyRules(suggest_classes=["C", "D"]), 2023)
    low = [s for s in found if s.kind == "low_efficiency"]

    assert {s.parcel_code for s in low} == c_parcels - _open_parcels(session) == c_parcels
    assert [s.score for s in low] == sorted(s.score for s in low)  # lowest first
    first = low[0]
    assert (first.category, first.cause, first.grade) == ("low_efficiency", "enterprise", "C")
    assert first.reason.render() == (
        f"2023 年度亩均效益评价为 C 类(整治提升),得分 {first.score:.2f},"
        f"亩均税收 {first.tax_per_mu:.2f} 万元/亩"
    )


def test_opening_a_suggestion_records_the_figures_and_enters_the_ledger(session):
    service = _service(session, suggest_classes=["C", "D"])
    low = next(
        s
        for s in suggestions(session, service.settings.efficiency, 2023)
        if s.kind == "low_efficiency"
    )
    cases_before = headline_figures(session)["cases"]

    case = open_from_suggestion(service, 2023, low.parcel_code)

    assert (case.status, case.category, case.cause) == ("suspected", "low_efficiency", "enterprise")
    (event,) = case_history(session, case.case_no)
    assert (event.action, event.actor) == ("open", "liting")
    assert "2023 年度亩均效益评价为 C 类" in event.note
    assert f"得分 {low.score:.2f}" in event.note and f"亩均税收 {low.tax_per_mu:.2f}" in event.note
    assert event.changes["cause"] == [None, "enterprise"]
    assert event.changes["category"] == [None, "low_efficiency"]
    review = session.scalars(select(EfficiencyReview)).one()
    assert (review.year, review.decision, review.case_id, review.actor) == (
        2023,
        "opened",
        case.id,
        "liting",
    )
    assert case.case_no in set(ledger_rows(session)["case_no"])
    assert headline_figures(session)["cases"] == cases_before + 1
    assert low.parcel_code not in {
        s.parcel_code for s in suggestions(session, service.settings.efficiency, 2023)
    }
    with pytest.raises(Conflict, match=re.escape(f"已由 liting 立案({case.case_no})")):
        open_from_suggestion(service, 2023, low.parcel_code)
    with pytest.raises(Conflict):
        dismiss_suggestion(service, 2023, low.parcel_code, "重复")


def test_the_idle_suggestion_opens_an_idle_case_with_the_figures(session):
    case = open_from_suggestion(_service(session), 2023, CLOSED_IDLE)

    assert (case.category, case.cause) == ("idle", "business_failure")
    (event,) = case_history(session, case.case_no)
    assert "连续 2 年无税收" in event.note
    assert "2023 年度亩均效益评价为 D 类(淘汰退出),得分 0.00,亩均税收 0.00 万元/亩" in event.note


def test_a_dismissal_is_kept_for_its_year_only(session):
    service = _service(session)
    parcel = next(
        s for s in suggestions(session, EfficiencyRules(), 2023) if s.kind == "no_figures"
    )

    review = dismiss_suggestion(
        service, 2023, parcel.parcel_code, "  非企业用地,不参加亩均效益评价 "
    )

    assert (review.decision, review.reason, review.case_id) == (
        "dismissed",
        "非企业用地,不参加亩均效益评价",
        None,
    )
    assert parcel.parcel_code not in {
        s.parcel_code for s in suggestions(session, EfficiencyRules(), 2023)
    }
    assert parcel.parcel_code in {
        s.parcel_code for s in suggestions(session, EfficiencyRules(), 2022)
    }
    with pytest.raises(Conflict, match=re.escape("不予立案(理由:非企业用地,不参加亩均效益评价)")):
        dismiss_suggestion(service, 2023, parcel.parcel_code, "again")
    with pytest.raises(Conflict):
        open_from_suggestion(service, 2023, parcel.parcel_code)
    assert (
        session.scalar(select(Case.id).join(Parcel).where(Parcel.parcel_code == parcel.parcel_code))
        is None
    )


def test_refusals(session):
    service = _service(session)
    with pytest.raises(InvalidInput, match="不予立案需要填写理由"):
        dismiss_suggestion(service, 2023, CLOSED_IDLE, "   ")
    with pytest.raises(PermissionDenied):
        dismiss_suggestion(_service(session, "viewer"), 2023, CLOSED_IDLE, "理由")
    with pytest.raises(PermissionDenied):
        open_from_suggestion(_service(session, "viewer"), 2023, CLOSED_IDLE)
    with pytest.raises(NotFound, match="不在 2023 年度的建议立案清单中"):
        open_from_suggestion(service, 2023, "519901004002GB00068")  # its case is open
    with pytest.raises(NotFound, match="没有编号为 NOPE 的宗地"):
        open_from_suggestion(service, 2023, "NOPE")
    with pytest.raises(NotFound, match="2019 年度没有企业亩均数据"):
        suggestions(session, EfficiencyRules(), 2019)
    assert session.scalars(select(EfficiencyReview)).all() == []


def test_parcels_in_their_construction_period_are_suggested_only_when_the_county_says(session):
    building = _building_by_hand(session, 2023)
    spared = {s.parcel_code for s in suggestions(session, EfficiencyRules(), 2023)}
    counted = {
        s.parcel_code: s.kind
        for s in suggestions(session, EfficiencyRules(spare_construction_period=False), 2023)
    }

    assert building and not spared & building
    assert set(counted) - spared
    assert set(counted) - spared <= building
    assert all(counted[code] == "no_figures" for code in set(counted) - spared)
    assert spared <= set(counted)
