"""``landgis buildings``, ``units add``, ``lease sign/start/end``, ``leases`` and the
leases' warnings in ``landgis warnings``, on a demo county of the module's own (both
backends): the same use cases as every door, refusals said plainly with exit status 2."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from typer.testing import CliRunner

from landgis.cli import app as cli
from landgis.wallclock import frozen_at

RUN = CliRunner()
TODAY = dt.date.today()


@pytest.fixture(scope="module")
def site(databases):
    return databases.demo()


def _cli(site, *args: str):
    return RUN.invoke(cli, [*args, "--database-url", site.url], env={"LANDGIS_LANGUAGE": "zh"})


def _building_id(site, parcel_code: str, name: str) -> int:
    listed = _cli(site, "buildings", "--json")
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.output)
    return next(r["id"] for r in rows if r["parcel_code"] == parcel_code and r["name"] == name)


def test_units_and_a_lease_of_a_cases_idle_building(site):
    building = _building_id(site, "519901001003GB00088", "2号厂房")  # QX-XZ-2023-013
    added = _cli(site, "units", "add", str(building), "--unit", "1F:900:1:8:30", "--unit", "2F:700")
    assert added.exit_code == 0, added.output
    assert "1F 900.00 ㎡" in added.output

    signed = _cli(
        site, "lease", "sign", str(building), "--units", "1F,2F",
        "--tenant", "青溪县鑫源食品有限公司", "--from", "2024-03-01", "--to", "2027-02-28",
        "--rent", "8.5", "--project", "速冻食品生产线",
    )  # fmt: skip

    assert signed.exit_code == 0, signed.output
    assert "ZL-2024-001" in signed.output and "租赁中" in signed.output
    assert "QX-XZ-2023-013" in signed.output
    history = json.loads(_cli(site, "case", "history", "QX-XZ-2023-013", "--json").output)
    assert history["events"][-1]["occurred_on"] == "2024-03-01"
    assert "租约 ZL-2024-001" in history["events"][-1]["note"]
    row = next(
        r
        for r in json.loads(_cli(site, "buildings", "--zone", "QX-KFQ-CC", "--json").output)
        if r["id"] == building
    )
    assert (row["leased_m2"], row["vacant_m2"]) == (1600.0, 0.0)

    overlap = _cli(
        site, "lease", "sign", str(building), "--units", "2F", "--tenant", "乙",
        "--from", "2025-01-01", "--to", "2025-12-31",
    )  # fmt: skip
    assert overlap.exit_code == 2
    assert "一个单元同一时间只能有一份租约" in overlap.output

    ended = _cli(site, "lease", "end", "ZL-2024-001", "--on", "2025-06-30", "--reason", "退租")
    assert ended.exit_code == 0, ended.output
    assert "已结束" in ended.output and "2025-06-30 结束" in ended.output
    row = next(
        r for r in json.loads(_cli(site, "buildings", "--json").output) if r["id"] == building
    )
    assert (row["leased_m2"], row["vacant_m2"]) == (0.0, 1600.0)


def test_expiring_leases_are_listed_and_warned_of(site):
    # The day the leases' ends are counted from, held for the whole test (it may run
    # across midnight).
    with frozen_at(TODAY):
        building = _building_id(site, "519901004002GB00002", "3号厂房")
        assert (
            _cli(
                site, "units", "add", str(building), "--unit", "A:500", "--unit", "B:500"
            ).exit_code
            == 0
        )
        soon = (TODAY + dt.timedelta(days=15)).isoformat()
        past = (TODAY - dt.timedelta(days=3)).isoformat()
        for unit, end in (("A", soon), ("B", past)):
            signed = _cli(
                site, "lease", "sign", str(building), "--units", unit, "--tenant", f"{unit}公司",
                "--from", "2023-01-01", "--to", end, "--lease-no", f"ZL-2023-9{unit == 'B':d}1",
            )  # fmt: skip
            assert signed.exit_code == 0, signed.output

        expiring = json.loads(_cli(site, "leases", "--expiring", "--json").output)
        warnings = _cli(site, "warnings")
        as_json = json.loads(_cli(site, "warnings", "--json").output)

        assert {row["lease_no"] for row in expiring} >= {"ZL-2023-901", "ZL-2023-911"}
        assert warnings.exit_code == 0, warnings.output
        assert "租约 ZL-2023-901(A公司,3号厂房 A)将于" in warnings.output
        assert "还剩 15 天" in warnings.output
        assert "租约 ZL-2023-911(B公司,3号厂房 B)已于" in warnings.output
        assert "依据:租约 ZL-2023-911" in warnings.output
        codes = {w["lease_no"]: (w["code"], w["severity"]) for w in as_json if w["lease_no"]}
        assert codes["ZL-2023-901"] == ("lease_expiring", "info")
        assert codes["ZL-2023-911"] == ("lease_overdue", "overdue")


def test_a_lease_signed_ahead_and_the_refusals(site):
    building = _building_id(site, "519901004002GB00002", "1号厂房")
    assert _cli(site, "units", "add", str(building), "--unit", "A:300").exit_code == 0
    ahead = _cli(
        site, "lease", "sign", str(building), "--units", "A", "--tenant", "丙",
        "--from", (TODAY + dt.timedelta(days=3)).isoformat(), "--to", "2099-01-01",
    )  # fmt: skip
    assert ahead.exit_code == 0 and "已签约未起租" in ahead.output
    lease_no = ahead.output.split(":")[0].strip()

    early = _cli(site, "lease", "start", lease_no)
    due = _cli(site, "lease", "start", "--due")
    listed = json.loads(_cli(site, "leases", "--status", "signed", "--json").output)

    assert early.exit_code == 2 and "尚未到期" in early.output
    assert due.exit_code == 0 and "已起租 0 份租约" in due.output
    assert lease_no in {row["lease_no"] for row in listed}
    assert _cli(site, "lease", "start").exit_code == 2
    bad_unit = _cli(site, "units", "add", str(building), "--unit", "B")
    assert bad_unit.exit_code == 2 and "编号:面积" in bad_unit.output
    assert _cli(site, "units", "add", "999999", "--unit", "B:1").exit_code == 2
    assert _cli(site, "lease", "end", "ZL-1999-001").exit_code == 2
    assert _cli(site, "buildings", "--kind", "shed").exit_code == 2
