"""One clock: the library and the API read the date and time only through
:mod:`landgis.wallclock`, which tests can hold still."""

from __future__ import annotations

import ast
import datetime as dt
from dataclasses import replace
from pathlib import Path

import pytest

from landgis import wallclock
from landgis.clock import ClockFacts, clock_warnings
from landgis.ledger_rules.overdue import case_is_overdue

ROOT = Path(__file__).resolve().parents[2]
CLOCK_MODULE = ROOT / "landgis" / "wallclock.py"
# (object, attribute) pairs that read the system clock for a date or a time of day
SYSTEM_CLOCK = {
    ("date", "today"),
    ("datetime", "today"),
    ("datetime", "now"),
    ("datetime", "utcnow"),
    ("Timestamp", "now"),
    ("Timestamp", "today"),
    ("time", "localtime"),
    ("time", "gmtime"),
    ("time", "ctime"),
}


def _owner(node: ast.expr) -> str | None:
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        return node.attr
    return None


def _system_clock_reads(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    return [
        f"{path}:{node.lineno}: {_owner(node.value)}.{node.attr}"
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute) and (_owner(node.value), node.attr) in SYSTEM_CLOCK
    ]


def test_nothing_reads_the_system_clock_but_the_clock_module():
    sources = [p for folder in ("landgis", "api") for p in sorted((ROOT / folder).rglob("*.py"))]
    assert len(sources) > 50
    found = [hit for path in sources if path != CLOCK_MODULE for hit in _system_clock_reads(path)]
    assert found == []


def test_the_check_finds_a_system_clock_read(tmp_path):
    sample = tmp_path / "sample.py"
    sample.write_text(
        "import datetime as dt\nfrom datetime import date\n"
        "a = dt.date.today()\nb = date.today\n"
        "c = dt.datetime.now(dt.UTC)\nd = dt.date(2024, 1, 1)\n",
        encoding="utf-8",
    )
    assert [hit.split(": ")[1] for hit in _system_clock_reads(sample)] == [
        "date.today",
        "date.today",
        "datetime.now",
    ]
    assert _system_clock_reads(CLOCK_MODULE)  # the one place that does


def test_today_follows_the_frozen_clock():
    with wallclock.frozen_at(dt.date(2024, 2, 29)):
        assert wallclock.today() == dt.date(2024, 2, 29)
        assert wallclock.local_now().date() == dt.date(2024, 2, 29)
        with wallclock.frozen_at(dt.datetime(2030, 1, 1, 4, tzinfo=dt.UTC)):
            assert wallclock.utc_now() == dt.datetime(2030, 1, 1, 4, tzinfo=dt.UTC)
        assert wallclock.today() == dt.date(2024, 2, 29)
    before = dt.datetime.now().astimezone().date()
    now = wallclock.today()
    assert now in {before, dt.datetime.now().astimezone().date()}


def test_the_statutory_clock_and_the_overdue_rule_agree():
    facts = ClockFacts(
        parcel_code="QX-001",
        holder=None,
        agreed_start_date=None,
        actual_start_date=None,
        land_price_yuan=None,
        case_no="XZ-2024-001",
        status="disposing",
        deadline=dt.date(2024, 6, 30),
    )
    for status in ("suspected", "disposing", "revitalized", "closed", "dismissed"):
        for day in (dt.date(2024, 6, 29), dt.date(2024, 6, 30), dt.date(2024, 7, 1)):
            one = replace(facts, status=status)
            overdue = [w for w in clock_warnings([one], day) if w.code == "case_overdue"]
            assert bool(overdue) is case_is_overdue(status, one.deadline, day), (status, day)
    assert case_is_overdue("disposing", dt.date(2024, 6, 30), dt.date(2024, 7, 1))
    assert not case_is_overdue("disposing", None, dt.date(2024, 7, 1))
    assert not case_is_overdue("disposing", float("nan"), dt.date(2024, 7, 1))
    with pytest.raises(TypeError, match="deadline"):
        case_is_overdue("disposing", "2024-06-30", dt.date(2024, 7, 1))
