"""The per-mu evaluation (亩均效益评价) on both databases, against figures worked out by
hand: three enterprises put on demo parcels for the years 2030 and 2031.

甲 holds two parcels (30 亩 + 15 亩 = 45 亩, 1 亩 = 2000/3 m²), 乙 one of 30 亩 and
reports no energy and no credit code (its parcel's holder is written with full-width
brackets), 丙 one of 15 亩 and pays no tax. Figures of 2031 (万元 unless said):

====  =====  =======  ====  ======  ========  =====  ===
who   tax    revenue  VA    energy  emission  staff  R&D
====  =====  =======  ====  ======  ========  =====  ===
甲    900    9000     2250  1500 t  5 t       75     180
乙    300    6000     1200  -       4 t       60     30
丙    0      300      60    300 t   2 t       20     0
====  =====  =======  ====  ======  ========  =====  ===
"""

from __future__ import annotations

import datetime as dt
import unicodedata

import pandas as pd
import pytest
from pydantic import ValidationError
from sqlalchemy import select, update

from landgis.credit_code import check_character
from landgis.db.models import EnterpriseFigures, Parcel
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.holdings import parcel_holdings
from landgis.efficiency.land import KeyedHoldings, holding_links
from landgis.efficiency.rules import EfficiencyRules
from landgis.errors import InvalidInput, NotFound
from landgis.settings import Settings
from landgis.units import mu_to_m2

YEAR, BEFORE = 2031, 2030
WAN = 10_000.0  # yuan in a 万元


def _code(body: str) -> str:
    first17 = f"91519901{body}"
    return first17 + check_character(first17)


JIA, YI, BING = "测试甲机械制造有限公司", "测试乙(青溪)食品有限公司", "测试丙纺织有限公司"
JIA_CODE, BING_CODE = _code("MA0000011"), _code("MA0000033")
# 2031's figures, as in the table above
FIGURES_2031 = {
    JIA: (JIA_CODE, 900, 9000, 2250, 1500, 5, 75, 180),
    YI: (None, 300, 6000, 1200, None, 4, 60, 30),
    BING: (BING_CODE, 0, 300, 60, 300, 2, 20, 0),
}
# 2030: 甲 paid half the tax and reported no energy; 丙 had nothing but five staff
FIGURES_2030 = {
    JIA: (JIA_CODE, 450, 9000, 2250, None, 5, 75, 180),
    BING: (BING_CODE, 0, 0, 0, 0, 0, 5, 0),
}


def _figures(year: int, name: str, row: tuple) -> EnterpriseFigures:
    code, tax, revenue, value_added, energy, emissions, staff, rd = row
    return EnterpriseFigures(
        year=year,
        credit_code=code,
        name=name,
        tax_yuan=tax * WAN,
        revenue_yuan=revenue * WAN,
        output_yuan=revenue * WAN,
        value_added_yuan=value_added * WAN,
        energy_tce=energy,
        emissions_t=emissions,
        employees=staff,
        rd_yuan=rd * WAN,
        imported_at=dt.datetime(2032, 3, 1, tzinfo=dt.UTC),
    )


@pytest.fixture
def county(session):
    """The demo session with 甲, 乙 and 丙 on four demo parcels and their figures; the
    parcel codes (甲's two, 乙's, 丙's)."""
    codes = session.scalars(select(Parcel.parcel_code).order_by(Parcel.parcel_code)).all()[:4]
    holders = [
        (JIA, JIA_CODE, 30),
        (JIA, JIA_CODE, 15),
        ("测试乙（青溪） 食品有限公司", None, 30),  # as a clerk typed it
        (BING, BING_CODE, 15),
    ]
    for code, (holder, credit_code, mu) in zip(codes, holders, strict=True):
        session.execute(
            update(Parcel)
            .where(Parcel.parcel_code == code)
            .values(holder=holder, credit_code=credit_code, area_m2=float(mu_to_m2(mu)))
        )
    for year, rows in ((YEAR, FIGURES_2031), (BEFORE, FIGURES_2030)):
        session.add_all(_figures(year, name, row) for name, row in rows.items())
    session.flush()
    return codes


# The county's benchmarks of 2031, each the sum of numerators over the sum of
# denominators of the enterprises that have the indicator:
TAX_BENCHMARK = (900 + 300 + 0) / (45 + 30 + 15)  # 13.33 万元/亩
REVENUE_BENCHMARK = (9000 + 6000 + 300) / 90  # 170 万元/亩
VA_BENCHMARK = (2250 + 1200 + 60) / 90  # 39 万元/亩
ENERGY_BENCHMARK = (2250 + 60) / (1500 + 300)  # 乙 reports no energy: 1.283 万元/吨标准煤
EMISSION_BENCHMARK = (2250 + 1200 + 60) / (5 + 4 + 2)  # 319.1 万元/吨
LABOUR_BENCHMARK = (2250 + 1200 + 60) / (75 + 60 + 20)  # 22.65 万元/人
RD_BENCHMARK = (180 + 30 + 0) / (9000 + 6000 + 300) * 100  # 1.373 %

# 甲: 900/45 = 20 万元/亩, 1.5 × the benchmark (the cap); 50 万元/亩 of value added;
# 2250/1500 = 1.5 万元/t; 450 万元/t; 30 万元/人; 2 %
JIA_SCORES = {
    "tax_per_mu": 40 * min((900 / 45) / TAX_BENCHMARK, 1.5),  # 60
    "value_added_per_mu": 20 * (2250 / 45) / VA_BENCHMARK,  # 25.64
    "value_added_per_energy": 10 * (2250 / 1500) / ENERGY_BENCHMARK,  # 11.69
    "value_added_per_emission": 10 * (2250 / 5) / EMISSION_BENCHMARK,  # 14.10
    "labour_productivity": 10 * (2250 / 75) / LABOUR_BENCHMARK,  # 13.25
    "rd_intensity": 10 * (180 / 9000 * 100) / RD_BENCHMARK,  # 14.57
}
# 乙: 10 万元/亩; 40 万元/亩; no energy: 0; 300 万元/t; 20 万元/人; 0.5 %
YI_SCORES = {
    "tax_per_mu": 40 * (300 / 30) / TAX_BENCHMARK,  # 30
    "value_added_per_mu": 20 * (1200 / 30) / VA_BENCHMARK,  # 20.51
    "value_added_per_energy": 0.0,
    "value_added_per_emission": 10 * (1200 / 4) / EMISSION_BENCHMARK,  # 9.40
    "labour_productivity": 10 * (1200 / 60) / LABOUR_BENCHMARK,  # 8.83
    "rd_intensity": 10 * (30 / 6000 * 100) / RD_BENCHMARK,  # 3.64
}
# 丙: no tax; 4 万元/亩; 0.2 万元/t; 30 万元/t; 3 万元/人; no R&D
BING_SCORES = {
    "tax_per_mu": 0.0,
    "value_added_per_mu": 20 * (60 / 15) / VA_BENCHMARK,  # 2.05
    "value_added_per_energy": 10 * (60 / 300) / ENERGY_BENCHMARK,  # 1.56
    "value_added_per_emission": 10 * (60 / 2) / EMISSION_BENCHMARK,  # 0.94
    "labour_productivity": 10 * (60 / 20) / LABOUR_BENCHMARK,  # 1.32
    "rd_intensity": 0.0,
}
JIA_TOTAL = round(sum(JIA_SCORES.values()), 2)  # 139.25: A (from 120)
YI_TOTAL = round(sum(YI_SCORES.values()), 2)  # 72.39: C (60 to 90)
BING_TOTAL = round(sum(BING_SCORES.values()), 2)  # 5.87: D (below 60)

# 2030, 甲 and 丙 only: tax 450/(45 + 15) = 7.5 万元/亩 against 甲's 10; value added
# 2250/60 = 37.5 against 50; no energy benchmark (甲 reports none, 丙 none used): 0;
# emissions and R&D only 甲's own (丙's denominators are 0): 10 each; staff 2250/80
JIA_2030 = round(
    40 * (10 / 7.5) + 20 * (50 / 37.5) + 0 + 10 + 10 * (30 / (2250 / 80)) + 10, 2
)  # 110.67: B


def _by_name(evaluation):
    return evaluation.items.set_index("name")


def test_benchmarks_are_the_county_figures_of_the_year(county, session):
    evaluation = evaluate(session, EfficiencyRules(), YEAR)

    assert evaluation.benchmarks == pytest.approx(
        {
            "tax_per_mu": TAX_BENCHMARK,
            "revenue_per_mu": REVENUE_BENCHMARK,
            "value_added_per_mu": VA_BENCHMARK,
            "value_added_per_energy": ENERGY_BENCHMARK,
            "value_added_per_emission": EMISSION_BENCHMARK,
            "labour_productivity": LABOUR_BENCHMARK,
            "rd_intensity": RD_BENCHMARK,
        }
    )
    assert evaluation.year == YEAR and evaluation.previous_year == BEFORE
    assert evaluation.unmatched.empty


def test_land_per_mu_figures_and_their_inputs(county, session):
    items = _by_name(evaluate(session, EfficiencyRules(), YEAR))

    assert list(items.index) == [JIA, YI, BING]  # best first
    jia, yi, bing = items.loc[JIA], items.loc[YI], items.loc[BING]
    assert sorted(jia["parcel_codes"]) == county[:2] and jia["area_mu"] == pytest.approx(45)
    assert jia["area_m2"] == pytest.approx(30_000)
    assert (jia["matched_by"], yi["matched_by"], bing["matched_by"]) == ("code", "name", "code")
    assert yi["parcel_codes"] == [county[2]] and bing["parcel_codes"] == [county[3]]
    assert jia["tax_yuan"] == 9_000_000 and jia["employees"] == 75  # the inputs, kept
    assert jia["tax_per_mu"] == pytest.approx(20)
    assert jia["revenue_per_mu"] == pytest.approx(200)
    assert jia["value_added_per_energy"] == pytest.approx(1.5)
    assert jia["rd_intensity"] == pytest.approx(2)
    assert yi["tax_per_mu"] == pytest.approx(10)
    assert yi["value_added_per_energy"] != yi["value_added_per_energy"]  # none: NaN
    assert bing["tax_per_mu"] == 0 and bing["labour_productivity"] == pytest.approx(3)
    assert jia["zone"] and isinstance(jia["zone"], str)


def test_scores_and_classes_worked_out_by_hand(county, session):
    items = _by_name(evaluate(session, EfficiencyRules(), YEAR))

    for name, scores, total, grade in (
        (JIA, JIA_SCORES, JIA_TOTAL, "A"),
        (YI, YI_SCORES, YI_TOTAL, "C"),
        (BING, BING_SCORES, BING_TOTAL, "D"),
    ):
        row = items.loc[name]
        for key, score in scores.items():
            assert row[f"score_{key}"] == pytest.approx(score), (name, key)
        assert row["score"] == pytest.approx(total, abs=0.005)
        assert row["class"] == grade
    assert (JIA_TOTAL, YI_TOTAL, BING_TOTAL) == (139.25, 72.39, 5.87)
    assert "score_revenue_per_mu" not in items.columns  # weight 0: not counted


def test_last_year_class_and_trend(county, session):
    items = _by_name(evaluate(session, EfficiencyRules(), YEAR))

    assert JIA_2030 == 110.67
    assert items.loc[JIA, "previous_score"] == pytest.approx(JIA_2030)
    assert (items.loc[JIA, "previous_class"], items.loc[JIA, "trend"]) == ("B", "up")
    assert (items.loc[BING, "previous_class"], items.loc[BING, "trend"]) == ("D", "same")
    assert items.loc[BING, "previous_score"] == 0
    assert pd.isna(items.loc[YI, "previous_class"]) and items.loc[YI, "trend"] == "new"

    before = _by_name(evaluate(session, EfficiencyRules(), BEFORE))
    assert before.loc[JIA, "score"] == pytest.approx(JIA_2030)
    assert before.loc[JIA, "value_added_per_energy"] != before.loc[JIA, "value_added_per_energy"]


def test_weights_are_shares_of_100(county, session):
    only_tax = EfficiencyRules(weights={"tax_per_mu": 1})
    items = _by_name(evaluate(session, only_tax, YEAR))

    # 100 × min(value / benchmark, 1.5): 甲 20/13.33 = 1.5, 乙 10/13.33 = 0.75, 丙 0
    assert items["score"].to_dict() == {JIA: 150.0, YI: 75.0, BING: 0.0}
    assert items["class"].to_dict() == {JIA: "A", YI: "C", BING: "D"}
    halves = EfficiencyRules(weights={"tax_per_mu": 50, "value_added_per_mu": 50})
    items = _by_name(evaluate(session, halves, YEAR))
    # 乙: 50 × 0.75 + 50 × 40/39
    assert items.loc[YI, "score"] == pytest.approx(round(50 * 0.75 + 50 * 40 / 39, 2))


def test_a_set_benchmark_replaces_the_county_figure(county, session):
    rules = EfficiencyRules(benchmarks={"tax_per_mu": 10.0})
    evaluation = evaluate(session, rules, YEAR)
    items = _by_name(evaluation)

    assert evaluation.benchmarks["tax_per_mu"] == 10.0
    assert evaluation.benchmarks["value_added_per_mu"] == pytest.approx(VA_BENCHMARK)
    # 甲: 20/10 = 2, capped at 1.5 → 60 as before; 乙: 10/10 = 1 → 40 instead of 30
    assert items.loc[JIA, "score_tax_per_mu"] == pytest.approx(60)
    assert items.loc[YI, "score_tax_per_mu"] == pytest.approx(40)
    assert items.loc[YI, "score"] == pytest.approx(round(YI_TOTAL - 30 + 40, 2), abs=0.006)


def test_thresholds_and_cap_move_the_classes(county, session):
    lower = EfficiencyRules(thresholds={"A": 140, "B": 70, "C": 5})
    items = _by_name(evaluate(session, lower, YEAR))
    assert items["class"].to_dict() == {JIA: "B", YI: "B", BING: "C"}  # 139.25, 72.39, 5.87

    capped = EfficiencyRules(cap=1.2)
    items = _by_name(evaluate(session, capped, YEAR))
    # 甲's ratios 1.5 (tax), 1.28 (value added), 1.41 (emissions), 1.32 (staff) and
    # 1.46 (R&D) count 1.2; energy's 1.17 stays: 48 + 24 + 11.69 + 12 + 12 + 12
    expected = 40 * 1.2 + 20 * 1.2 + JIA_SCORES["value_added_per_energy"] + 3 * 10 * 1.2
    assert items.loc[JIA, "score"] == pytest.approx(round(expected, 2))
    assert items.loc[JIA, "class"] == "B"  # 119.69 < 120


def test_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("LANDGIS_EFFICIENCY__WEIGHTS", '{"tax_per_mu": 60, "rd_intensity": 40}')
    monkeypatch.setenv("LANDGIS_EFFICIENCY__BENCHMARKS", '{"tax_per_mu": 15}')
    monkeypatch.setenv("LANDGIS_EFFICIENCY__CAP", "1.2")
    monkeypatch.setenv("LANDGIS_EFFICIENCY__THRESHOLDS", '{"A": 110, "B": 85, "C": 60}')
    rules = Settings().efficiency

    assert rules.counted() == {"tax_per_mu": 60, "rd_intensity": 40}
    assert (rules.benchmarks, rules.cap) == ({"tax_per_mu": 15}, 1.2)
    assert rules.class_of(109.99) == "B" and rules.class_of(110) == "A"
    monkeypatch.setenv("LANDGIS_EFFICIENCY__WEIGHTS", '{"tax_per_acre": 1}')
    with pytest.raises(ValidationError, match="tax_per_acre"):
        Settings()


def test_a_year_without_figures_or_out_of_range_says_so(county, session):
    with pytest.raises(NotFound, match="2029"):
        evaluate(session, EfficiencyRules(), 2029)
    with pytest.raises(InvalidInput, match="1999"):
        evaluate(session, EfficiencyRules(), 1999)


def test_figures_without_land_are_listed_not_scored(county, session):
    session.add(_figures(YEAR, "测试丁物流有限公司", (_code("MA0000044"), 10, 10, 10, 1, 1, 1, 0)))
    session.flush()
    evaluation = evaluate(session, EfficiencyRules(), YEAR)

    assert list(evaluation.unmatched["name"]) == ["测试丁物流有限公司"]
    assert len(evaluation.items) == 3
    assert evaluation.benchmarks["tax_per_mu"] == pytest.approx(TAX_BENCHMARK)


def _held_by_hand(holdings: pd.DataFrame, code: object, name: object) -> list[int]:
    """The parcels a clerk would find: by credit code (case and width ignored), else by
    the holder's name written the same (width and spaces ignored)."""

    def plain(text: object, upper: bool = False) -> str:
        if not isinstance(text, str):
            return ""
        key = "".join(unicodedata.normalize("NFKC", text).split())
        return key.upper() if upper else key

    rows = list(holdings.itertuples(index=False))
    wanted_code = plain(code, upper=True)
    by_code = [
        r.parcel_id for r in rows if wanted_code and plain(r.credit_code, True) == wanted_code
    ]
    if by_code:
        return by_code
    wanted_name = plain(name)
    return [r.parcel_id for r in rows if wanted_name and plain(r.holder) == wanted_name]


def test_whole_column_matching_finds_what_a_clerk_finds(session):
    """On the demo's own figures and three awkward rows: each enterprise's parcels."""
    holdings = parcel_holdings(session)
    rows = session.execute(
        select(EnterpriseFigures.id, EnterpriseFigures.credit_code, EnterpriseFigures.name)
    ).all()
    figures = pd.DataFrame(rows, columns=["figure_id", "credit_code", "name"])
    # a name with full-width brackets and spaces, a code in lower case, a stranger
    figures.loc[len(figures)] = [-1, None, " " + holdings["holder"].iloc[0] + " "]
    figures.loc[len(figures)] = [-2, str(holdings["credit_code"].iloc[1]).lower(), "另一个名字"]
    figures.loc[len(figures)] = [-3, None, "不在本县的公司"]
    links = holding_links(figures, KeyedHoldings.of(holdings))
    found = links.groupby("figure_id")["parcel_id"].apply(list).to_dict()

    assert len(figures) > 100
    for row in figures.itertuples(index=False):
        expected = _held_by_hand(holdings, row.credit_code, row.name)
        assert found.get(row.figure_id, []) == expected, row
    assert -3 not in found and len(found[-2]) == 1 and found[-1]
