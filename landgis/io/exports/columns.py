"""The exported columns: keys, Chinese headers, kinds, labels; and a chunk of rows as
exported (:func:`ledger_table`), computed column by column."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from landgis import schema, vocab

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


def ledger_table(rows: pd.DataFrame) -> pd.DataFrame:
    """Rows as exported: the keys of :data:`EXPORT_COLUMNS` in order plus ``overdue``;
    codes as Chinese labels, areas rounded to 0.01 (NaN when unknown), integers as
    nullable ``Int64``, dates as ``datetime64`` (NaT when unknown)."""
    columns: dict[str, pd.Series] = {}
    for key in EXPORT_KEYS:
        column = rows[key] if key in rows else pd.Series(None, index=rows.index, dtype=object)
        kind = kind_of(key)
        if kind in ("mu", "m2"):
            columns[key] = pd.to_numeric(column, errors="coerce").astype(float).round(2)
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
