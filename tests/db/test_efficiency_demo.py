"""The demo county's enterprises' figures of 2022 and 2023, evaluated on each backend:
the ledger's land scores low, the rest mostly A or B."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import delete, func, select

from landgis.db.models import Case, EnterpriseFigures, Parcel
from landgis.db.session import transaction
from landgis.demo import load_demo, load_figures
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.figures import figure_years
from landgis.efficiency.rules import EfficiencyRules
from landgis.settings import DEMO_DATA


def _ledger_holders(session, category: str) -> set[str]:
    stmt = select(Parcel.holder).join(Case, Case.parcel_id == Parcel.id)
    return set(session.scalars(stmt.where(Case.category == category)))


def test_the_demo_has_two_years_of_figures(session):
    years = figure_years(session)

    assert list(years) == [2022, 2023]
    assert years[2022] == years[2023] >= 60


def test_every_low_efficiency_case_scores_c_or_d_and_idle_land_pays_no_tax(session):
    evaluation = evaluate(session, EfficiencyRules(), 2023)
    items = evaluation.items.set_index("name")
    low, idle = _ledger_holders(session, "low_efficiency"), _ledger_holders(session, "idle")

    assert len(low) == 6 and len(idle) == 7
    assert low | idle <= set(items.index)  # every holder of ledger land is evaluated
    assert set(items.loc[sorted(low), "class"]) <= {"C", "D"}
    assert (items.loc[sorted(idle), "tax_yuan"] == 0).all()
    assert set(items.loc[sorted(idle), "class"]) == {"D"}
    others = items.drop(index=sorted(low | idle))
    assert (others["class"].isin(["A", "B"])).mean() > 0.6  # most of the others
    assert evaluation.class_counts()["A"] > 0 and evaluation.unmatched.empty


def test_the_tax_per_mu_is_that_of_the_parcel(session):
    """2023's tax per 亩 of each enterprise is its parcel's 亩均税收 (yuan → 万元)."""
    items = evaluate(session, EfficiencyRules(), 2023).items
    parcels = dict(session.execute(select(Parcel.parcel_code, Parcel.tax_per_mu)).all())

    expected = [parcels[codes[0]] / 10_000 for codes in items["parcel_codes"]]
    assert items["parcel_codes"].map(len).eq(1).all()
    assert list(items["tax_per_mu"]) == pytest.approx(expected, abs=0.001)
    assert set(items["matched_by"]) == {"code", "name"}  # two report no credit code


def test_2022_is_the_previous_year(session):
    items = evaluate(session, EfficiencyRules(), 2023).items

    assert items["previous_class"].notna().all()
    assert set(items["trend"]) <= {"up", "down", "same"} and "up" in set(items["trend"])
    low = items[items["name"].isin(_ledger_holders(session, "low_efficiency"))]
    assert (low["previous_score"] >= low["score"]).all()  # they did a little better


def test_both_backends_evaluate_alike(demo_engines):
    results = {}
    for backend in ("spatialite", "postgis"):
        with transaction(demo_engines[backend], write=False) as session:
            results[backend] = evaluate(session, EfficiencyRules(), 2023)
    spatialite, postgis = results["spatialite"], results["postgis"]

    assert spatialite.benchmarks == pytest.approx(postgis.benchmarks, rel=1e-12)
    columns = ["name", "credit_code", "parcel_codes", "score", "class", "previous_class"]
    pd.testing.assert_frame_equal(spatialite.items[columns], postgis.items[columns])


def test_loading_again_adds_no_figures_but_fills_a_database_without_them(session):
    count = select(func.count(EnterpriseFigures.id))
    stored = session.scalar(count)

    assert not load_demo(session, DEMO_DATA).figures
    assert session.scalar(count) == stored
    session.execute(delete(EnterpriseFigures))
    report = load_demo(session, DEMO_DATA)
    assert not report.loaded and report.figures == stored
    assert load_figures(session, DEMO_DATA) == 0
