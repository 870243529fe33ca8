"""Importing a year's enterprise figures: the county's own tables read, checked, matched to
the parcels held, and a year's rows replaced all at once or not at all."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from libreoffice import converted
from sqlalchemy import select, update

from landgis.db.models import EnterpriseFigures, Parcel
from landgis.efficiency.imports import FiguresOptions, FiguresRefused, import_figures

# Demo county holders (土地使用权人) and their credit codes.
HONGYUAN = ("四川宏远新能源科技有限公司", "9151990174094332X6")
LIANCHUANG = ("四川联创金属制品有限公司", "915199019722851356")
SHUXING = ("四川蜀兴食品有限公司", "91519901684307379H")
ZHENGCHANG = ("四川正昌汽车零部件有限公司", "915199010305497669")
# 联创's code with a wrong check character (6 is right).
WRONG_CODE = "915199019722851350"


def _workbook(path: Path, rows: list[list[Any]], merges: tuple[str, ...] = ()) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "亩均效益"
    for row in rows:
        sheet.append(row)
    for cells in merges:
        sheet.merge_cells(cells)
    book.save(path)
    return path


def _stored(session, year: int) -> list[tuple]:
    found = session.scalars(
        select(EnterpriseFigures)
        .where(EnterpriseFigures.year == year)
        .order_by(EnterpriseFigures.source_row)
    )
    return [
        (f.name, f.credit_code, f.tax_yuan, f.revenue_yuan, f.emissions_t, f.extra, f.source_row)
        for f in found
    ]


def _parcel_codes(session, **where: Any) -> set[str]:
    query = select(Parcel.parcel_code).filter_by(**where)
    return set(session.scalars(query))


@pytest.fixture
def holdings(session) -> dict[str, set[str]]:
    """The demo county changed a little: 蜀兴 registered without its credit code and with
    a half-width (青溪) in its name; 宏远 holding a second parcel (正昌's)."""
    shuxing = "四川蜀兴食品(青溪)有限公司"
    session.execute(
        update(Parcel)
        .where(Parcel.credit_code == SHUXING[1])
        .values(holder=shuxing, credit_code=None)
    )
    session.execute(
        update(Parcel)
        .where(Parcel.credit_code == ZHENGCHANG[1])
        .values(holder=HONGYUAN[0], credit_code=HONGYUAN[1])
    )
    session.flush()
    return {
        "hongyuan": _parcel_codes(session, credit_code=HONGYUAN[1]),
        "shuxing": _parcel_codes(session, holder=shuxing),
    }


HEADER = [
    "序号",
    "企业名称",
    "统一社会信用代码",
    "税收(万元)",
    "营业收入（万元）",
    "所属行业",
    "备注",
]


def test_a_workbook_is_matched_by_code_and_by_name_and_stored_in_yuan(session, holdings, tmp_path):
    path = _workbook(
        tmp_path / "2023.xlsx",
        [
            HEADER,
            [1, HONGYUAN[0], HONGYUAN[1], 120.5, 3000, "电气机械", "重点企业"],
            [2, "四川蜀兴食品（青溪）有限公司", None, 8, 260, "食品制造", None],
            [3, "四川联创金属制品有限责任公司", None, 3, 90.25, "金属制品", None],
        ],
    )
    assert len(holdings["hongyuan"]) == 2
    demo_rows = len(_stored(session, 2023))  # the demo county's own figures of 2023

    report = import_figures(session, path, FiguresOptions.build(year=2023))

    assert report.accepted and report.stored == 3 and report.replaced == demo_rows
    assert report.header_row == 1 and report.format == "XLSX" and report.sheet == "亩均效益"
    (by_code,) = report.matched("code")
    assert (by_code.row, by_code.credit_code) == (2, HONGYUAN[1])
    assert set(by_code.parcels) == holdings["hongyuan"]
    (by_name,) = report.matched("name")
    assert by_name.row == 3 and set(by_name.parcels) == holdings["shuxing"]
    (unmatched,) = report.matched("none")
    assert unmatched.row == 4 and unmatched.parcels == ()
    assert unmatched.near_misses == (LIANCHUANG[0],)
    assert _stored(session, 2023) == [
        (
            HONGYUAN[0],
            HONGYUAN[1],
            1205000.0,
            30000000.0,
            None,
            {"industry": "电气机械", "备注": "重点企业"},
            2,
        ),
        (
            "四川蜀兴食品（青溪）有限公司",
            None,
            80000.0,
            2600000.0,
            None,
            {"industry": "食品制造"},
            3,
        ),
        (
            "四川联创金属制品有限责任公司",
            None,
            30000.0,
            902500.0,
            None,
            {"industry": "金属制品"},
            4,
        ),
    ]
    tax = next(c for c in report.columns if c["field"] == "tax_yuan")
    assert tax == {"column": "税收(万元)", "field": "tax_yuan", "unit": "万元", "factor": 1e4}
    assert "序号" not in [c["column"] for c in report.columns]
    body = report.to_dict()
    json.dumps(body)  # JSON-ready
    assert body["unmatched"][0]["near_misses"] == [LIANCHUANG[0]]
    assert [m["row"] for m in body["matched_by_name"]] == [3]
    lines = "\n".join(report.text_lines(lang="zh"))
    assert "未匹配到宗地:第 4 行 四川联创金属制品有限责任公司" in lines
    assert "相近的土地使用权人:四川联创金属制品有限公司" in lines
    english = "\n".join(report.text_lines(lang="en"))
    assert "holders with similar names: 四川联创金属制品有限公司" in english


def test_a_wrong_check_character_refuses_the_file_and_leaves_the_table_as_it_was(session, tmp_path):
    first = _workbook(tmp_path / "first.xlsx", [HEADER, [1, *HONGYUAN, 10, 100, None, None]])
    import_figures(session, first, FiguresOptions.build(year=2023))
    before = _stored(session, 2023)
    wrong = _workbook(
        tmp_path / "wrong.xlsx",
        [
            HEADER,
            [1, HONGYUAN[0], HONGYUAN[1], 99, 999, None, None],
            [2, LIANCHUANG[0], WRONG_CODE, 5, 50, None, None],
        ],
    )

    with pytest.raises(FiguresRefused) as refused:
        import_figures(session, wrong, FiguresOptions.build(year=2023))

    assert _stored(session, 2023) == before
    (found,) = refused.value.report.problems
    assert (found.row, found.kind, found.is_error) == (3, "invalid_credit_code", True)
    assert WRONG_CODE in found.message and "应为 6" in found.message
    assert "should be 6, not 0" in found.message_en
    assert refused.value.message.startswith("第 3 行:统一社会信用代码 915199019722851350")
    report = refused.value.report
    assert not report.accepted and report.stored == 0 and report.refused == 2
    assert refused.value.to_dict()["report"]["problems"][0]["row"] == 3

    kept = import_figures(session, wrong, FiguresOptions.build(year=2023, skip_invalid=True))
    assert kept.stored == 1 and kept.refused == 1 and kept.replaced == 1
    assert [row[:3] for row in _stored(session, 2023)] == [(*HONGYUAN, 990000.0)]


def test_a_year_imported_again_replaces_that_year_only(session, tmp_path):
    def figures(tax: float) -> list[list[Any]]:
        return [HEADER, [1, *HONGYUAN, tax, 100, None, None], [2, *LIANCHUANG, 2, 20, None, None]]

    import_figures(session, _workbook(tmp_path / "a.xlsx", figures(10)), FiguresOptions(year=2022))
    import_figures(session, _workbook(tmp_path / "b.xlsx", figures(11)), FiguresOptions(year=2023))
    last_year = _stored(session, 2022)

    again = _workbook(tmp_path / "c.xlsx", [HEADER, [1, *HONGYUAN, 12, 100, None, None]])
    dry = import_figures(session, again, FiguresOptions(year=2023), dry_run=True)
    assert dry.accepted and dry.dry_run and dry.stored == 1 and dry.replaced == 2
    assert len(_stored(session, 2023)) == 2
    report = import_figures(session, again, FiguresOptions(year=2023))

    assert report.replaced == 2 and report.stored == 1
    assert [row[:3] for row in _stored(session, 2023)] == [(*HONGYUAN, 120000.0)]
    assert _stored(session, 2022) == last_year
    assert [row[2] for row in last_year] == [100000.0, 20000.0]


def test_a_gbk_csv_is_read(session, tmp_path):
    text = (
        "统一社会信用代码,纳税人名称,实缴税收(元),主营业务收入,从业人员\n"
        f'{HONGYUAN[1]},{HONGYUAN[0]},"1,234,567.5",8000000,88\n'
        f"{LIANCHUANG[1]},{LIANCHUANG[0]},-,500000,12\n"
    )
    path = tmp_path / "税收.csv"
    path.write_bytes(text.encode("gbk"))

    report = import_figures(session, path, FiguresOptions.build(year=2023))

    assert report.encoding == "GB18030" and report.format == "CSV"
    assert len(report.matched("code")) == 2
    stored = session.scalars(
        select(EnterpriseFigures)
        .where(EnterpriseFigures.year == 2023)
        .order_by(EnterpriseFigures.source_row)
    ).all()
    assert [(f.name, f.tax_yuan, f.revenue_yuan, f.employees) for f in stored] == [
        (HONGYUAN[0], 1234567.5, 8000000.0, 88.0),
        (LIANCHUANG[0], None, 500000.0, 12.0),
    ]


GROUPED_HEADER = [
    "企业名称",
    "统一社会信用代码",
    "实缴税金",
    "工业增加值",
    "主要污染物排放量(吨)",  # merged over the four pollutants below it
    None,
    None,
    None,
    "综合能耗（吨标准煤）",
    "年均职工人数(人)",
]


def test_a_title_a_unit_note_and_pollutants_under_a_merged_header(session, tmp_path):
    path = _workbook(
        tmp_path / "规上企业.xlsx",
        [
            ["青溪县2023年度规上工业企业亩均效益评价基础数据表"],
            ["填报单位:青溪县经济和信息化局", None, None, None, "金额单位：万元"],
            GROUPED_HEADER,
            [
                None,
                None,
                None,
                None,
                "化学需氧量",
                "二氧化硫",
                "氮氧化物(千克)",
                "氨氮",
                None,
                None,
            ],
            [*HONGYUAN, 100, 500, 1.5, 2, 500, None, 1200, 150],
            [*LIANCHUANG, 20, 80, None, None, None, None, 300, 40],
            ["合计", None, 120, 580, 1.5, 2, 500, None, 1500, 190],
            ["注:税收为全口径实缴税金。"],
        ],
        merges=("E3:H3",),
    )

    report = import_figures(session, path, FiguresOptions.build(year=2023))

    assert report.header_row == 4 and report.stored == 2 and report.skipped == 2
    units = {c["column"]: (c["field"], c.get("unit")) for c in report.columns}
    assert units["实缴税金"] == ("tax_yuan", "万元")
    assert units["化学需氧量(吨)"] == ("cod_t", "吨")
    assert units["氮氧化物(千克)"] == ("nox_t", "千克")
    assert [(p.row, p.kind, p.severity) for p in report.problems] == [
        (7, "skipped_row", "warning"),
        (8, "skipped_row", "warning"),
    ]
    hongyuan, lianchuang = _stored(session, 2023)
    assert hongyuan[2] == 1000000.0 and hongyuan[4] == pytest.approx(1.5 + 2 + 0.5)
    assert hongyuan[5] == {"cod_t": 1.5, "so2_t": 2.0, "nox_t": 0.5}
    assert lianchuang[4] is None and lianchuang[5] is None
    stored = session.scalars(select(EnterpriseFigures).where(EnterpriseFigures.year == 2023))
    assert sorted((f.energy_tce, f.employees, f.value_added_yuan) for f in stored) == [
        (300.0, 40.0, 800000.0),
        (1200.0, 150.0, 5000000.0),
    ]


def test_an_enterprise_listed_twice_and_other_row_problems(session, tmp_path):
    path = _workbook(
        tmp_path / "twice.xlsx",
        [
            HEADER,
            [1, *HONGYUAN, 10, 100, None, None],
            [2, "四川蜀兴食品(青溪)有限公司", None, 1, 10, None, None],
            [3, "四川蜀兴食品（青溪）有限公司", None, 1, 10, None, None],
            [4, "另一名称", HONGYUAN[1], 10, 100, None, None],
            [5, None, None, 5, 5, None, None],
            [6, "某企业", None, -3, "一百", None, None],
        ],
    )

    before = _stored(session, 2023)
    with pytest.raises(FiguresRefused) as refused:
        import_figures(session, path, FiguresOptions.build(year=2023))

    found = [(p.row, p.kind) for p in refused.value.report.problems]
    assert found == [
        (2, "duplicate_enterprise"),
        (3, "duplicate_enterprise"),
        (4, "duplicate_enterprise"),
        (5, "duplicate_enterprise"),
        (6, "missing_name"),
        (7, "negative_value"),
        (7, "invalid_value"),
    ]
    first = refused.value.report.problems[0]
    assert "与第 5 行的统一社会信用代码相同" in first.message
    assert "Same Unified social credit code as row 5" in first.message_en
    assert _stored(session, 2023) == before


def test_a_mapping_file_names_other_headers_and_units(session, tmp_path):
    mapping = tmp_path / "对照.yaml"
    mapping.write_text(
        "纳税人: name\n本年税金: {field: tax_yuan, unit: 千元}\n内部编号: null\n", encoding="utf-8"
    )
    path = _workbook(
        tmp_path / "mapped.xlsx",
        [["内部编号", "纳税人", "本年税金", "信用代码"], ["A-1", SHUXING[0], 42, SHUXING[1]]],
    )

    report = import_figures(session, path, FiguresOptions.build(year=2023, mapping=mapping))

    assert _stored(session, 2023) == [(*SHUXING, 42000.0, None, None, None, 2)]
    assert report.matched("code")[0].parcels == tuple(
        _parcel_codes(session, credit_code=SHUXING[1])
    )
    assert [c["column"] for c in report.columns] == ["纳税人", "本年税金", "信用代码"]


def test_a_code_without_a_name_is_named_as_the_holder(session, tmp_path):
    path = _workbook(
        tmp_path / "nameless.xlsx", [["统一社会信用代码", "税收"], [LIANCHUANG[1], 5000]]
    )

    report = import_figures(session, path, FiguresOptions.build(year=2023))

    assert _stored(session, 2023)[0][:3] == (LIANCHUANG[0], LIANCHUANG[1], 5000.0)
    (warning,) = report.problems
    assert (warning.kind, warning.severity, warning.row) == ("missing_name", "warning", 2)


def test_a_file_without_enterprise_columns_is_refused_as_a_whole(session, tmp_path):
    from landgis.io.problems import FileRefused

    path = _workbook(tmp_path / "none.xlsx", [["宗地编号", "面积"], ["A", 1]])
    with pytest.raises(FileRefused) as refused:
        import_figures(session, path, FiguresOptions.build(year=2023))
    assert refused.value.kind == "columns_missing"
    assert "找不到表头" in refused.value.message
    taxes_only = _workbook(tmp_path / "taxes.xlsx", [["企业名称", "行业"], ["甲", "乙"]])
    with pytest.raises(FileRefused, match="找不到任何指标列"):
        import_figures(session, taxes_only, FiguresOptions.build(year=2023))


# --- the command line -------------------------------------------------------------------


@pytest.fixture(scope="module")
def demo_url(databases) -> str:
    return databases.demo().url


def test_the_command_line_imports_and_refuses(demo_url, cli_in, tmp_path):
    good = _workbook(tmp_path / "good.xlsx", [HEADER, [1, *HONGYUAN, 10, 100, None, None]])
    done = cli_in(
        "zh", "efficiency", "import", str(good), "--year", "2023", "--json",
        "--database-url", demo_url,
    )  # fmt: skip
    assert done.exit_code == 0, done.output
    body = json.loads(done.stdout)
    assert body["stored"] == 1 and body["matched_by_code"][0]["credit_code"] == HONGYUAN[1]

    wrong = _workbook(tmp_path / "wrong.xlsx", [HEADER, [1, LIANCHUANG[0], WRONG_CODE, 5, 50]])
    refused = cli_in(
        "en", "efficiency", "import", str(wrong), "--year", "2023", "--database-url", demo_url
    )
    assert refused.exit_code == 2
    assert "Error: import refused" in refused.stderr
    assert "row 2: The credit code 915199019722851350 fails its check" in refused.stderr
    dry = cli_in(
        "zh", "efficiency", "import", str(good), "--year", "2023", "--dry-run",
        "--database-url", demo_url,
    )  # fmt: skip
    assert dry.exit_code == 0 and "检查通过(未写入):2023 年度企业 1 家" in dry.stdout
    assert "将替换该年度已有的 1 家" in dry.stdout
    future = cli_in(
        "zh", "efficiency", "import", str(good), "--year", "2999", "--database-url", demo_url
    )
    assert future.exit_code == 2 and "年度应在 1990 至" in future.stderr


def test_an_excel_97_workbook_is_read(session, tmp_path):
    source = _workbook(
        tmp_path / "旧格式.xlsx",
        [
            ["2023年度企业数据", None, None],
            ["单位：万元"],
            ["单位名称", "社会信用代码", "纳税总额", "研发经费"],
            [*HONGYUAN, 66.6, 12],
        ],
    )
    old = converted(source, tmp_path, "xls", "xls")

    report = import_figures(session, old, FiguresOptions.build(year=2023))

    assert report.format == "XLS" and report.header_row == 3
    stored = session.scalars(select(EnterpriseFigures).where(EnterpriseFigures.year == 2023)).one()
    assert (stored.name, stored.credit_code, stored.source_row) == (*HONGYUAN, 4)
    assert stored.tax_yuan == pytest.approx(666000.0) and stored.rd_yuan == 120000.0
