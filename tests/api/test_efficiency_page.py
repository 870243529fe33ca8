"""The per-mu evaluation's pages over HTTP, on each backend: ``/efficiency`` (the year
picked or the latest, filters and sorting in the query, clear messages for a year without
figures or not a year) and one enterprise's steps (``/efficiency/enterprise``), checked
against the library's evaluation; a county without figures says so."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.rules import EfficiencyRules
from landgis.settings import Settings


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


@pytest.fixture(scope="module")
def evaluation(demo_engine):
    with transaction(demo_engine, write=False) as session:
        return evaluate(session, EfficiencyRules(), 2023)


def _column(html: str, col: str) -> list[str]:
    cells = re.findall(rf'<td[^>]*data-col="{col}"[^>]*>(.*?)</td>', html, re.S)
    return [unescape(re.sub(r"<[^>]+>", "", cell)).strip() for cell in cells]


def test_the_latest_year_is_shown_with_its_classes(client, evaluation):
    html = client.get("/efficiency").text

    assert "2023 年度亩均效益评价" in html
    counts = re.findall(
        r'data-class="([ABCD])" href=[^>]*>.*?<span class="count">(\d+)', html, re.S
    )
    assert dict(counts) == {"A": "22", "B": "15", "C": "16", "D": "13"}
    assert _column(html, "name") == list(evaluation.items["name"])
    assert '<a href="/efficiency" aria-current="page">亩均评价</a>' in html
    assert 'data-tab="table" aria-current="page"' in html
    assert 'href="/api/exports/efficiency.xlsx?year=2023"' in html
    assert "每家有数据的企业都找到了宗地。" in html


def test_filters_and_sorting_are_in_the_query(client, evaluation):
    html = client.get(
        "/efficiency", params={"year": 2023, "class": "D", "sort": "tax_per_mu", "dir": "desc"}
    ).text
    d = evaluation.items[evaluation.items["class"] == "D"].sort_values(
        "tax_per_mu", ascending=False, kind="stable"
    )

    assert _column(html, "name") == list(d["name"])
    assert set(_column(html, "class")) == {"D 淘汰退出"}
    # the header links keep the filters and reverse the order
    assert 'href="/efficiency?year=2023&amp;class=D&amp;sort=tax_per_mu&amp;dir=asc"' in html
    assert 'sort=score&amp;dir=asc"' in html


def test_a_search_and_a_trend_narrow_the_table(client, evaluation):
    first = evaluation.items.iloc[0]
    by_code = client.get("/efficiency", params={"year": 2023, "q": first["credit_code"].lower()})
    assert _column(by_code.text, "name") == [first["name"]]
    up = client.get("/efficiency", params={"year": 2023, "trend": "up"}).text
    assert _column(up, "name") == list(evaluation.items[evaluation.items["trend"] == "up"]["name"])
    assert "显示 0 / 66 家企业" in client.get("/efficiency?year=2023&q=nobody").text


def test_the_parcels_link_to_their_cases(client):
    html = client.get("/efficiency", params={"year": 2023, "class": "D"}).text

    assert re.search(r'<a href="/cases/[^"]+" title="台账案件 ', html)


def test_the_year_before_has_no_trend_to_show(client):
    html = client.get("/efficiency", params={"year": 2022}).text

    assert set(_column(html, "trend")) == {"+ 新参评"}
    assert '<option value="2022" selected>' in html


@pytest.mark.parametrize(
    ("year", "status", "message"),
    [
        ("2019", 404, "2019 年度没有企业亩均数据"),
        ("soon", 422, "年度“soon”不是年份"),
        ("1999", 422, "超出范围"),
    ],
)
def test_a_year_without_figures_or_not_a_year_says_so(client, year, status, message):
    response = client.get("/efficiency", params={"year": year})

    assert response.status_code == status
    assert message in response.text and 'id="year-select"' in response.text


def test_a_county_without_figures_is_told_to_import_them(databases):
    url = databases.new_url()
    upgrade(databases.engine(url))
    with TestClient(create_app(Settings(database_url=url))) as fresh:
        response = fresh.get("/efficiency")

    assert response.status_code == 200
    assert "还没有企业亩均数据,请先导入。" in response.text


def test_an_enterprise_is_traced_to_its_inputs(client, evaluation):
    item = evaluation.items[evaluation.items["class"] == "D"].iloc[0]
    response = client.get(
        "/efficiency/enterprise", params={"year": 2023, "enterprise": item["credit_code"]}
    )
    html = response.text

    assert response.status_code == 200 and item["name"] in html
    assert f'<td class="num">{item["tax_yuan"]:,.2f}</td><td>元</td>' in html
    assert f'id="trace-area">{item["area_mu"]:,.4f}<' in html
    assert f'id="trace-score">{item["score"]:,.2f}<' in html
    assert "按统一社会信用代码匹配" in html and "评价为 D 类(淘汰退出)。" in html
    tax = re.search(r'data-key="tax_per_mu".*?</tr>', html, re.S).group(0)
    assert f"税收 {item['tax_yuan']:,.2f} 元 ÷ 用地面积 {item['area_mu']:,.4f} 亩 ÷ 10,000" in tax
    assert f"{evaluation.benchmarks['tax_per_mu']:,.2f}" in tax and "全县参评企业合计值" in tax
    assert f'data-score="{item["score_tax_per_mu"]}"' in tax


def test_an_enterprise_without_a_credit_code_is_found_by_name(client, evaluation):
    item = evaluation.items[evaluation.items["credit_code"].isna()].iloc[0]
    html = client.get("/efficiency", params={"year": 2023, "q": item["name"]}).text
    link = unescape(re.search(r'href="(/efficiency/enterprise[^"]+)"', html).group(1))
    trace = client.get(link).text

    assert "按企业名称与土地使用权人名称匹配" in trace and item["name"] in trace


def test_an_unknown_enterprise_is_not_found(client):
    response = client.get("/efficiency/enterprise", params={"year": 2023, "enterprise": "nobody"})

    assert response.status_code == 404 and "“nobody”" in response.text


def test_the_page_speaks_english(client):
    html = client.get("/efficiency", params={"year": 2023, "lang": "en"}).text

    assert "Per-mu evaluation 2023" in html and "Class D Phase out" in html
    assert "Tax per mu" in html and "10k yuan/mu" in html
