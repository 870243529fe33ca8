"""The per-mu evaluation's results table (.xlsx), read back with openpyxl: from the
library, ``GET /api/exports/efficiency.xlsx?year=`` and ``landgis efficiency export``, on
a demo county per backend to which an enterprise with figures but no land is added."""

from __future__ import annotations

import datetime as dt
import io
import math

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from landgis.cli import app as cli
from landgis.db.models import EnterpriseFigures
from landgis.db.session import transaction
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.indicators import INDICATORS
from landgis.efficiency.rules import EfficiencyRules
from landgis.io.exports.efficiency_workbook import (
    FIRST_DATA_ROW,
    HEADERS,
    RESULT_SHEET,
    RULES_SHEET,
    UNMATCHED_SHEET,
    efficiency_workbook,
)
from landgis.settings import Settings

NO_LAND = "青溪县无地贸易有限公司"


@pytest.fixture(scope="module")
def site(databases):
    demo = databases.demo()
    with transaction(demo.engine) as session:
        session.add(
            EnterpriseFigures(
                year=2023,
                credit_code="91519901000000000X",
                name=NO_LAND,
                tax_yuan=123_000.0,
                revenue_yuan=4_560_000.0,
                imported_at=dt.datetime.now(dt.UTC),
            )
        )
    return demo


@pytest.fixture(scope="module")
def client(site):
    with TestClient(create_app(Settings(database_url=site.url))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def evaluation(site):
    with transaction(site.engine, write=False) as session:
        return evaluate(session, EfficiencyRules(), 2023)


def _book(content: bytes) -> openpyxl.Workbook:
    return openpyxl.load_workbook(io.BytesIO(content))


def _results(book: openpyxl.Workbook) -> list[dict]:
    sheet = book[RESULT_SHEET]
    rows = sheet.iter_rows(min_row=FIRST_DATA_ROW + 1, values_only=True)
    return [dict(zip(HEADERS, row, strict=True)) for row in rows]


def test_the_api_downloads_the_results_table_of_the_year(client, evaluation):
    response = client.get("/api/exports/efficiency.xlsx", params={"year": 2023})

    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["content-disposition"]
    assert 'filename="efficiency_2023.xlsx"' in disposition
    assert "filename*=UTF-8''%E4%BA%A9%E5%9D%87" in disposition  # 亩均效益评价_青溪县_2023
    book = _book(response.content)
    assert book.sheetnames == [RESULT_SHEET, RULES_SHEET, UNMATCHED_SHEET]
    sheet = book[RESULT_SHEET]
    assert sheet["A1"].value == "青溪县2023年度工业企业亩均效益综合评价结果表"
    assert "A类(优先发展)22家" in sheet["A2"].value and "D类(淘汰退出)13家" in sheet["A2"].value
    assert [cell.value for cell in sheet[4]] == list(HEADERS)
    assert sheet["G4"].value == "税收(万元)" and "亩均税收(万元/亩)" in HEADERS
    assert sheet.freeze_panes == "D5"
    assert sheet.page_setup.orientation == "landscape" and sheet.page_setup.paperSize == 8
    assert sheet.print_title_rows == "$3:$4"
    assert sheet.column_dimensions["C"].width > sheet.column_dimensions["A"].width

    *rows, total = _results(book)
    items = evaluation.items
    assert len(rows) == len(items) == 66
    assert [row["企业名称"] for row in rows] == list(items["name"])
    assert [row["序号"] for row in rows] == list(range(1, 67))
    assert [row["评价类别"] for row in rows] == list(items["class"])
    assert [row["综合得分"] for row in rows] == pytest.approx(list(items["score"]))
    assert [row["用地面积(亩)"] for row in rows] == pytest.approx(list(items["area_mu"]))
    assert [row["上年类别"] for row in rows] == list(items["previous_class"])
    for indicator in INDICATORS:
        header = f"{indicator.label.render('zh')}({indicator.unit})"
        expected = [None if math.isnan(v) else pytest.approx(v) for v in items[indicator.key]]
        assert [row[header] for row in rows] == expected
    assert total["序号"] == "合计:66 家"
    assert total["用地面积(亩)"] == pytest.approx(round(items["area_m2"].sum() * 3 / 2000, 2))
    assert total["税收(万元)"] == pytest.approx(items["tax_yuan"].sum() / 10_000)


def test_a_row_computed_by_hand(client, evaluation):
    rows = _results(_book(client.get("/api/exports/efficiency.xlsx?year=2023").content))
    first = rows[0]
    benchmarks = evaluation.benchmarks
    area_mu = first["用地面积(亩)"]

    # 亩均税收 = tax (万元) / land (亩); the land is the parcel's m² × 3 / 2000
    assert first["亩均税收(万元/亩)"] == pytest.approx(first["税收(万元)"] / area_mu)
    assert first["亩均增加值(万元/亩)"] == pytest.approx(first["工业增加值(万元)"] / area_mu)
    assert first["研发经费投入强度(%)"] == pytest.approx(
        100 * first["研发经费(万元)"] / first["营业收入(万元)"]
    )
    # the score: weight × min(value / benchmark, 1.5), summed, to 2 decimals
    weights = {
        "亩均税收(万元/亩)": ("tax_per_mu", 40),
        "亩均增加值(万元/亩)": ("value_added_per_mu", 20),
        "单位能耗增加值(万元/吨标准煤)": ("value_added_per_energy", 10),
        "单位排放增加值(万元/吨)": ("value_added_per_emission", 10),
        "全员劳动生产率(万元/人)": ("labour_productivity", 10),
        "研发经费投入强度(%)": ("rd_intensity", 10),
    }
    score = sum(
        weight * min(first[header] / benchmarks[key], 1.5)
        for header, (key, weight) in weights.items()
    )
    assert first["综合得分"] == pytest.approx(round(score, 2), abs=0.006)
    assert first["评价类别"] == ("A" if score >= 120 else "B" if score >= 90 else "C")


def test_the_rules_sheet_says_the_benchmarks_weights_cap_and_thresholds(client, evaluation):
    sheet = _book(client.get("/api/exports/efficiency.xlsx?year=2023").content)[RULES_SHEET]
    rows = list(sheet.iter_rows(values_only=True))

    assert rows[0][0] == "2023年度亩均效益评价基准与权重"
    table = {row[0]: row for row in rows[3:10]}
    tax = table["亩均税收"]
    assert tax[1:3] == ("税收 ÷ 用地面积", "万元/亩")
    assert tax[3] == pytest.approx(evaluation.benchmarks["tax_per_mu"])
    assert tax[4] == "全县参评企业合计值" and tax[5] == 40
    assert table["亩均营业收入"][5] == "不计分"
    assert table["研发经费投入强度"][1] == "研发经费 ÷ 营业收入"
    classes = [row[:3] for row in rows if row[0] in ("A", "B", "C", "D")]
    assert classes == [
        ("A", "优先发展", "≥ 120"),
        ("B", "提升发展", "≥ 90"),
        ("C", "整治提升", "≥ 60"),
        ("D", "淘汰退出", "< 60"),
    ]
    assert any(row[0] and "1.5 倍" in row[0] for row in rows)


def test_the_enterprises_without_land_have_their_sheet(client, evaluation):
    sheet = _book(client.get("/api/exports/efficiency.xlsx?year=2023").content)[UNMATCHED_SHEET]
    rows = list(sheet.iter_rows(min_row=4, values_only=True))

    assert list(evaluation.unmatched["name"]) == [NO_LAND]
    assert rows[0] == (1, "91519901000000000X", NO_LAND, 12.3, 456.0)
    assert NO_LAND not in set(evaluation.items["name"])


def test_a_county_setting_its_benchmark_shows_it_in_the_table(site):
    rules = EfficiencyRules(benchmarks={"tax_per_mu": 20.0})
    with transaction(site.engine, write=False) as session:
        found = evaluate(session, rules, 2023)
    book = _book(efficiency_workbook(found, county="某县", paper="A4"))

    assert book[RESULT_SHEET]["A1"].value == "某县2023年度工业企业亩均效益综合评价结果表"
    assert book[RESULT_SHEET].page_setup.paperSize == 9
    tax = next(r for r in book[RULES_SHEET].iter_rows(values_only=True) if r[0] == "亩均税收")
    assert tax[3] == 20.0 and tax[4] == "县设定值"


def test_a_year_without_figures_is_not_found(client):
    response = client.get("/api/exports/efficiency.xlsx", params={"year": 2019})

    assert response.status_code == 404
    assert "2019" in response.json()["message"] and "import" in response.json()["message_en"]


@pytest.mark.parametrize("year", ["1999", "2101", "soon", ""])
def test_a_year_out_of_range_or_not_a_year_is_refused(client, year):
    assert client.get("/api/exports/efficiency.xlsx", params={"year": year}).status_code == 422


def test_the_year_is_required(client):
    assert client.get("/api/exports/efficiency.xlsx").status_code == 422


def test_the_command_line_writes_the_same_table(site, client, tmp_path):
    out = tmp_path / "tables" / "2022.xlsx"
    result = CliRunner().invoke(
        cli,
        ["efficiency", "export", "--year", "2022", "--out", str(out), "--database-url", site.url],
    )

    assert result.exit_code == 0, result.output
    assert f"→ {out}" in result.output and "66 家企业" in result.output
    from_cli = _results(openpyxl.load_workbook(out))
    from_api = _results(_book(client.get("/api/exports/efficiency.xlsx?year=2022").content))
    assert from_cli == from_api
    assert openpyxl.load_workbook(out)[RESULT_SHEET]["A1"].value.startswith("青溪县2022年度")

    refused = CliRunner().invoke(
        cli,
        ["efficiency", "export", "--year", "2019", "--out", str(out), "--database-url", site.url],
    )
    assert refused.exit_code != 0 and "2019" in refused.output
