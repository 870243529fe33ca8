"""The occupancy figures where they show, on both backends, on a demo county whose factory
space :func:`factory_space.let_space` lets: ``GET /api/stats`` and ``landgis stats``
(JSON and text, zh and en), the dashboard's factory-space card, and the ledger workbook's
figures sheet read back with openpyxl."""

from __future__ import annotations

import io
import json
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

import openpyxl
import pytest
from factory_space import (
    ADDED_ZONED,
    ADDED_ZONELESS,
    PERIOD,
    TODAY,
    USES,
    ZONE_NAME,
    let_space,
)
from fastapi.testclient import TestClient

from api.main import create_app
from landgis.db.session import transaction
from landgis.io.exports import export_ledger
from landgis.ledger_rules.totals import UNASSIGNED
from landgis.settings import Settings
from landgis.stats import headline_figures
from landgis.wallclock import frozen_at

QUERY = {"from": PERIOD[0].isoformat(), "to": PERIOD[1].isoformat()}


@dataclass
class Site:
    client: TestClient
    url: str
    engine: object
    before: dict  # the figures before the space was let


@pytest.fixture(scope="module")
def site(databases):
    demo = databases.demo()
    with frozen_at(TODAY):
        with transaction(demo.engine) as session:
            before = headline_figures(session, date_from=PERIOD[0], date_to=PERIOD[1])
            let_space(session)
        with TestClient(create_app(Settings(database_url=demo.url))) as client:
            yield Site(client, demo.url, demo.engine, before)


@pytest.fixture(autouse=True)
def june():
    with frozen_at(TODAY):
        yield


def _expected(before: dict, *added: dict) -> dict:
    return {k: pytest.approx(before.get(k, 0.0) + sum(a[k] for a in added)) for k in USES}


def test_api_stats_has_the_occupancy_and_equals_the_cli_json(site, cli_in):
    api = site.client.get("/api/stats", params=QUERY).json()
    result = cli_in("zh", "stats", "--from", QUERY["from"], "--to", QUERY["to"], "--json",
                    "--database-url", site.url)  # fmt: skip

    assert result.exit_code == 0, result.output
    assert json.loads(result.output) == api
    occupancy = api["occupancy"]
    assert occupancy["as_of"] == TODAY.isoformat()
    before = site.before["occupancy"]
    assert {k: occupancy[k] for k in USES} == _expected(before, ADDED_ZONED, ADDED_ZONELESS)
    zone_before = before["by_zone"].get(ZONE_NAME, {})
    assert {k: occupancy["by_zone"][ZONE_NAME][k] for k in USES} == _expected(
        zone_before, ADDED_ZONED
    )
    assert occupancy["by_zone"][UNASSIGNED]["occupancy_rate"] == round(250 / 370, 4)
    assert list(api["occupancy_by_month"])[-1] == "2024-06"
    assert api["occupancy_by_month"]["2024-02"]["leased_m2"] == pytest.approx(
        site.before["occupancy_by_month"]["2024-02"]["leased_m2"] + 300 + 200 + 250
    )
    # The revitalized factory floor area in the period, in 万平方米 to 0.01, half up.
    wan = Decimal(str(api["revitalized_building_area_m2"])) / 10_000
    assert api["revitalized_building_area_wan_m2"] == float(
        wan.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    )


def test_the_cli_text_tells_the_factory_space_in_both_languages(site, cli_in):
    figures = site.client.get("/api/stats", params=QUERY).json()
    occupancy = figures["occupancy"]
    rate = f"{occupancy['occupancy_rate']:.1%}"
    args = ("stats", "--from", QUERY["from"], "--to", QUERY["to"], "--database-url", site.url)

    zh = cli_in("zh", *args)
    en = cli_in("en", *args)

    assert zh.exit_code == 0 and en.exit_code == 0, zh.output + en.output
    assert (
        f"厂房单元({TODAY}):空置 {occupancy['vacant_m2']:.2f} ㎡,"
        f"出租 {occupancy['leased_m2']:.2f} ㎡,自用 {occupancy['owner_occupied_m2']:.2f} ㎡,"
        f"在建 {occupancy['under_construction_m2']:.2f} ㎡;出租率 {rate}"
    ) in zh.output
    wan = figures["revitalized_building_area_wan_m2"]
    assert f"合 {wan:.2f} 万平方米" in zh.output
    assert f"Factory units ({TODAY}): vacant {occupancy['vacant_m2']:.2f} m²" in en.output
    assert f"occupancy rate {rate}" in en.output
    assert f"{wan:.2f} × 10⁴ m²" in en.output
    assert "厂房" not in en.output.split("Factory units")[1]


def _figure(html: str, element_id: str) -> str:
    match = re.search(rf'id="{element_id}".*?figure-value[^>]*>(.*?)<', html, re.S)
    assert match, element_id
    return match.group(1).strip()


def test_the_dashboard_card_shows_the_factory_space(site):
    figures = site.client.get("/api/stats", params=QUERY).json()
    occupancy = figures["occupancy"]
    params = {"date_from": QUERY["from"], "date_to": QUERY["to"]}

    html = site.client.get("/", params=params).text

    assert 'id="factory-space"' in html and "厂房空间" in html
    assert _figure(html, "space-vacant") == f"{occupancy['vacant_m2']:,.2f}"
    assert _figure(html, "space-leased") == f"{occupancy['leased_m2']:,.2f}"
    assert _figure(html, "space-own-use") == f"{occupancy['owner_occupied_m2']:,.2f}"
    assert _figure(html, "space-rate") == f"{occupancy['occupancy_rate'] * 100:.1f}"
    assert _figure(html, "space-revitalized") == (
        f"{figures['revitalized_building_area_wan_m2']:,.2f}"
    )
    assert f"{figures['revitalized_building_area_m2']:,.2f} ㎡" in html
    assert f"在建 {occupancy['under_construction_m2']:,.2f} ㎡" in html
    table = html.split('id="space-by-zone"')[1].split("</table>")[0]
    assert f'data-zone="{ZONE_NAME}"' in table
    assert '<td class="zone-name">未指定</td>' in table
    assert f"{250 / 370 * 100:.1f}%" in table

    english = site.client.get("/", params={**params, "lang": "en"}).text
    card = english.split('id="factory-space"')[1].split("</section>")[0]
    assert "Factory space" in card and "Occupancy rate" in card
    assert "Unassigned" in card or "Not assigned" in card
    data = card
    for zone in ("产城新区", "临江工业区", "白鹤工业区"):  # zone names are data, not labels
        data = data.replace(zone, "")
    assert not re.search(r"[\u4e00-\u9fff]", data)


def test_the_workbook_figures_sheet_has_the_occupancy_by_zone(site):
    with transaction(site.engine) as session:
        result = export_ledger(session, "xlsx", as_of=TODAY, period_from=QUERY["from"])
        figures = headline_figures(session, date_from=PERIOD[0], date_to=TODAY)
    sheet = openpyxl.load_workbook(io.BytesIO(result.content), data_only=True)["核心数据"]
    rows = [[cell.value for cell in row] for row in sheet.iter_rows()]

    (wan,) = [r[:3] for r in rows if r[0] == "期间盘活厂房面积(万平方米)"]
    assert wan == [
        "期间盘活厂房面积(万平方米)",
        figures["revitalized_building_area_wan_m2"],
        "万平方米",
    ]
    start = next(i for i, r in enumerate(rows) if str(r[0]).startswith("厂房单元使用情况"))
    assert f"截至 {TODAY}" in rows[start][0]
    assert rows[start + 1][:6] == [
        "园区",
        "空置(㎡)",
        "已出租(㎡)",
        "自用(㎡)",
        "在建(㎡)",
        "出租率",
    ]
    table = {}
    for row in rows[start + 2 :]:
        if row[0] is None:
            break
        table[row[0]] = row[1:6]
    occupancy = figures["occupancy"]
    for name, values in [*occupancy["by_zone"].items(), ("合计", occupancy)]:
        label = "未指定" if name == UNASSIGNED else name
        assert table[label] == [*(values[k] for k in USES), values["occupancy_rate"]]
    assert table["未指定"] == [120.0, 250.0, 0.0, 0.0, round(250 / 370, 4)]
    ledger_m2 = next(r[1] for r in rows if r[0] == "期间盘活厂房面积")
    assert ledger_m2 == figures["revitalized_building_area_m2"]
    assert list(table)[-1] == "合计"
