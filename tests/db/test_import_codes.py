"""Parcel codes given by the import: numbered from a prefix, or composed from columns."""

from __future__ import annotations

import json

import geopandas as gpd
import pytest
from shapely.affinity import translate
from shapely.geometry import box
from sqlalchemy import func, select
from typer.testing import CliRunner

from landgis.cli import app
from landgis.db.models import Parcel
from landgis.imports import ImportOptions, ImportRefused, import_parcels
from landgis.io.codes import code_options, compose, next_number, numbered, parse_template
from landgis.io.problems import FileRefused

ORIGIN = (104.90, 30.17)


def _square(i: int):
    x, y = ORIGIN
    return translate(box(0, 0, 0.001, 0.0009), x + i * 0.002, y)


def _file(tmp_path, name: str, columns: dict, start: int = 0):
    n = len(next(iter(columns.values())))
    frame = gpd.GeoDataFrame(columns, geometry=[_square(start + i) for i in range(n)], crs=4490)
    path = tmp_path / name
    frame.to_file(path, driver="GeoJSON")
    return path


def _codes(session, prefix: str) -> list[str]:
    found = session.scalars(select(Parcel.parcel_code).where(Parcel.parcel_code.like(f"{prefix}%")))
    return sorted(found)


def test_numbers_and_templates_in_the_module():
    assert next_number("QX", ["QX-0007", "QX-0002", "QXA-0099", "QX-7a"]) == 8
    assert numbered("QX", 8) == "QX-0008" and numbered("QX", 12345) == "QX-12345"
    template = parse_template("{段小段}-{地號}")
    assert template.columns == ["段小段", "地號"]
    codes, blank = compose(
        template,
        [{"段小段": "A段", "地號": 12.0}, {"段小段": "B段", "地號": None}],
        {"段小段": "段小段", "地號": "地號"},
    )
    assert codes == ["A段-12", None] and blank == {1: "地號"}
    assert code_options(assign_codes="南区_1").prefix == "南区_1"
    for bad in ("QX 1", "a" * 21, "QX/1"):
        with pytest.raises(FileRefused, match="前缀"):
            code_options(assign_codes=bad)
    for bad in ("{}", "A-{B", "plain"):
        with pytest.raises(FileRefused, match="编号模板"):
            code_options(code_template=bad)
    with pytest.raises(FileRefused, match="只能选择其一"):
        code_options(assign_codes="QX", code_template="{A}")
    with pytest.raises(FileRefused, match="只能选择其一"):
        code_options(assign_codes="QX", mapping={"code_template": "{A}"})


def test_assigned_codes_continue_after_the_highest_stored(session, tmp_path):
    first = _file(tmp_path, "a.geojson", {"权利人": ["甲", "乙", "丙"]})
    report = import_parcels(session, first, ImportOptions.build(assign_codes="QXA"))
    assert report.parcel_codes == ["QXA-0001", "QXA-0002", "QXA-0003"]
    assert report.assigned_codes == [
        {"row": 1, "parcel_code": "QXA-0001"},
        {"row": 2, "parcel_code": "QXA-0002"},
        {"row": 3, "parcel_code": "QXA-0003"},
    ]
    second = _file(tmp_path, "b.geojson", {"权利人": ["丁", "戊"]}, start=5)
    dry = import_parcels(session, second, ImportOptions.build(assign_codes="QXA"), dry_run=True)
    done = import_parcels(session, second, ImportOptions.build(assign_codes="QXA", batch_size=1))
    assert dry.parcel_codes == done.parcel_codes == ["QXA-0004", "QXA-0005"]
    assert _codes(session, "QXA-") == [f"QXA-000{i}" for i in range(1, 6)]


def test_a_row_with_its_own_code_keeps_it(session, tmp_path):
    path = _file(tmp_path, "c.geojson", {"宗地编号": [None, "OWN-1", None]})
    report = import_parcels(session, path, ImportOptions.build(assign_codes="QXB"))
    assert report.parcel_codes == ["QXB-0001", "OWN-1", "QXB-0002"]
    assert [c["row"] for c in report.assigned_codes] == [1, 3]


def test_codes_composed_from_two_columns(session, tmp_path):
    path = _file(tmp_path, "d.geojson", {"段小段": ["东段", "东段"], "地號": [101, 102]})
    report = import_parcels(session, path, ImportOptions.build(code_template="{段小段}-{地號}"))
    assert report.parcel_codes == ["东段-101", "东段-102"]
    assert [c["parcel_code"] for c in report.assigned_codes] == ["东段-101", "东段-102"]
    stored = session.scalar(select(Parcel).where(Parcel.parcel_code == "东段-101"))
    assert stored.extra["地號"] == 101


def test_a_template_naming_a_missing_column_is_refused_listing_the_columns(session, tmp_path):
    path = _file(tmp_path, "e.geojson", {"XZQDM": ["510101"], "权利人": ["甲"]})
    with pytest.raises(ImportRefused) as refused:
        import_parcels(session, path, ImportOptions.build(code_template="{XZQDM}{ZDH}"))
    found = refused.value.report.problems[0]
    assert found.kind == "code_option_invalid"
    assert "ZDH" in found.message and "XZQDM、权利人" in found.message
    assert "the file's columns: XZQDM, 权利人" in found.message_en


def test_a_row_with_an_empty_template_column_refuses_the_file(session, tmp_path):
    before = session.scalar(select(func.count(Parcel.id)))
    path = _file(tmp_path, "f.geojson", {"XZQDM": ["510101", "510101"], "ZDH": ["7", None]})
    with pytest.raises(ImportRefused) as refused:
        import_parcels(session, path, ImportOptions.build(code_template="{XZQDM}{ZDH}"))
    [error] = [p for p in refused.value.report.problems if p.severity == "error"]
    assert error.kind == "missing_code" and error.row == 2
    assert "“ZDH”列为空" in error.message and 'column "ZDH"' in error.message_en
    assert session.scalar(select(func.count(Parcel.id))) == before


def test_both_options_at_once_are_refused():
    with pytest.raises(FileRefused) as refused:
        ImportOptions.build(assign_codes="QX", code_template="{A}")
    assert refused.value.kind == "code_option_invalid"


def test_the_mapping_file_gives_the_options(session, tmp_path):
    path = _file(tmp_path, "h.geojson", {"段": ["西段"], "号": [3], "单位": ["某公司"]})
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text('code_template: "{段}-{号}"\n单位: holder\n', encoding="utf-8")
    report = import_parcels(session, path, ImportOptions.build(mapping=mapping))
    assert report.parcel_codes == ["西段-3"]
    assert not [p for p in report.problems if p.kind == "mapping_unused"]
    numbered_map = tmp_path / "numbered.json"
    numbered_map.write_text(json.dumps({"assign_codes": "QXM"}), encoding="utf-8")
    other = _file(tmp_path, "i.geojson", {"单位": ["某公司"]}, start=4)
    report = import_parcels(session, other, ImportOptions.build(mapping=numbered_map))
    assert report.parcel_codes == ["QXM-0001"]


def test_missing_codes_name_both_choices_and_the_command_line_options(demo_engine, tmp_path):
    path = _file(tmp_path, "j.geojson", {"权利人": ["甲"]})
    url = demo_engine.url.render_as_string(hide_password=False)
    runner = CliRunner()
    options = ["--no-progress", "--database-url", url]
    refused = runner.invoke(app, ["import", str(path), *options])
    assert refused.exit_code == 2
    assert "“自动编号(前缀)”或“由列组合(模板)”" in refused.output
    assert "--assign-codes" in refused.output and "--code-template" in refused.output
    result = runner.invoke(
        app,
        ["import", str(path), "--assign-codes", "QXC", "--dry-run", "--json", *options],
    )
    assert result.exit_code == 0, result.output
    body = json.loads(result.output)
    assert body["assigned_codes"][0]["parcel_code"].startswith("QXC-")
    both = runner.invoke(
        app,
        ["import", str(path), "--assign-codes", "QX", "--code-template", "{A}", *options],
    )
    assert both.exit_code == 2 and "只能选择其一" in both.output
