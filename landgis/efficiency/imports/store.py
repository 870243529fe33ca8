"""The one writer of enterprises' figures: a year's rows replaced by an import's, in a
savepoint of the caller's transaction (all of them or none)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from landgis.db.models import EnterpriseFigures
from landgis.efficiency.imports.rows import FigureRow
from landgis.efficiency.indicators import FIGURES


def stored_count(session: Session, year: int) -> int:
    """How many enterprises' figures of ``year`` are stored."""
    count = select(func.count(EnterpriseFigures.id)).where(EnterpriseFigures.year == year)
    return int(session.scalar(count) or 0)


def replace_year(
    session: Session, year: int, rows: Sequence[FigureRow], imported_at: dt.datetime
) -> int:
    """Replace the figures of ``year`` with ``rows`` (other years untouched); how many
    rows of the year were stored before."""
    with session.begin_nested():
        replaced = stored_count(session, year)
        session.execute(delete(EnterpriseFigures).where(EnterpriseFigures.year == year))
        session.add_all(
            EnterpriseFigures(
                year=year,
                credit_code=read.credit_code or None,
                name=read.name,
                **{name: read.figures.get(name) for name in FIGURES},
                extra=read.extra or None,
                source_row=read.row,
                imported_at=imported_at,
            )
            for read in rows
        )
        session.flush()
    return replaced
