"""The exported columns: keys, Chinese headers, kinds, labels; and a chunk of rows as
exported (:func:`ledger_table`), computed column by column."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from landgis import schema, vocab
from landgis.units import m2_to_mu

# The ledger's columns then the helper columns after 备注 (they let an edited workbook or
# CSV be matched back to its case): (key, Chinese header), from the field schema.
HELPER_COLUMNS: tuple[tuple[str, str], ...] = tuple((c.key, c.zh) for c in schema.HELPERS)
EXPORT_COLUMNS: tuple[tuple[str, str], ...] = tuple((c.key, c.zh) for c in schema.EXPORTED)
EXPORT_KEYS: tuple[str, ...] = tuple(key for key, _ in EXPORT_COLUMNS)
HEADERS: dict[str, str] = dict(EXPORT_COLUMNS)
OVERDUE_HEADER = schema.OVERDUE.zh

# Kind of each column (text when not named): int, mu (亩), m2 (㎡) or date.
COLUMN_KINDS: dict[str, str] = {c.key: c.kind for c in schema.EXPORTED if c.kind != "text"}
# The labels of the coded columns (status, category, cause, route, supply method).
CODE_LABELS: dict[str, dict[str, str]] = {
    c.key: vocab.VOCABULARIES[c.vocabulary] for c in schema.EXPORTED if c.vocabulary
}
NO_ZONE_LABEL = "未划定园区"
# The stored m² each area column shows: a 亩 column converts its ``…_m2`` twin, a ㎡
# column is its own. Totals are sums of these (:mod:`landgis.ledger_rules.totals`).
AREA_SOURCES: dict[str, str] = {
    key: key.removesuffix("_mu") + "_m2" if kind == "mu" else key
    for key, kind in COLUMN_KINDS.items()
    if kind in ("mu", "m2")
}


def kind_of(key: str) -> str:
    """The kind of column ``key``: text, int, mu, m2 or date."""
    return COLUMN_KINDS.get(key, "text")


def text_column(column: pd.Series, labels: Mapping[str, str] | None = None) -> pd.Series:
    """Text (object dtype) with None for blanks; codes replaced by ``labels`` when given."""
    values = column.to_numpy(dtype=object, copy=True)
    blank = pd.isna(values)
    values[blank] = None
    if pd.api.types.infer_dtype(values, skipna=True) not in ("string", "empty"):
        values[~blank] = [str(v) for v in values[~blank]]
    if labels:
        labelled = pd.Series(values, dtype=object).map(labels).to_numpy(dtype=object)
        found = ~pd.isna(labelled)
        values[found] = labelled[found]
    return pd.Series(values, index=column.index, dtype=object)


def date_column(column: pd.Series) -> pd.Series:
    """Dates as ``datetime64`` at midnight (NaT for blanks and unreadable values)."""
    return pd.to_datetime(column, errors="coerce").dt.normalize()


def area_sources(rows: pd.DataFrame) -> pd.DataFrame:
    """The stored m² of each area column (:data:`AREA_SOURCES`), by the source's key, as
    floats (NaN when unknown)."""
    sources = dict.fromkeys(AREA_SOURCES.values())
    return pd.DataFrame({source: _stored(rows, source) for source in sources}, index=rows.index)


def _stored(rows: pd.DataFrame, source: str) -> pd.Series:
    given = rows[source] if source in rows else pd.Series(None, index=rows.index, dtype=float)
    return pd.to_numeric(given, errors="coerce").astype(float)


def _area(rows: pd.DataFrame, key: str, column: pd.Series, precise: bool) -> pd.Series:
    if not precise:
        return pd.to_numeric(column, errors="coerce").astype(float).round(2)
    stored = _stored(rows, AREA_SOURCES[key])
    return m2_to_mu(stored) if kind_of(key) == "mu" else stored


def ledger_table(rows: pd.DataFrame, *, precise: bool = False) -> pd.DataFrame:
    """Rows as exported: the keys of :data:`EXPORT_COLUMNS` in order plus ``overdue``;
    codes as Chinese labels, areas rounded to 0.01 (NaN when unknown; with ``precise``
    converted from the stored m² and not rounded), integers as nullable ``Int64``, dates
    as ``datetime64`` (NaT when unknown)."""
    columns: dict[str, pd.Series] = {}
    for key in EXPORT_KEYS:
        column = rows[key] if key in rows else pd.Series(None, index=rows.index, dtype=object)
        kind = kind_of(key)
        if kind in ("mu", "m2"):
            columns[key] = _area(rows, key, column, precise)
        elif kind == "int":
            columns[key] = pd.to_numeric(column, errors="coerce").round().astype("Int64")
        elif kind == "date":
            columns[key] = date_column(column)
        else:
            columns[key] = text_column(column, CODE_LABELS.get(key))
    overdue = rows["overdue"] if "overdue" in rows else pd.Series(False, index=rows.index)
    columns["overdue"] = overdue.fillna(False).astype(bool)
    return pd.DataFrame(columns, index=rows.index)


def zone_labels(rows: pd.DataFrame) -> np.ndarray:
    """Each row's zone name for the subtotals (:data:`NO_ZONE_LABEL` when it has none)."""
    if "zone_name" not in rows:
        return np.full(len(rows), NO_ZONE_LABEL, dtype=object)
    return text_column(rows["zone_name"]).fillna(NO_ZONE_LABEL).to_numpy(dtype=object)
