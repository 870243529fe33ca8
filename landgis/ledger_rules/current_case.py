"""A parcel's current case: its newest one, the case entered last (the greatest id),
whatever its status. A closed or dismissed case stays current until another is opened on
the parcel; case numbers do not decide (a prefix may change, and ``XZ-2024-1000`` sorts
before ``XZ-2024-999``).

:func:`is_current_case` and :func:`current_case_id` are the rule in SQL (lists, the map,
tiles, OGC, imports use them): they read ``parcels.current_case_id``, which triggers on
``cases`` keep equal to the greatest case id on the parcel (migration 0013), so a parcel
meets its current case by one primary-key probe. :func:`current_case_ids` is its twin over
(case id, parcel id) pairs and :func:`current_rows` over case rows (a ledger as it stands or
stood, the statutory warnings, exports).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from landgis.db.models import Case, Parcel


def current_case_id(parcel_id: Any) -> Any:
    """The id of the current case of the parcel ``parcel_id`` (a column or a value), for a
    statement with no parcel of its own at hand: a scalar subquery, one primary-key probe
    of parcels."""
    owner = aliased(Parcel)
    return select(owner.current_case_id).where(owner.id == parcel_id).scalar_subquery()


def is_current_case(parcel: Any = Parcel) -> ColumnElement[bool]:
    """The join condition of :class:`Case` to ``parcel`` (:class:`Parcel` or an alias of
    it): the parcel's current case only."""
    return Case.id == parcel.current_case_id


def current_case_ids(cases: Iterable[tuple[int, Any]]) -> dict[Any, int]:
    """The twin of :func:`current_case_id`: for (case id, parcel id or code) pairs, each
    parcel's current case id, by parcel."""
    current: dict[Any, int] = {}
    for case_id, parcel_id in cases:
        known = current.get(parcel_id)
        if known is None or case_id > known:
            current[parcel_id] = case_id
    return current


def current_rows(session: Session, rows: pd.DataFrame, parcel: str = "parcel_id") -> pd.DataFrame:
    """Of case rows (``case_no`` and the parcel's id or code in the column ``parcel``),
    those that are the current case of their parcel among these rows."""
    ids: dict[str, int] = dict(session.execute(select(Case.case_no, Case.id)).all())
    case_ids = [ids[case_no] for case_no in rows["case_no"]]
    parcels = rows[parcel].tolist()
    current = current_case_ids(zip(case_ids, parcels, strict=True))
    keep = [current[parcel] == case_id for case_id, parcel in zip(case_ids, parcels, strict=True)]
    return rows[pd.Series(keep, index=rows.index, dtype=bool)]
