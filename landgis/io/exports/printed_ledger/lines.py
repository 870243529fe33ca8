"""The printed ledger's lines, as the PDF and the workbook's 打印 sheet show them: one per
case (the printed columns' values), a subtotal after each zone (小计) and the totals (合计).

Subtotals and totals follow the totals' rule
(:func:`landgis.ledger_rules.totals.area_total`): the stored m² of the zone's (or the
ledger's) cases summed, converted once, rounded once; the digits of the workbook, the
dashboard and ``/api/stats``. Coded values are named in the printed ledger's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from landgis.i18n import DEFAULT_LANGUAGE, _, term
from landgis.io.exports.columns import AREA_SOURCES, NO_ZONE_LABEL
from landgis.io.exports.rows import LedgerData
from landgis.ledger_rules.totals import area_total, round_total
from landgis.schema import Column, PrintedColumn

Value = str | int | float | dt.date | None


@dataclass(frozen=True)
class CaseLine:
    """A case: each printed column's value (text with one line per source, an area in its
    unit unrounded, a count, a date or None), and whether it is overdue."""

    values: tuple[Value, ...]
    overdue: bool = False


@dataclass(frozen=True)
class SumLine:
    """A subtotal (``total`` False) or the totals: its label, and the summed columns'
    totals by column index, each by the totals' rule."""

    label: str
    sums: dict[int, float]
    total: bool = False


Line = CaseLine | SumLine


def _labels_to_codes(column: Column) -> dict[str, str]:
    from landgis.vocab import VOCABULARIES

    assert column.vocabulary is not None
    return {label: code for code, label in VOCABULARIES[column.vocabulary].items()}


@dataclass
class _Reader:
    """Reads one source column's cells as printed in ``lang``."""

    lang: str
    _codes: dict[str, dict[str, str]] = field(default_factory=dict)

    def cell(self, column: Column, value: Any) -> Value:
        if value is None or (not isinstance(value, str) and pd.isna(value)):
            return None
        if column.kind in ("mu", "m2"):
            return float(value)
        if column.kind == "int":
            return int(value)
        if column.kind == "date":
            return pd.Timestamp(value).date()
        text = str(value)
        if column.vocabulary and self.lang != DEFAULT_LANGUAGE:
            if column.key not in self._codes:
                self._codes[column.key] = _labels_to_codes(column)
            code = self._codes[column.key].get(text)
            if code is not None:
                return term(column.vocabulary, code).render(self.lang)
        return text


def shown_text(value: Value) -> str:
    """A value as printed: areas with two decimals (rounded as totals are), dates ISO."""
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{round_total(value):.2f}"
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def _joined(reader: _Reader, sources: Sequence[Column], row: pd.Series) -> Value:
    if len(sources) == 1:
        return reader.cell(sources[0], row[sources[0].key])
    parts = [shown_text(reader.cell(c, row[c.key])) for c in sources]
    text = "\n".join(p for p in parts if p)
    return text or None


def zone_label(label: str, lang: str) -> str:
    """A zone's name as a subtotal names it (the cases in no zone in ``lang``)."""
    return _("未划定园区").render(lang) if label == NO_ZONE_LABEL else label


def printed_lines(data: LedgerData, columns: Sequence[PrintedColumn]) -> Iterator[Line]:
    """The ledger's lines (chunk by chunk, as :meth:`LedgerData.chunks` reads them): its
    cases by zone, each zone closed by its subtotal, then the totals; in ``data.lang``."""
    reader = _Reader(data.lang)
    summed = {i: AREA_SOURCES[c.sources[0].key] for i, c in enumerate(columns) if c.summed}
    zone: str | None = None
    zone_sums = dict.fromkeys(summed, 0.0)
    sums = dict.fromkeys(summed, 0.0)
    zone_count = count = 0

    def subtotal() -> SumLine:
        name = zone_label(zone or "", data.lang)
        label = _("小计:{zone} {count} 宗", zone=name, count=zone_count)
        return SumLine(label.render(data.lang), _shown(zone_sums, columns))

    for table in data.chunks(precise=True):
        for _index, row in table.iterrows():
            label = str(row["zone_label"])
            if zone is not None and label != zone:
                yield subtotal()
                zone_sums = dict.fromkeys(summed, 0.0)
                zone_count = 0
            zone = label
            for i, source in summed.items():
                stored = row[source]
                m2 = 0.0 if pd.isna(stored) else float(stored)
                zone_sums[i] += m2
                sums[i] += m2
            zone_count += 1
            count += 1
            values = tuple(_joined(reader, c.sources, row) for c in columns)
            yield CaseLine(values, bool(row["overdue"]))
    if zone is not None:
        yield subtotal()
    label = _("合计:{count} 宗", count=count).render(data.lang)
    yield SumLine(label, _shown(sums, columns), total=True)


def _shown(sums: dict[int, float], columns: Sequence[PrintedColumn]) -> dict[int, float]:
    """Each summed column's total by the rule, in the column's unit."""
    return {i: area_total(m2, "mu" if columns[i].kind == "mu" else "m2") for i, m2 in sums.items()}


def sign_off(lang: str) -> list[str]:
    """The sign-off line's labels: 填报单位, 填报人, 审核人, 联系电话, 填报日期."""
    labels = (_("填报单位"), _("填报人"), _("审核人"), _("联系电话"), _("填报日期"))
    return [label.render(lang) for label in labels]


def printed_title(data: LedgerData) -> str:
    """``青溪县低效闲置工业用地处置台账(截至 2023年8月31日)`` in ``data.lang``."""
    day = data.as_of
    date = _("{year}年{month}月{day}日", year=day.year, month=day.month, day=day.day)
    return _("{county}低效闲置工业用地处置台账(截至 {date})", county=data.county, date=date).render(
        data.lang
    )
