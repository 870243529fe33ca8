"""Every total, wherever it is shown, by one rule: the stored m² summed, converted once,
rounded once. The dashboard and the ledger page (their HTML, as a logged-in clerk gets
it), ``/api/stats``, the exported workbook's 合计 row and its 核心数据 sheet (read back
by openpyxl, and after LibreOffice recalculated every formula) show the same digits, for
the whole county and for a zone; a filtered export describes the filtered ledger on every
sheet and names its filters in words; the statuses come in the workflow's order. On both
backends."""

from __future__ import annotations

import datetime as dt
import io
import math
import re
from decimal import ROUND_HALF_UP, Decimal, localcontext
from fractions import Fraction
from pathlib import Path

import lxml.html
import openpyxl
import pandas as pd
import pytest
from fastapi.testclient import TestClient
from libreoffice import converted

from api.main import create_app
from api.web.i18n import COOKIE
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.filter_note import describe_filters
from landgis.filters import ParcelFilter, parse_filters
from landgis.ledger import case_list
from landgis.ledger_rules.totals import area_total, round_total, zone_totals, zone_totals_of
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user
from landgis.vocab import CASE_STATUSES
from landgis.wallclock import today
from landgis.workflow import MAIN_LINE

PASSWORD = "a-good-password"
ZONE, ZONE_NAME = "QX-KFQ-LJ", "临江工业区"
SCOPES = {"county": {}, "zone": {"zone": ZONE}}
EXPORT = "/api/exports/ledger.xlsx"
# Each total: its key in /api/stats, its header on the 台账 sheet, its row on 核心数据,
# the stored m² it sums (None: a count) and the unit it is shown in.
TOTALS = {
    "cases": ("cases", None, "台账宗数", None, "int"),
    "idle land": ("ledger_area_mu", "闲置/低效面积(亩)", "台账闲置/低效面积", "idle_area_m2", "mu"),
    "idle floor": (
        "idle_building_area_m2",
        "闲置厂房面积(㎡)",
        "闲置厂房面积",
        "idle_building_area_m2",
        "m2",
    ),
    "revitalized land": (
        "revitalized_total_area_mu",
        "盘活面积(亩)",
        "累计盘活面积(台账内)",
        "revitalized_area_m2",
        "mu",
    ),
    "revitalized floor": (
        "revitalized_total_building_area_m2",
        "盘活厂房面积(㎡)",
        "累计盘活厂房面积(台账内)",
        "revitalized_building_area_m2",
        "m2",
    ),
    "overdue": ("overdue_cases", None, "逾期宗数", None, "int"),
}


@pytest.fixture(scope="module")
def site(databases, form_login):
    """The demo county, and a test client logged in as a clerk (a viewer)."""
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, "clerk", PASSWORD, role="viewer")
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key="totals-agree-secret" * 2)
    with TestClient(create_app(settings)) as client:
        form_login(client, "clerk", PASSWORD)
        client.engine = engine
        yield client


def exact(values: pd.Series, unit: str) -> str:
    """The total as the rule defines it, computed exactly: the stored floats summed as
    fractions, converted by 3/2000, rounded half up to 0.01; two decimals as text."""
    total = sum((Fraction(float(v)) for v in values if not math.isnan(float(v))), Fraction(0))
    if unit == "mu":
        total *= Fraction(3, 2000)
    with localcontext() as context:
        context.prec = 60
        decimal = Decimal(total.numerator) / Decimal(total.denominator)
        return str(decimal.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def expected_totals(client: TestClient, params: dict) -> dict[str, str]:
    """What every surface must show, from the ledger's rows the filter keeps."""
    with transaction(client.engine) as session:
        rows, _ = case_list(session, parse_filters(params, strict=True))
    shown = {"cases": str(len(rows)), "overdue": str(int(rows["overdue"].sum()))}
    for name, (_key, _header, _row, stored, unit) in TOTALS.items():
        if stored is not None:
            shown[name] = exact(pd.to_numeric(rows[stored], errors="coerce"), unit)
    return shown


def text(value: object) -> str:
    """A figure as digits: integers as they are, areas with two decimals."""
    return str(value) if isinstance(value, int) else f"{float(value):.2f}"


def number_in(shown: str) -> str:
    """The first number of a page's text, thousands separators dropped."""
    found = re.search(r"-?\d[\d,]*(?:\.\d+)?", shown)
    assert found, shown
    return found.group(0).replace(",", "")


def dashboard_totals(client: TestClient, params: dict) -> dict[str, str]:
    answer = client.get("/", params=params)
    assert answer.status_code == 200, answer.text[:300]
    page = lxml.html.fromstring(answer.text)

    def shown(figure: str, part: str = "figure-value") -> str:
        nodes = page.xpath(f'//*[@id="{figure}"]//*[contains(@class, "{part}")]')
        assert len(nodes) == 1, (figure, part)
        return nodes[0].text_content()

    return {
        "cases": number_in(shown("fig-cases")),
        "idle land": number_in(shown("fig-ledger-area")),
        "idle floor": number_in(shown("fig-idle-floor")),
        "revitalized land": number_in(shown("fig-share", "figure-note")),
        "revitalized floor": number_in(shown("fig-idle-floor", "figure-note")),
        "overdue": number_in(shown("fig-overdue")),
    }


def ledger_page_totals(client: TestClient, params: dict) -> dict[str, str]:
    """The totals line of the ledger page (cases, idle land, revitalized land, overdue)."""
    answer = client.get("/ledger", params=params)
    assert answer.status_code == 200, answer.text[:300]
    line = lxml.html.fromstring(answer.text).xpath('//*[@id="ledger-totals"]')[0]
    numbers = [n.replace(",", "") for n in re.findall(r"\d[\d,]*(?:\.\d+)?", line.text_content())]
    return dict(zip(("cases", "idle land", "revitalized land", "overdue"), numbers, strict=True))


def stats_totals(client: TestClient, params: dict) -> dict[str, str]:
    answer = client.get("/api/stats", params=params)
    assert answer.status_code == 200, answer.text[:300]
    figures = answer.json()
    return {name: text(figures[spec[0]]) for name, spec in TOTALS.items()}


def ledger_sheet_totals(book: openpyxl.Workbook) -> dict[str, str]:
    """The 合计 row of the 台账 sheet (its count from its label)."""
    rows = list(book["台账"].iter_rows(values_only=True))
    headers = list(rows[1])
    (total,) = [r for r in rows if isinstance(r[0], str) and r[0].startswith("合计:")]
    shown = {"cases": number_in(total[0])}
    for name, (_key, header, _row, _stored, _unit) in TOTALS.items():
        if header is not None:
            shown[name] = f"{total[headers.index(header)]:.2f}"
    return shown


def figures_sheet(book: openpyxl.Workbook) -> list[tuple]:
    return [r for r in book["核心数据"].iter_rows(values_only=True) if any(r)]


def figures_sheet_totals(book: openpyxl.Workbook) -> dict[str, str]:
    values = {r[0]: r[1] for r in figures_sheet(book)}
    shown = {}
    for name, (_key, _header, row, _stored, unit) in TOTALS.items():
        value = values[row]
        shown[name] = str(int(value)) if unit == "int" else f"{float(value):.2f}"
    return shown


def exported(client: TestClient, params: dict, tmp_path: Path) -> tuple[Path, openpyxl.Workbook]:
    answer = client.get(EXPORT, params=params)
    assert answer.status_code == 200, answer.text[:300]
    path = tmp_path / "ledger.xlsx"
    path.write_bytes(answer.content)
    return path, openpyxl.load_workbook(io.BytesIO(answer.content), data_only=True)


# --- the rule -------------------------------------------------------------------------


def test_the_rule_rounds_once_half_away_from_zero_as_spreadsheets_do():
    assert round_total(12.345) == 12.35  # the float is 12.3449999…: 15 digits say …450
    assert round_total(-0.005) == -0.01
    assert round_total(0.004999) == 0.0
    assert area_total(10.0, "mu") == 0.02  # 10 m² = 0.015 亩 exactly
    assert round(10.0 * 3 / 2000, 2) == 0.01  # what rounding the float would give
    assert area_total(60016.748307049114, "m2") == 60016.75
    assert math.isnan(round_total(float("nan")))


# --- one total everywhere -------------------------------------------------------------


@pytest.mark.parametrize("scope", SCOPES)
def test_every_surface_shows_the_same_totals(site, scope, tmp_path):
    params = SCOPES[scope]
    expected = expected_totals(site, params)
    path, book = exported(site, params, tmp_path)
    recalculated = openpyxl.load_workbook(converted(path, tmp_path, "xlsx", "xlsx"), data_only=True)
    surfaces = {
        "dashboard": dashboard_totals(site, params),
        "/api/stats": stats_totals(site, params),
        "ledger page": ledger_page_totals(site, params),
        "合计 row": ledger_sheet_totals(book),
        "核心数据": figures_sheet_totals(book),
        "合计 row, recalculated": ledger_sheet_totals(recalculated),
        "核心数据, recalculated": figures_sheet_totals(recalculated),
    }
    for surface, shown in surfaces.items():
        assert shown == {name: expected[name] for name in shown}, surface
    if scope == "county":
        # the clerk's figures: a sum of rounded cells would give 60016.73 and 16366.67
        assert expected["idle floor"] == "60016.75"
        assert expected["revitalized floor"] == "16366.68"
    else:
        assert int(expected["cases"]) == 4


def test_the_totals_row_is_not_a_sum_of_rounded_cells(site, tmp_path):
    _path, book = exported(site, {}, tmp_path)
    rows = list(book["台账"].iter_rows(values_only=True))
    column = list(rows[1]).index("闲置厂房面积(㎡)")
    cells = [r[column] for r in rows[2:] if r[list(rows[1]).index("台账编号")]]
    (total,) = [r for r in rows if isinstance(r[0], str) and r[0].startswith("合计:")]
    assert f"{sum(round(v, 2) for v in cells):.2f}" == "60016.73"
    assert f"{total[column]:.2f}" == "60016.75"


def test_zone_totals_by_the_rule_are_the_zone_subtotals(site, tmp_path):
    _path, book = exported(site, {}, tmp_path)
    rows = list(book["台账"].iter_rows(values_only=True))
    headers = list(rows[1])
    subtotals = {
        r[0].removeprefix("小计:").rsplit(" ", 2)[0]: r
        for r in rows
        if isinstance(r[0], str) and r[0].startswith("小计:")
    }
    with transaction(site.engine) as session:
        by_zone = zone_totals(session, today())
        twin = zone_totals_of(case_list(session)[0], today())
    assert list(by_zone) == list(twin) == list(subtotals)  # zones in the ledger's order
    for zone, totals in by_zone.items():
        shown = totals.shown()
        assert shown == twin[zone].shown(), zone
        row = subtotals[zone]
        assert row[0].endswith(f" {shown.cases} 宗")
        assert row[headers.index("闲置/低效面积(亩)")] == shown.idle_area_mu
        assert row[headers.index("闲置厂房面积(㎡)")] == shown.idle_building_area_m2
        assert row[headers.index("盘活面积(亩)")] == shown.revitalized_area_mu
        assert row[headers.index("盘活厂房面积(㎡)")] == shown.revitalized_building_area_m2


# --- a filtered export describes the filtered ledger -----------------------------------


def test_a_zone_export_reports_the_zone_on_every_sheet(site, tmp_path):
    _path, book = exported(site, {"zone": ZONE}, tmp_path)
    with transaction(site.engine) as session:
        rows, _ = case_list(session, ParcelFilter(zone=(ZONE,)))
    case_nos = set(rows["case_no"])
    sheet = list(book["台账"].iter_rows(values_only=True))
    column = list(sheet[1]).index("台账编号")
    assert {r[column] for r in sheet[2:] if r[column]} == case_nos
    figures = figures_sheet(book)
    values = {r[0]: r[1] for r in figures}
    assert values["台账宗数"] == len(case_nos)
    by_zone = figures[[r[0] for r in figures].index("台账按园区") + 2]
    assert by_zone[:2] == (ZONE_NAME, len(case_nos))
    assert {r[0] for r in book["处置记录"].iter_rows(min_row=2, values_only=True)} == case_nos
    notes = [r[0] for r in figures if isinstance(r[0], str) and r[0].startswith("筛选条件")]
    assert notes == [f"筛选条件:园区:{ZONE_NAME}"]
    assert not any("全县" in str(r[0]) for r in figures)


@pytest.mark.parametrize(
    ("lang", "note"),
    [
        ("zh", f"筛选条件:园区:{ZONE_NAME};处置状态:已认定"),
        ("en", f"Filters: Zone: {ZONE_NAME}; Status: Determined idle"),
    ],
)
def test_the_filter_note_names_the_filter_in_words(site, tmp_path, lang, note):
    params = {"zone": ZONE, "status": "identified", "lang": lang}
    _path, book = exported(site, params, tmp_path)
    ledger_notes = [r[0] for r in book["台账"].iter_rows(values_only=True) if r[0] == note]
    figure_notes = [r[0] for r in figures_sheet(book) if r[0] == note]
    assert ledger_notes == [note] and figure_notes == [note]
    everything = " ".join(
        str(v) for s in book.worksheets for r in s.iter_rows(values_only=True) for v in r if v
    )
    assert ZONE not in everything and "identified" not in everything


def test_filters_in_words_in_both_languages():
    filters = ParcelFilter(
        zone=(ZONE, "QX-NEW"),
        status=("identified", "disposing"),
        category=("idle",),
        route=("buyback",),
        cause=("enterprise",),
        codes=("P-1",),
        overdue=True,
        in_ledger=True,
        bbox=(104.7, 30.0, 104.9, 30.2),
        text="化工",
    )
    note = describe_filters(filters, {ZONE: ZONE_NAME})
    assert note.render("zh") == (
        f"园区:{ZONE_NAME}、QX-NEW;处置状态:已认定、处置中;问题类型:闲置土地;"
        "处置方式:依法回购;闲置原因:企业原因;宗地编号:P-1;逾期:是;在台账中:是;"
        "范围:104.7,30,104.9,30.2;关键字:化工"
    )
    assert note.render("en") == (
        f"Zone: {ZONE_NAME}, QX-NEW; Status: Determined idle, Being disposed of; "
        "Category: Idle land; Route: Buyback; Cause: Enterprise; Parcel code: P-1; "
        "Overdue: yes; In the ledger: yes; Extent: 104.7,30,104.9,30.2; Search: 化工"
    )
    assert not describe_filters(ParcelFilter(), {})
    assert describe_filters(ParcelFilter(), {}).render("en") == ""


# --- statuses in the workflow's order ---------------------------------------------------


def test_status_rows_come_in_the_workflows_order(site, tmp_path):
    _path, book = exported(site, {}, tmp_path)
    figures = figures_sheet(book)
    start = [r[0] for r in figures].index("台账按处置状态") + 2
    labels = []
    for row in figures[start:]:
        if row[0] not in CASE_STATUSES.values():
            break
        labels.append(row[0])
    stats = site.get("/api/stats").json()["by_status"]
    in_order = [s for s in MAIN_LINE if s in stats]
    assert list(stats) == in_order and len(in_order) >= 5
    assert labels == [CASE_STATUSES[s] for s in in_order]
    page = lxml.html.fromstring(site.get("/").text)
    bars = page.xpath('//*[@id="chart-status"]//*[@data-label]/@data-label')
    assert bars == [CASE_STATUSES[s] for s in in_order]


def test_a_past_ledger_by_zone_has_the_same_totals_as_its_export(site, tmp_path):
    params = {"zone": ZONE, "as_of": "2023-08-31"}
    _path, book = exported(site, params, tmp_path)
    with transaction(site.engine) as session:
        rows, _ = case_list(session, ParcelFilter(zone=(ZONE,)), dt.date(2023, 8, 31))
    ledger = ledger_sheet_totals(book)
    assert ledger["cases"] == str(len(rows))
    assert ledger["idle land"] == exact(rows["idle_area_m2"], "mu")
    assert figures_sheet_totals(book)["idle floor"] == exact(rows["idle_building_area_m2"], "m2")
    stats = site.get("/api/stats", params={"zone": ZONE, "to": "2023-08-31"}).json()
    assert f"{stats['ledger_area_mu']:.2f}" == ledger["idle land"]


@pytest.mark.parametrize(
    ("lang", "note"),
    [("zh", f"筛选条件:园区:{ZONE_NAME}"), ("en", f"Filters: Zone: {ZONE_NAME}")],
)
def test_the_dashboard_of_a_zone_names_it_and_keeps_it(site, lang, note):
    page = lxml.html.fromstring(site.get("/", params={"zone": ZONE, "lang": lang}).text)
    assert page.xpath('//*[@id="dashboard-filters"]')[0].text_content() == note
    chosen = page.xpath('//form[@class="period"]//select[@name="zone"]/option[@selected]')
    assert [o.get("value") for o in chosen] == [ZONE]
    assert f"zone={ZONE}" in page.xpath('//*[@id="fig-cases"]/@href')[0]
    assert f"zone={ZONE}" in page.xpath("//iframe[@class='map-frame']/@src")[0]
    whole = lxml.html.fromstring(site.get("/", params={"lang": lang}).text)
    assert whole.xpath('//*[@id="dashboard-filters"]') == []


def test_an_export_names_its_filters_in_the_pages_language(site, tmp_path):
    site.cookies.set(COOKIE, "en")
    try:
        _path, book = exported(site, {"status": "identified"}, tmp_path)
    finally:
        site.cookies.delete(COOKIE)
    notes = [r[0] for r in book["台账"].iter_rows(values_only=True) if r[0]]
    assert "Filters: Status: Determined idle" in notes
