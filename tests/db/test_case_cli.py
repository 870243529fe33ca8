"""``landgis case …`` and ``landgis ledger|warnings`` as staff who script use them."""

from __future__ import annotations

import datetime as dt
import json

import geopandas as gpd
import pytest
from typer.testing import CliRunner

from landgis.cli import app
from landgis.settings import DEMO_DATA

RUN = CliRunner()


@pytest.fixture(scope="module")
def url(databases):
    url = databases.new_url()
    result = RUN.invoke(app, ["demo", "--database-url", url])
    assert result.exit_code == 0, result.output
    return url


def _run(url: str, *args: str) -> str:
    result = RUN.invoke(app, [*args, "--database-url", url])
    assert result.exit_code == 0, result.output
    return result.output


def _fails(url: str, *args: str) -> str:
    result = RUN.invoke(app, [*args, "--database-url", url])
    assert result.exit_code == 2, result.output
    return result.output


def _free_parcel(url: str) -> str:
    ledger = {row["parcel_code"] for row in json.loads(_run(url, "ledger", "--json"))}
    codes = gpd.read_file(DEMO_DATA, layer="parcels", engine="pyogrio")["parcel_code"]
    return sorted(set(codes) - ledger)[0]


def test_a_case_from_opening_to_close_out(url):
    parcel = _free_parcel(url)
    year = dt.date.today().year
    out = _run(
        url,
        "case",
        "open",
        parcel,
        "--category",
        "idle",
        "--set",
        "cause=enterprise",
        "--note",
        "巡查发现",
        "--actor",
        "zhangwei",
    )
    case_no = f"XZ-{year}-001"
    assert f"{case_no}: 疑似闲置 (suspected), version 1" in out
    _run(url, "case", "status", case_no, "investigating", "--version", "1", "--doc", "调〔1〕号")
    missing = _fails(url, "case", "status", case_no, "identified", "--version", "2")
    assert "determination_no" in missing and "认定书文号" in missing
    _run(
        url,
        "case",
        "status",
        case_no,
        "identified",
        "--version",
        "2",
        "--set",
        "determination_no=认〔1〕号",
        "--set",
        f"identified_on={dt.date.today()}",
    )
    _run(
        url,
        "case",
        "status",
        case_no,
        "planned",
        "--set",
        "route=buyback",
        "--set",
        "plan_no=函〔2〕号",
    )
    _run(url, "case", "status", case_no, "disposing")
    out = _run(url, "case", "revitalize", case_no, "--area-mu", "5", "--building-m2", "0")
    assert "处置中" in out
    stale = _fails(url, "case", "revitalize", case_no, "--area-mu", "1", "--version", "5")
    assert "changed by someone else" in stale
    completing = (
        "case",
        "revitalize",
        case_no,
        "--area-mu",
        "2.5",
        "--complete",
        "--set",
        "new_holder=四川新锐科技有限公司",
    )
    short = _fails(url, *completing)  # 7.5 亩 of the parcel's idle area: to be confirmed
    assert "short of its idle area" in short and "--confirm" in short
    _run(url, *completing, "--confirm")
    out = _run(url, "case", "close", case_no, "--doc", "销〔3〕号")
    assert "已销号 (closed)" in out
    assert "read-only" in _fails(url, "case", "edit", case_no, "--set", "remarks=改")

    history = json.loads(_run(url, "case", "history", case_no, "--json"))
    assert [e["action"] for e in history["events"]] == [
        "open",
        "status",
        "status",
        "status",
        "status",
        "revitalize",
        "revitalize",
        "status",
    ]
    assert history["case"]["revitalized_area_m2"] == pytest.approx(7.5 * 2000 / 3)
    assert history["events"][0]["actor"] == "zhangwei"
    text = _run(url, "case", "history", case_no)
    assert "suspected → investigating" in text and "调〔1〕号" in text


def test_reopen_needs_a_reason(url):
    result = RUN.invoke(app, ["case", "reopen", "QX-XZ-2023-004", "--database-url", url])
    assert result.exit_code != 0 and "reason" in result.output


def test_ledger_and_warnings_on_a_past_date(url):
    rows = json.loads(_run(url, "ledger", "--as-of", "2023-08-31", "--json"))
    assert len(rows) == 13
    assert sum(r["overdue"] for r in rows) == 1
    warnings = json.loads(_run(url, "warnings", "--as-of", "2023-08-31", "--json"))
    assert any(w["code"] == "case_overdue" for w in warnings)
    assert "依据" in _run(url, "warnings", "--as-of", "2023-08-31")


def test_bad_dates_and_fields_are_refused_clearly(url):
    assert (
        RUN.invoke(app, ["ledger", "--as-of", "31/08/2023", "--database-url", url]).exit_code == 2
    )
    out = _fails(url, "case", "edit", "QX-XZ-2023-009", "--set", "route")
    assert "field=value" in out
    assert "No case numbered" in _fails(url, "case", "history", "NOPE")


def test_an_area_typed_in_mu_is_refused_in_mu(url):
    parcel = _free_parcel(url)
    said = _fails(url, "case", "open", parcel, "--set", "idle_area_mu=100000")
    assert "闲置面积 100000.00 亩 超过宗地面积" in said
    assert "Idle area 100000.00 mu exceeds the parcel's area" in said
    assert "㎡" not in said and "m²" not in said
