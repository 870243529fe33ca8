"""Reader and import messages in the user's words: geometry reasons and types, the
terminal report in the language asked."""

import shapely

from landgis.i18n import _
from landgis.imports import ImportReport
from landgis.imports.file_checks import missing_code_problem
from landgis.io.validate import geometry_type_name, invalid_reason


def test_an_invalid_geometry_is_said_in_words_with_its_place():
    bowtie = shapely.from_wkt("POLYGON ((0 0, 1 1, 1 0, 0 1, 0 0))")
    said = invalid_reason(shapely.is_valid_reason(bowtie))
    assert said.render("zh") == "边界自相交(位于 0.5 0.5)"
    assert said.render("en") == "self-intersection at 0.5 0.5"
    assert invalid_reason("Something new") == "Something new"


def test_a_geometry_type_is_named_in_the_rendering_language():
    text = _("图形类型为 {geometry_type},不是面", geometry_type=geometry_type_name("Point"))
    assert text.render("zh") == "图形类型为 点,不是面"
    assert text.render("en") == "geometry is a point, not a polygon"
    assert geometry_type_name("CircularString") == "CircularString"


def test_the_terminal_report_in_one_language_without_codes():
    missing = missing_code_problem(2)
    report = ImportReport(source="a.geojson", problems=[missing], format="GeoJSON")
    zh = "\n".join(report.text_lines(hint=lambda item: _("(命令行:{options})", options="x")))
    en = "\n".join(report.text_lines(lang="en"))
    assert "错误:导入被拒绝,未写入任何宗地(错误 1 处,警告 0 处)" in zh
    assert "[错误] 第 2 行:缺少宗地编号" in zh and "(命令行:x)" in zh
    assert "Error: import refused, nothing written (1 errors, 0 warnings)" in en
    assert "[Error] row 2: missing parcel code" in en
    assert "missing_code" not in zh + en and "导入" not in en
