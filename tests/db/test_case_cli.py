"""``landgis case …`` and ``landgis ledger|warnings`` as staff who script use them."""

from __future__ import annotations

import datetime as dt
import json
import re

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
    assert f"{case_no}:疑似闲置,版本 1" in out
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
    assert "已被他人修改" in stale
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
    assert "比闲置面积" in short and "确认办结请加 --confirm" in short
    _run(url, *completing, "--confirm")
    out = _run(url, "case", "close", case_no, "--doc", "销〔3〕号")
    assert f"{case_no}:已销号,版本" in out
    assert "只读" in _fails(url, "case", "edit", case_no, "--set", "remarks=改")

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
    assert "疑似闲置 → 调查中" in text and "调〔1〕号" in text
    assert "当前:已销号,版本 8" in text


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


def _data_of_the_demo() -> str:
    """Every text of the demo county's layers (names, holders, document numbers, notes)."""
    layers = ("zones", "parcels", "buildings", "cases", "case_events")
    frames = [gpd.read_file(DEMO_DATA, layer=name, engine="pyogrio") for name in layers]
    return "\n".join(
        str(value) for frame in frames for column in frame.columns for value in frame[column]
    )


def _chinese_beyond(text: str, data: str) -> set[str]:
    """The runs of Chinese characters in ``text`` that are not part of the county's data."""
    return {run for run in re.findall(r"[\u4e00-\u9fff]+", text) if run not in data}


def test_warnings_are_printed_in_the_configured_language(url, cli_in):
    data = _data_of_the_demo()
    english = cli_in("en", "warnings", "--as-of", "2023-08-31", "--database-url", url)
    assert english.exit_code == 0, english.output
    assert "Basis: " in english.output and "[Overdue]" in english.output
    count = len(json.loads(_run(url, "warnings", "--as-of", "2023-08-31", "--json")))
    assert english.output.rstrip().endswith(f"{count} warnings")
    assert not _chinese_beyond(english.output, data)
    chinese = cli_in("zh", "warnings", "--as-of", "2023-08-31", "--database-url", url)
    assert chinese.exit_code == 0, chinese.output
    assert "依据:" in chinese.output and "[已逾期]" in chinese.output
    assert chinese.output.rstrip().endswith(f"共 {count} 条提醒")
    assert "Basis" not in chinese.output


def test_a_refused_status_change_names_the_missing_fields_in_the_configured_language(url, cli_in):
    parcel = _free_parcel(url)
    out = _run(url, "case", "open", parcel, "--set", "cause=enterprise")
    case_no = out.split(":")[0]
    _run(url, "case", "status", case_no, "investigating")
    change = ("case", "status", case_no, "identified", "--database-url", url)

    english = cli_in("en", *change)
    assert english.exit_code == 2, english.output
    assert english.stdout == ""
    assert english.stderr.startswith("Error: Moving to Determined idle needs: ")
    assert "Determination number, Determined on." in english.stderr
    assert "  determination_no: missing" in english.stderr
    assert not re.search(r"[\u4e00-\u9fff]", english.stderr)

    chinese = cli_in("zh", *change)
    assert chinese.exit_code == 2, chinese.output
    assert chinese.stderr.startswith("错误:改为“已认定”需要填写:认定书文号、认定日期。")
    assert "  determination_no:缺少" in chinese.stderr
    assert "Error" not in chinese.stderr

    moved = cli_in(
        "en",
        *change,
        "--set",
        "determination_no=认〔9〕号",
        "--set",
        "identified_on=2024-01-02",
    )
    assert moved.exit_code == 0, moved.output
    assert moved.stdout == f"{case_no}: Determined idle, version 3\n"
    history = cli_in("en", "case", "history", case_no, "--database-url", url)
    assert "Status changed Under investigation → Determined idle" in history.stdout
    assert history.stdout.rstrip().endswith("Now: Determined idle, version 3")
    assert not re.search(r"[\u4e00-\u9fff]", history.stdout)


def test_bad_dates_and_fields_are_refused_clearly(url, cli_in):
    assert (
        RUN.invoke(app, ["ledger", "--as-of", "31/08/2023", "--database-url", url]).exit_code == 2
    )
    out = _fails(url, "case", "edit", "QX-XZ-2023-009", "--set", "route")
    assert "字段=值" in out
    assert "NOPE" in _fails(url, "case", "history", "NOPE")
    english = cli_in("en", "case", "history", "NOPE", "--database-url", url)
    assert english.exit_code == 2 and "No case numbered" in english.stderr


def test_an_area_typed_in_mu_is_refused_in_mu(url, cli_in):
    parcel = _free_parcel(url)
    opening = ("case", "open", parcel, "--set", "idle_area_mu=100000")
    said = _fails(url, *opening)
    assert "闲置面积 100000.00 亩 超过宗地面积" in said
    english = cli_in("en", *opening, "--database-url", url)
    assert english.exit_code == 2
    assert "Idle area 100000.00 mu exceeds the parcel's area" in english.stderr
    assert not any("㎡" in text or "m²" in text for text in (said, english.stderr))
