"""The ledger workbook (.xlsx): 台账 with subtotals and totals, 核心数据, 处置记录; the
exporter that feeds the ledger to the workbook writer (:mod:`.ledger_workbook`)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, BinaryIO

from landgis.errors import InvalidInput
from landgis.i18n import _
from landgis.io.exports.base import Exporter
from landgis.io.exports.columns import (
    AREA_SOURCES,
    EXPORT_COLUMNS,
    HEADERS,
    HELPER_COLUMNS,
    kind_of,
)
from landgis.io.exports.ledger_workbook import (
    MEDIA_TYPE,
    PRINT_SHEET,
    LedgerChunk,
    PrintedSheet,
    cn_date,
    write_ledger_workbook,
)
from landgis.io.exports.options import date_option
from landgis.io.exports.print_setup import paper_option
from landgis.io.exports.printed_ledger import (
    page_footer,
    printed_lines,
    printed_title,
    sign_off,
)
from landgis.io.exports.rows import LedgerData

WORKBOOK_COLUMNS: list[str] = [header for _, header in EXPORT_COLUMNS]
WORKBOOK_KINDS: dict[str, str] = {header: kind_of(key) for key, header in EXPORT_COLUMNS}


def printed_sheet(data: LedgerData, paper: str) -> PrintedSheet:
    """The 打印 sheet: the printed ledger's columns and lines, in the export's language."""
    columns = data.print_setup.printed
    return PrintedSheet(
        title=printed_title(data),
        headers=[c.header(data.lang) for c in columns],
        kinds=[c.kind for c in columns],
        widths=[c.width for c in columns],
        lines=printed_lines(data, columns),
        filter_line=data.filter_line(),
        notes=[data.note(_("注:浅红色底纹的条目已逾期(超过完成时限仍未盘活或销号)。"))],
        sign_off=sign_off(data.lang),
        footer=page_footer(data.lang, "&P", "&N"),
        colon=":" if data.lang == "zh" else ": ",
        paper=paper,
    )


def workbook_chunks(data: LedgerData) -> Iterator[LedgerChunk]:
    """The ledger rows as the workbook writer takes them, chunk by chunk: areas unrounded,
    with the stored m² the subtotals and totals are summed from."""
    keys = [key for key, _ in EXPORT_COLUMNS]
    for table in data.chunks(precise=True):
        stored = table[list(AREA_SOURCES.values())].set_axis(
            [HEADERS[key] for key in AREA_SOURCES], axis=1
        )
        yield LedgerChunk(
            table=table[keys].rename(columns=HEADERS),
            groups=table["zone_label"].tolist(),
            overdue=table["overdue"].tolist(),
            areas_m2=stored,
        )


def ledger_notes(data: LedgerData, rows: int, limit: int, filter_line: str) -> list[str]:
    """The notes below the ledger of ``rows`` rows: overdue shading, the helper columns,
    which sheet to print (or, above ``limit`` rows, the sheets left out) and the filters."""
    if rows <= limit:
        printing = _("打印请用“{sheet}”工作表:打印版台账的列,页面已设置。", sheet=PRINT_SHEET)
    else:
        printing = _(
            "台账共 {rows} 条,多于 {limit} 条(设置 LANDGIS_WORKBOOK_DETAIL_MAX_ROWS),"
            "本工作簿未附“处置记录”和“{sheet}”工作表:打印版台账请导出 PDF,"
            "各条目的处置记录见其台账页面。",
            rows=rows,
            limit=limit,
            sheet=PRINT_SHEET,
        )
    notes = [
        "注:浅红色底纹的条目已逾期(超过完成时限仍未盘活或销号)。",
        "“台账编号”“版本”两列供修改后导回系统时核对,请勿改动。",
        data.note(printing),
    ]
    return [*notes, filter_line] if filter_line else notes


class XlsxExporter(Exporter):
    """The ledger workbook: 台账 (with subtotals and totals), 核心数据, 处置记录.

    Option ``period_from``: start of the period of the revitalized figures on sheet 2
    (default: 1 January of the export date's year, as in "1–8 月"); ``paper``: A3 or A4,
    landscape, of every sheet's print set-up (default: the setting's).
    """

    name = "xlsx"
    label = "Excel 台账"
    media_type = MEDIA_TYPE
    extension = "xlsx"
    options = ("period_from", "paper")

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        value = options.get("period_from")
        return {
            "period_from": None if value is None else date_option("period_from", value),
            "paper": paper_option(options.get("paper")),
        }

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        period_from = options.get("period_from") or data.as_of.replace(month=1, day=1)
        if period_from > data.as_of:
            raise InvalidInput(
                _(
                    "统计期间起始日 {start} 晚于台账日期 {as_of}。",
                    start=period_from.isoformat(),
                    as_of=data.as_of.isoformat(),
                )
            )
        limit = data.print_setup.workbook_detail_max_rows
        filter_line = data.filter_line()
        figures_notes = []
        if filter_line:
            figures_notes = [data.note(_("本表数据为按筛选条件导出的台账的数据。")), filter_line]
        span = f"{cn_date(period_from)}至{cn_date(data.as_of)}"
        paper = options.get("paper") or data.print_setup.paper
        write_ledger_workbook(
            out,
            title=data.title,
            columns=WORKBOOK_COLUMNS,
            kinds=WORKBOOK_KINDS,
            chunks=workbook_chunks(data),
            helper_columns=[h for _, h in HELPER_COLUMNS],
            notes=lambda rows: ledger_notes(data, rows, limit, filter_line),
            figures=lambda: data.figures(period_from),
            figures_title=f"{data.county}低效闲置工业用地处置核心数据({span})",
            figures_notes=figures_notes,
            events=data.events(),
            properties={
                "title": data.title,
                "subject": "低效闲置工业用地处置台账",
                "company": data.county,
            },
            printed=printed_sheet(data, paper),
            paper=paper,
            footer=page_footer(data.lang, "&P", "&N"),
            detail_max_rows=limit,
        )
