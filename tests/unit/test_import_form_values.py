"""The import form shown again after a check: what was chosen kept, and what the check's
problems suggest (their ``suggestion``) chosen instead, said in words."""

from __future__ import annotations

from api.uploads import UploadForm
from api.web.import_form import OTHER, form_values, options_summary, read_options

STAGED = {
    "crs": "",
    "layer": "",
    "mode": "upsert",
    "swap_xy": False,
    "from_gcj02": False,
    "code_template": "{XZQ}-{ZDH}",
}


def test_a_fresh_form_takes_the_files_own_system_and_nothing_else():
    values = form_values()
    assert (values.crs, values.crs_other, values.mode, values.codes) == ("", "", "insert", "file")
    assert not values.swap_xy and not values.from_gcj02 and values.notice is None


def test_the_first_suggested_system_is_chosen_the_others_named():
    problems = [{"suggestion": {"crs": ["EPSG:4543", "EPSG:4544"], "swap_xy": True}}]
    values = form_values(STAGED, problems)
    assert values.crs == "EPSG:4543" and values.swap_xy
    assert values.suggested == {"crs", "swap_xy"}
    notice = values.notice
    assert notice is not None
    said = notice.render("zh")
    assert "CGCS2000 3° 带 中央经线 102°E(EPSG:4543)(也可能是 EPSG:4544)" in said
    assert "已勾选“交换 X/Y”" in said
    english = notice.render("en")
    assert "“Coordinate system” is set to CGCS2000 3° zone, central meridian 102°E" in english
    # What was chosen stays: the mode and the code template are never changed.
    assert values.mode == "upsert" and values.codes == "template"
    assert values.code_template == "{XZQ}-{ZDH}"


def test_no_guess_leaves_the_choice_to_the_user():
    values = form_values(STAGED, [{"suggestion": {"crs": []}}])
    assert values.crs == "" and "crs" in values.suggested
    assert "请在“坐标系”中选择文件所用的坐标系" in str(values.notice)


def test_a_system_not_listed_is_typed_in_under_other():
    values = form_values({"crs": "EPSG:3857"})
    assert (values.crs, values.crs_other) == (OTHER, "EPSG:3857")
    assert form_values({"crs": "4523"}).crs == "EPSG:4523"


def test_one_layer_is_filled_in_several_are_offered():
    one = form_values(STAGED, [{"suggestion": {"layer": ["宗地"]}}])
    assert one.layer == "宗地" and one.layers == ("宗地",)
    several = form_values(STAGED, [{"suggestion": {"layer": ["宗地", "界址点"]}}])
    assert several.layer == "" and several.layers == ("宗地", "界址点")
    assert "宗地、界址点" in str(several.notice)


def test_the_gcj02_correction_is_ticked_once_for_many_problems():
    problems = [{"suggestion": {"from_gcj02": True}}] * 3 + [{"suggestion": {"mode": "upsert"}}]
    values = form_values({"mode": "insert"}, problems)
    assert values.from_gcj02 and values.mode == "insert"  # updating is never chosen
    assert str(values.notice).count("GCJ-02") == 1


def test_the_posted_choices_are_read_as_staged():
    form = UploadForm(
        fields={
            "crs": OTHER,
            "crs_other": " EPSG:4549 ",
            "layer": "宗地",
            "mode": "upsert",
            "swap_xy": "1",
            "from_gcj02": "1",
            "codes": "assign",
            "assign_codes": "QX",
            "code_template": "{A}",
            "skip_invalid": "1",
        }
    )
    options = read_options(form)
    assert options == {
        "crs": "EPSG:4549",
        "layer": "宗地",
        "mode": "upsert",
        "swap_xy": True,
        "from_gcj02": True,
        "skip_invalid": True,
        "assign_codes": "QX",
    }
    listed = read_options(UploadForm(fields={"crs": "EPSG:4544", "crs_other": "ignored"}))
    assert listed["crs"] == "EPSG:4544" and not listed["from_gcj02"]
    said = [t.render("zh") for t in options_summary(options | {"mapping_name": "对照.yaml"})]
    assert said[0] == "映射文件 对照.yaml" and "GCJ-02 纠正" in said
    assert said[-1] == "跳过有错误的行"
    assert form_values(options).skip_invalid
    assert not read_options(UploadForm(fields={}))["skip_invalid"]


ROW_ERRORS = [
    {"row": 2, "severity": "error"},
    {"row": 3, "severity": "error"},
    {"row": None, "severity": "warning"},
]


def test_skipping_the_bad_rows_is_suggested_when_every_error_is_a_rows_own():
    values = form_values({}, ROW_ERRORS, passing=4)
    assert "skip_invalid" in values.suggested
    assert not values.skip_invalid, "leaving rows out is never chosen for the user"
    assert "先导入通过检查的 4 行" in values.notice.render("zh")
    assert "import the 4 rows that pass" in values.notice.render("en")


def test_skipping_is_not_suggested_when_it_would_not_help():
    file_error = [*ROW_ERRORS, {"row": None, "severity": "error"}]
    for staged, problems, passing in (
        ({}, file_error, 4),  # the file as a whole is at fault
        ({}, ROW_ERRORS, 0),  # no row passes
        ({}, ROW_ERRORS[2:], 4),  # warnings only
        ({"skip_invalid": True}, ROW_ERRORS, 4),  # chosen already
    ):
        values = form_values(staged, problems, passing=passing)
        assert "skip_invalid" not in values.suggested and values.notice is None
