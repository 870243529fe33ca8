"""Row 7 of the benchmark suite (the per-mu evaluation) at a tiny size: the figures it
generates, and its child's steps run on a demo county of its own in PostGIS (the suite's
database), with the lines it prints. Nothing is timed here."""

from __future__ import annotations

import pandas as pd
import pytest

from bench.suite import child_efficiency
from bench.suite.efficiency_data import make_figures
from bench.suite.rows.efficiency import ROW, lines_of
from landgis.db.session import read_session
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.figures import figure_years
from landgis.efficiency.rules import EfficiencyRules


def _holders(n: int) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "holder": [f"企业{i // 2:05d}有限公司" for i in range(n)],
            "credit_code": [f"91510000{i // 2:09d}X" for i in range(n)],
            "area_m2": [10_000.0 + i for i in range(n)],
        }
    )


def test_the_figures_are_deterministic_with_name_matches_and_enterprises_without_land():
    figures = make_figures(_holders(4000), (2023, 2024))

    again = make_figures(_holders(4000), (2023, 2024))
    pd.testing.assert_frame_equal(figures, again)
    assert sorted(figures["year"].unique()) == [2023, 2024]
    this_year = figures[figures["year"] == 2024]
    assert this_year["name"].is_unique
    # About 60 % of the 2000 enterprises report, a tenth of the rows without a code.
    assert 1000 < len(this_year) < 1400
    assert 0.05 < this_year["credit_code"].isna().mean() < 0.15
    assert this_year["name"].str.startswith("无地企业").sum() >= 1
    assert (this_year["tax_yuan"] > 0).all() and this_year["employees"].min() >= 1


@pytest.fixture(scope="module")
def province(database_factories):
    """A demo county of its own in PostGIS, prepared as the row prepares the province."""
    site = database_factories["postgis"].demo()
    url = site.url
    prepared = child_efficiency.prepare(url)
    return site.engine, url, prepared


def test_the_row_loads_figures_and_times_the_evaluation_beside_the_sql(province):
    engine, url, prepared = province

    with read_session(engine) as session:
        years = figure_years(session)
        evaluation = evaluate(session, EfficiencyRules(), child_efficiency.YEAR)
    assert list(years) == list(child_efficiency.YEARS)
    assert sum(years.values()) == prepared["figure_rows"]
    assert evaluation.previous_year == child_efficiency.YEARS[0]
    assert set(evaluation.class_counts()) == {"A", "B", "C", "D"}

    found = {
        "sql": (child_efficiency.time_sql(url, 2, 30), 1000),
        "landgis": (child_efficiency.time_landgis(url, 2, 30), 2000),
        "results": (child_efficiency.time_results(url, 1, 30), 3000),
    }
    # The plain aggregate finds the same enterprises the evaluation scores.
    assert found["sql"][0]["enterprises"] == found["landgis"][0]["enterprises"]
    assert found["landgis"][0]["enterprises"] == len(evaluation.items)
    assert found["results"][0]["rows"] > 0
    lines = lines_of("tiny", found)
    assert [line.tool for line in lines] == [
        "evaluate() (library)",
        "per-mu GROUP BY (psycopg)",
        "efficiency collection rewrite",
    ]
    assert {line.row for line in lines} == {ROW}
    assert lines[0].ratios.startswith("time ") and lines[0].ratios.endswith("× GROUP BY")
    assert "enterprises on" in lines[0].note and "rolled back" in lines[2].note
