"""Sorting and paging a page's table by query parameters (``sort``, ``dir``, ``page``,
``per``), shared by the ledger and the evaluation pages: bad values fall back to the
defaults, text sorts as a clerk looks it up (Chinese by pinyin), missing values last."""

from __future__ import annotations

from collections.abc import Collection, Mapping

import pandas as pd

from api.web.display import is_missing
from landgis.text_sort import sort_key


def positive(text: str | None, default: int) -> int:
    """``text`` as a whole number above 0, else ``default``."""
    return int(text) if text and text.isdigit() and int(text) > 0 else default


def sort_choice(
    params: Mapping[str, str], sortable: Collection[str], default: str
) -> tuple[str, bool]:
    """The column asked for (``sort``, ``default`` when not sortable) and whether it is
    in descending order (``dir=desc``)."""
    sort = params.get("sort") or default
    return (sort if sort in sortable else default), params.get("dir") == "desc"


def text_order(column: pd.Series) -> pd.Series:
    """What a column of text sorts by: pinyin for Chinese; missing stays missing."""
    return column.map(lambda text: None if is_missing(text) else sort_key(text))


def sorted_rows(rows: pd.DataFrame, order: pd.Series, descending: bool) -> pd.DataFrame:
    """``rows`` by ``order`` (a column of the same index), stable, missing values last."""
    if rows.empty:
        return rows
    ranked = order.sort_values(ascending=not descending, na_position="last", kind="stable")
    return rows.loc[ranked.index]
