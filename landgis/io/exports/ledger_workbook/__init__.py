"""The ledger workbook (台账 .xlsx), written row by row with XlsxWriter in constant memory.

Sheets, one module each:

1. 台账 (:mod:`.ledger_sheet`): a title row, the frozen header row, one row per case
   grouped by zone with a subtotal row after each zone and a totals row;
2. 核心数据 (:mod:`.figures_sheet`): the headline figures of the period;
3. 处置记录 (:mod:`.events_sheet`): every event of the exported cases, oldest first
   within each case;
4. 打印 (:mod:`.print_sheet`): the printed ledger (打印版台账), the printed columns only,
   set up to print readable pages.

Every sheet has a print set-up (:mod:`.page_setup`): landscape A3 or A4, print titles,
a page footer; the 台账 sheet spreads its 31 columns over pages at a readable size.

:mod:`.book` writes the three in order; :mod:`.cells` turns values into cells (numbers,
Excel dates, text widths), :mod:`.styles` holds the cell formats; :mod:`.sheet_xml` writes
the rows' formatted cells (XlsxWriter's XML, with less work per cell).

The caller passes the rows in chunks whose columns are the Chinese headers, already
labelled, and the events in chunks; each chunk is prepared column by column and written as
it comes, so a workbook of any size holds one chunk in memory. This package knows the
layout, not the database: :class:`landgis.io.exports.workbook.XlsxExporter` feeds it.
"""

from landgis.io.exports.ledger_workbook.book import MEDIA_TYPE, cn_date, write_ledger_workbook
from landgis.io.exports.ledger_workbook.cells import (
    cell_values,
    display_width,
    is_blank,
    wrapped_line_counts,
)
from landgis.io.exports.ledger_workbook.events_sheet import (
    EVENT_COLUMNS,
    EVENTS_SHEET,
    describe_changes,
    event_cells,
)
from landgis.io.exports.ledger_workbook.figures_sheet import FIGURES_SHEET
from landgis.io.exports.ledger_workbook.ledger_sheet import LEDGER_SHEET, LedgerChunk
from landgis.io.exports.ledger_workbook.page_setup import PAPER_SIZES
from landgis.io.exports.ledger_workbook.print_sheet import PRINT_SHEET, PrintedSheet

__all__ = [
    "EVENTS_SHEET",
    "EVENT_COLUMNS",
    "FIGURES_SHEET",
    "LEDGER_SHEET",
    "MEDIA_TYPE",
    "PAPER_SIZES",
    "PRINT_SHEET",
    "LedgerChunk",
    "PrintedSheet",
    "cell_values",
    "cn_date",
    "describe_changes",
    "display_width",
    "event_cells",
    "is_blank",
    "wrapped_line_counts",
    "write_ledger_workbook",
]
