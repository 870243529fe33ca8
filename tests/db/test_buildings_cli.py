"""``landgis buildings add`` and ``landgis buildings import`` on a demo county of the
module's own (both backends): the listing still answers ``landgis buildings``; a drawn
footprint goes on its parcel, one across two parcels is refused (exit status 2); a file
is checked (nothing written) then imported."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from landgis.cli import app as cli
from tests.footprint_places import (
    FREE,
    NEIGHBOUR,
    OTHER,
    geojson,
    square_across,
    square_in,
    write_footprints,
)

RUN = CliRunner()


@pytest.fixture(scope="module")
def site(databases):
    return databases.demo()


def _cli(site, *args: str):
    return RUN.invoke(cli, [*args, "--database-url", site.url], env={"LANDGIS_LANGUAGE": "zh"})


def _count(site) -> int:
    listed = _cli(site, "buildings", "--json")
    assert listed.exit_code == 0, listed.output
    return len(json.loads(listed.output))


def test_a_building_is_drawn_and_a_footprint_across_parcels_refused(site):
    before = _count(site)
    drawn = json.dumps(geojson(square_in(FREE)))

    added = _cli(
        site, "buildings", "add", "--geometry", drawn, "--name", "5号厂房", "--floors", "2"
    )

    assert added.exit_code == 0, added.output
    assert f"5号厂房:宗地 {FREE},占地 900.00 ㎡,建筑面积 1,800.00 ㎡" in added.output
    across = json.dumps(geojson(square_across()))
    refused = _cli(site, "buildings", "add", "--geometry", across, "--name", "x", "--floors", "1")
    assert refused.exit_code == 2
    assert "之外(至多允许 5%)" in refused.output and NEIGHBOUR in refused.output
    assert _count(site) == before + 1


def test_a_file_is_checked_then_imported(site, tmp_path):
    rows = [{"name": "A", "floors": 1}, {"name": "B", "floors": 2}]
    path = write_footprints(tmp_path / "fp.gpkg", rows, [square_in(NEIGHBOUR), square_in(OTHER)])
    before = _count(site)

    checked = _cli(site, "buildings", "import", str(path), "--check")

    assert checked.exit_code == 0, checked.output
    assert "检查通过(未写入):厂房 2 栋可以导入" in checked.output
    assert f"第 2 行 B → 宗地 {OTHER},占地 900.00 ㎡,建筑面积 1,800.00 ㎡" in checked.output
    assert _count(site) == before
    done = _cli(site, "buildings", "import", str(path), "--json")
    assert done.exit_code == 0, done.output
    assert json.loads(done.output)["stored"] == 2
    assert _count(site) == before + 2
