"""Sheet 3 (处置记录): every event of the exported cases, one row each, with the action and
statuses in Chinese and the changed fields in words (``label: before → after``)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np
import xlsxwriter

from landgis import schema, vocab
from landgis.io.exports.ledger_workbook.cells import excel_day, is_blank, wrapped_line_counts
from landgis.io.exports.ledger_workbook.page_setup import DEFAULT_FOOTER, set_up_page
from landgis.io.exports.ledger_workbook.sheet_xml import LedgerWorksheet
from landgis.io.exports.ledger_workbook.styles import CellFormats
from landgis.units import m2_to_mu

EVENTS_SHEET = "处置记录"
LINE_HEIGHT = 15.0  # points per line of 10-point text, with leading
# Column widths in characters; the wrapped columns break their text into lines.
EVENT_WIDTHS: dict[str, float] = {
    "case_no": 17,
    "parcel_code": 22,
    "occurred_on": 12,
    "actor": 10,
    "action": 12,
    "status_before": 12,
    "status_after": 12,
    "changes": 56,
    "document_no": 24,
    "note": 40,
}
WRAPPED = frozenset({"changes", "note"})
EVENT_COLUMNS: tuple[tuple[str, str, str, float], ...] = tuple(
    # (event key, header, kind, width)
    (c.key, c.zh, "wrap" if c.key in WRAPPED else c.kind, EVENT_WIDTHS[c.key])
    for c in schema.EVENT_SHEET
)
# Fields an event records that the sheet shows elsewhere (its own columns) or not at all.
EVENT_SKIPPED_FIELDS = frozenset({"case_no", "parcel_code", "parcel_id", "status"})
EVENT_CODE_LABELS: dict[str, Mapping[str, str]] = {
    f.name: vocab.VOCABULARIES[f.vocabulary] for f in schema.CASE if f.vocabulary
}


_PLAIN_TYPES = (str, int, bool)


def _missing(value: Any) -> bool:
    """:func:`is_blank`, quick for the plain values events hold."""
    return value is None or (type(value) not in _PLAIN_TYPES and is_blank(value))


def _event_value(name: str, value: Any) -> str:
    if _missing(value) or value == "":
        return "空"
    if name in EVENT_CODE_LABELS:
        return EVENT_CODE_LABELS[name].get(str(value), str(value))
    if name in schema.LAND_AREA_FIELDS:
        return f"{m2_to_mu(float(value)):.2f} 亩"
    if name in schema.FLOOR_AREA_FIELDS:
        return f"{float(value):.2f} ㎡"
    if name == "amount_yuan":
        return f"{float(value):,.2f} 元"
    return str(value)


def describe_changes(changes: Mapping[str, Any] | None) -> str:
    """One line per changed field: ``label: before → after`` (unchanged fields left out)."""
    lines = []
    labels = schema.CASE.labels()
    for name, pair in (changes or {}).items():
        if name in EVENT_SKIPPED_FIELDS:
            continue
        before, after = [*list(pair), None, None][:2]
        if before == after or (_missing(before) and _missing(after)):
            continue
        label = labels.get(name, name)
        lines.append(f"{label}: {_event_value(name, before)} → {_event_value(name, after)}")
    return "\n".join(lines)


def event_cells(event: Sequence[Any]) -> list[Any]:
    """An event (values in the order of :data:`EVENT_COLUMNS`) as its row's cell values:
    Chinese labels for the action and statuses, the changes in words, dates as Excel
    serials; None for blanks."""
    case_no, parcel_code, occurred_on, actor, action, before, after, changes, doc, note = event
    statuses = vocab.CASE_STATUSES
    values = [
        case_no,
        parcel_code,
        None,
        actor,
        vocab.ACTIONS.get(action, action),
        before if _missing(before) else statuses.get(before, before),
        after if _missing(after) else statuses.get(after, after),
        describe_changes(changes) or None,
        doc,
        note,
    ]
    cells: list[Any] = [None if _missing(v) else (v if type(v) is str else str(v)) for v in values]
    cells[2] = None if _missing(occurred_on) else excel_day(occurred_on)
    return cells


def write_events_sheet(
    book: xlsxwriter.Workbook,
    formats: CellFormats,
    events: Iterable[Sequence[Sequence[Any]]],
    *,
    paper: str = "A3",
    footer: str = DEFAULT_FOOTER,
) -> int:
    """Sheet 3 (处置记录): one row per event, statuses and changed fields in Chinese.

    ``events`` come in chunks of rows, each row's values in the order of
    :data:`EVENT_COLUMNS` (``changes`` a mapping); returns the number of events written.
    """
    sheet = book.add_worksheet(EVENTS_SHEET, worksheet_class=LedgerWorksheet)
    assert isinstance(sheet, LedgerWorksheet)
    for col, (_key, header, _kind, width) in enumerate(EVENT_COLUMNS):
        sheet.set_column(col, col, width)
        sheet.write_string(0, col, header, formats.header)
    sheet.freeze_panes(1, 1)
    set_up_page(sheet, paper=paper, footer=footer)
    sheet.fit_to_pages(1, 0)
    sheet.repeat_rows(0)
    sheet.ignore_errors({"number_stored_as_text": "A1:XFD1048576"})
    kinds = [kind for _k, _h, kind, _w in EVENT_COLUMNS]
    writers = sheet.cell_writers(kinds)
    cell_formats = [formats.cell(kind) for kind in kinds]
    wrapped = [
        (col, width) for col, (_k, _h, kind, width) in enumerate(EVENT_COLUMNS) if kind == "wrap"
    ]
    blank = sheet.write_blank_cell
    row = 0
    for chunk in events:
        rows = [event_cells(event) for event in chunk]
        # Rows written in constant memory get no automatic height: size them to the text.
        heights = np.ones(len(rows), dtype=np.int64)
        for col, width in wrapped:
            counts = wrapped_line_counts([values[col] for values in rows], width)
            heights = np.maximum(heights, counts)
        for values, lines in zip(rows, heights.tolist(), strict=True):
            row += 1
            if lines > 1:
                sheet.set_row(row, LINE_HEIGHT * lines)
            for col, value in enumerate(values):
                if value is None:
                    blank(row, col, cell_formats[col])
                else:
                    writers[col](row, col, value, cell_formats[col])
    if row:
        sheet.autofilter(0, 0, row, len(EVENT_COLUMNS) - 1)
    return row
