"""The evaluation's results stored per parcel and year, for the ``efficiency`` feature
collection (OGC API - Features, :mod:`landgis.features`).

Why a table: a feature collection is one SQL select over a unique, indexed key, paged by
that key, filtered (CQL2, ``bbox``, ``datetime``), counted and cut to the ``properties``
asked for in the database. The evaluation itself is pandas (:func:`~landgis.efficiency.
evaluation.evaluate`): enterprises are matched to parcels by NFKC-normalised names and
codes, and scored against benchmarks of the whole county, neither of which either backend
can do in plain SQL without a second, diverging copy of the rules. So the results of
every year with figures are written to ``efficiency_results`` (one row per parcel held by
an enterprise evaluated that year, keyed ``<year>-<parcel code>``) and the collection
selects from that table joined to the parcel (its geometry, code and zone) and to the
enterprise's row of figures.

When the rows are written: whenever they are asked for and out of date
(:func:`ensure_results`), not at fixed moments. What they were computed from is kept as a
digest (``efficiency_result_stamp``): the data version (every change to parcels, zones and
cases, :mod:`landgis.db.versioning`), the figures (their count, ids and import times) and
the county's rules (the settings ``LANDGIS_EFFICIENCY__*``, which change with the
environment, not through landgis). An import of figures, a parcel edit or changed settings
therefore show in the next request, with nothing to remember to call. Rewriting bumps the
data version, so counts cached for the collection are taken again.

A parcel recorded for two enterprises of a year (by one's credit code and the other's name)
is served once, for the better-scored of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from landgis.db.models import (
    DataVersion,
    EfficiencyResult,
    EfficiencyResultStamp,
    EnterpriseFigures,
)
from landgis.db.repository import bulk_insert
from landgis.db.session import read_session, transaction
from landgis.db.versioning import data_version
from landgis.efficiency.evaluation import Evaluation, evaluate
from landgis.efficiency.figures import figure_years
from landgis.efficiency.indicators import INDICATORS
from landgis.efficiency.rules import EfficiencyRules

INDICATOR_KEYS = tuple(indicator.key for indicator in INDICATORS)


def result_key(year: int, parcel_code: str) -> str:
    """The feature id of a parcel's result of ``year``."""
    return f"{year}-{parcel_code}"


def _figures_digest(session: Session) -> tuple[object, ...]:
    stmt = select(
        func.count(EnterpriseFigures.id),
        func.sum(EnterpriseFigures.id),
        func.max(EnterpriseFigures.imported_at),
    )
    count, ids, last = session.execute(stmt).one()
    return int(count or 0), int(ids or 0), str(last)


def current_stamp(session: Session, rules: EfficiencyRules) -> str:
    """The digest of what the results would be computed from now."""
    parts = (data_version(session), _figures_digest(session), rules.model_dump_json())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def stored_stamp(session: Session) -> str | None:
    """The digest the stored results were computed from (None: never computed)."""
    return session.scalar(select(EfficiencyResultStamp.stamp).where(EfficiencyResultStamp.id == 1))


def result_rows(evaluation: Evaluation) -> pd.DataFrame:
    """One row per parcel of each enterprise of ``evaluation`` (best score first), in the
    columns of ``efficiency_results`` but ``id``."""
    items = evaluation.items
    year = evaluation.year
    counts = items["parcel_ids"].map(len)
    rows = pd.DataFrame(
        {
            "parcel_id": np.concatenate([[], *items["parcel_ids"]]).astype(np.int64),
            "parcel_code": [code for codes in items["parcel_codes"] for code in codes],
        }
    )
    repeated = items.loc[items.index.repeat(counts)].reset_index(drop=True)
    rows = pd.concat(
        [
            rows,
            pd.DataFrame(
                {
                    "figure_id": repeated["figure_id"].astype(np.int64),
                    "parcel_count": np.repeat(counts.to_numpy(), counts.to_numpy()),
                    "matched_by": repeated["matched_by"],
                    "area_m2": repeated["area_m2"].astype(float),
                    **{key: repeated[key].astype(float) for key in INDICATOR_KEYS},
                    "score": repeated["score"].astype(float),
                    "class": repeated["class"],
                    "previous_score": repeated["previous_score"].astype(float),
                    "previous_class": repeated["previous_class"],
                    "trend": repeated["trend"],
                }
            ),
        ],
        axis=1,
    )
    rows = rows.drop_duplicates("parcel_id", keep="first").reset_index(drop=True)
    rows.insert(0, "year", year)
    rows.insert(0, "key", [result_key(year, str(code)) for code in rows["parcel_code"]])
    rows["year_start"] = dt.date(year, 1, 1)
    rows["year_end"] = dt.date(year, 12, 31)
    return rows.drop(columns="parcel_code")


def _column(values: pd.Series) -> list[object]:
    """A column as the driver takes it: None for NaN, Python scalars."""
    kept = values.astype(object).where(values.notna(), None)
    return [value.item() if hasattr(value, "item") else value for value in kept]


def refresh_results(session: Session, rules: EfficiencyRules) -> int:
    """Rewrite the results of every year with figures under ``rules`` (in the caller's
    transaction) and record what they were computed from; how many rows were written."""
    session.execute(delete(EfficiencyResult))
    written = 0
    for year in figure_years(session):
        rows = result_rows(evaluate(session, rules, year))
        written += bulk_insert(
            session, EfficiencyResult, {name: _column(rows[name]) for name in rows.columns}
        )
    session.execute(
        update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1)
    )
    stamp = current_stamp(session, rules)
    session.execute(delete(EfficiencyResultStamp))
    session.add(EfficiencyResultStamp(id=1, stamp=stamp))
    session.flush()
    return written


def ensure_results(engine: Engine, rules: EfficiencyRules) -> bool:
    """Make the stored results current under ``rules``: checked with a read (a few small
    queries), rewritten in a transaction of their own when out of date. Whether they were
    rewritten."""
    with read_session(engine) as session:
        if stored_stamp(session) == current_stamp(session, rules):
            return False
    with transaction(engine) as session:
        # Another request may have rewritten them while this one waited to write.
        if stored_stamp(session) == current_stamp(session, rules):
            return False
        refresh_results(session, rules)
    return True
