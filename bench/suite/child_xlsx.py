"""Run by the suite as a child process: the bare floor of the ledger workbook. One SQL
query reads the ledger rows; xlsxwriter writes them in ``constant_memory`` mode with the
ledger's Chinese headers and labels. Prints the number of rows written."""

from __future__ import annotations

import argparse

import psycopg
import xlsxwriter

from landgis import vocab

HEADERS = (
    "序号", "宗地编号", "电子监管号", "项目名称", "所在园区", "坐落", "土地使用权人",
    "统一社会信用代码", "土地用途", "供地方式", "合同编号", "宗地面积(亩)",
    "闲置/低效面积(亩)", "闲置厂房面积(㎡)", "问题类型", "闲置原因", "认定日期",
    "认定书文号", "处置方式", "方案批复文号", "责任单位", "完成时限", "处置状态",
    "盘活面积(亩)", "盘活厂房面积(㎡)", "盘活日期", "承接企业", "销号日期", "备注",
    "台账编号", "版本",
)  # fmt: skip
QUERY = """
select row_number() over (order by c.case_no), p.parcel_code, p.supervision_no,
  p.project_name, z.name, p.location, p.holder, p.credit_code, p.land_use,
  p.supply_method, p.contract_no, round((p.area_m2 * 3 / 2000)::numeric, 2)::float8,
  round((c.idle_area_m2 * 3 / 2000)::numeric, 2)::float8, c.idle_building_area_m2,
  c.category, c.cause, c.identified_on, c.determination_no, c.route, c.plan_no,
  c.responsible_unit, c.deadline, c.status,
  round((c.revitalized_area_m2 * 3 / 2000)::numeric, 2)::float8,
  c.revitalized_building_area_m2, c.revitalized_on, c.new_holder, c.closed_on, c.remarks,
  c.case_no, c.version
from cases c join parcels p on p.id = c.parcel_id left join zones z on z.id = p.zone_id
where c.status <> 'dismissed'
order by c.case_no
"""
# Column index -> code list whose Chinese label is written instead of the code.
LABELS = {
    9: vocab.SUPPLY_METHODS,
    14: vocab.CATEGORIES,
    15: vocab.CAUSES,
    18: vocab.ROUTES,
    22: vocab.CASE_STATUSES,
}
DATES = (16, 21, 25, 27)


def write(url: str, out: str) -> int:
    """Write the workbook; the number of ledger rows."""
    book = xlsxwriter.Workbook(out, {"constant_memory": True})
    sheet = book.add_worksheet("台账")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    sheet.write_row(0, 0, HEADERS)
    n = 0
    with psycopg.connect(url) as conn, conn.cursor(name="ledger") as cursor:
        cursor.itersize = 5000
        cursor.execute(QUERY)
        for n, row in enumerate(cursor, start=1):
            values = list(row)
            for i, labels in LABELS.items():
                if values[i] is not None:
                    values[i] = labels.get(values[i], values[i])
            for i in DATES:
                if values[i] is not None:
                    sheet.write_datetime(n, i, values[i], date)
                    values[i] = None
            for i, value in enumerate(values):
                if value is not None and i not in DATES:
                    sheet.write(n, i, value)
    book.close()
    return n


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("out")
    args = parser.parse_args()
    print(write(args.url, args.out))


if __name__ == "__main__":
    main()
