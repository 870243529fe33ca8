"""Enterprises' yearly figures as read for the evaluation: the years that have any, and
the rows of some years in one query."""

from __future__ import annotations

from collections.abc import Sequence

import pandas as pd
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from landgis.db.models import EnterpriseFigures
from landgis.db.repository import columns_frame
from landgis.efficiency.indicators import FIGURES

# The columns of a frame of figures: the row's id, its year, who, and the figures.
FIGURE_COLUMNS: tuple[str, ...] = ("figure_id", "year", "credit_code", "name", *FIGURES)


def figure_years(session: Session) -> dict[int, int]:
    """The years that have figures, in order, with how many enterprises each has."""
    stmt = (
        select(EnterpriseFigures.year, func.count(EnterpriseFigures.id))
        .group_by(EnterpriseFigures.year)
        .order_by(EnterpriseFigures.year)
    )
    return {int(year): int(count) for year, count in session.execute(stmt).all()}


def figures_of(session: Session, years: Sequence[int]) -> pd.DataFrame:
    """The figures of ``years`` (one query), in the columns :data:`FIGURE_COLUMNS`, the
    figures as floats (NaN where not reported)."""
    table = EnterpriseFigures
    stmt = (
        select(
            table.id,
            table.year,
            table.credit_code,
            table.name,
            *(getattr(table, name) for name in FIGURES),
        )
        .where(table.year.in_(list(years)))
        .order_by(table.year, table.id)
    )
    frame = columns_frame(session, stmt, FIGURE_COLUMNS)
    return frame.astype(dict.fromkeys(FIGURES, float) | {"figure_id": int, "year": int})
