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
(:func:`ensure_results`), not at fixed moments, and only the years out of date. What each
year's rows were computed from is kept as a digest (``efficiency_year_stamps``): the land
version (every change to parcels and zones, :mod:`landgis.db.versioning`; the ledger's
cases do not enter the evaluation), the figures of that year and of the year before (the
trend compares with it: their count, ids and import times) and the county's rules (the
settings ``LANDGIS_EFFICIENCY__*``, which change with the environment, not through
landgis). An import of figures, a parcel edit or changed settings therefore show in the
next request, with nothing to remember to call; an import of one year's figures rewrites
that year and the next. Rewriting bumps the data version, so counts cached for the
collection are taken again.

A parcel recorded for two enterprises of a year (by one's credit code and the other's name)
is served once, for the better-scored of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import numpy as np
import pandas as pd
from sqlalchemy import Engine, delete, func, select, update
from sqlalchemy.orm import Session

from landgis.db.models import (
    DataVersion,
    EfficiencyResult,
    EfficiencyYearStamp,
    EnterpriseFigures,
)
from landgis.db.repository import bulk_insert
from landgis.db.session import read_session, transaction
from landgis.db.versioning import land_version
from landgis.efficiency.evaluation import Evaluation, evaluate
from landgis.efficiency.indicators import INDICATORS
from landgis.efficiency.rules import EfficiencyRules

INDICATOR_KEYS = tuple(indicator.key for indicator in INDICATORS)


def result_key(year: int, parcel_code: str) -> str:
    """The feature id of a parcel's result of ``year``."""
    return f"{year}-{parcel_code}"


def _figures_digests(session: Session) -> dict[int, tuple[object, ...]]:
    """Per year with figures: their count, the sum of their ids and the last import time."""
    stmt = select(
        EnterpriseFigures.year,
        func.count(EnterpriseFigures.id),
        func.sum(EnterpriseFigures.id),
        func.max(EnterpriseFigures.imported_at),
    ).group_by(EnterpriseFigures.year)
    return {
        int(year): (int(count), int(ids or 0), str(last))
        for year, count, ids, last in session.execute(stmt).all()
    }


def current_stamps(session: Session, rules: EfficiencyRules) -> dict[int, str]:
    """Per year with figures, the digest of what its results would be computed from now."""
    land = land_version(session)
    figures = _figures_digests(session)
    rules_json = rules.model_dump_json()
    stamps = {}
    for year, digest in figures.items():
        parts = (land, digest, figures.get(year - 1), rules_json)
        stamps[year] = hashlib.sha256(repr(parts).encode()).hexdigest()
    return stamps


def stored_stamps(session: Session) -> dict[int, str]:
    """Per year, the digest its stored results were computed from."""
    rows = session.execute(select(EfficiencyYearStamp.year, EfficiencyYearStamp.stamp)).all()
    return {int(year): str(stamp) for year, stamp in rows}


def stale_years(session: Session, rules: EfficiencyRules) -> tuple[set[int], set[int]]:
    """The years whose results are to be written again, and the years stored whose
    figures are gone."""
    current, stored = current_stamps(session, rules), stored_stamps(session)
    stale = {year for year, stamp in current.items() if stored.get(year) != stamp}
    return stale, set(stored) - set(current)


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


def refresh_results(
    session: Session, rules: EfficiencyRules, years: Iterable[int] | None = None
) -> int:
    """Rewrite the results of ``years`` (default: every year with figures) under ``rules``
    in the caller's transaction, drop those of years without figures any more, and record
    what they were computed from; how many rows were written."""
    current = current_stamps(session, rules)
    chosen = set(current) if years is None else set(years) & set(current)
    gone = set(stored_stamps(session)) - set(current)
    dropped = chosen | gone
    if dropped:
        session.execute(delete(EfficiencyResult).where(EfficiencyResult.year.in_(dropped)))
        session.execute(delete(EfficiencyYearStamp).where(EfficiencyYearStamp.year.in_(dropped)))
    written = 0
    for year in sorted(chosen):
        rows = result_rows(evaluate(session, rules, year))
        written += bulk_insert(
            session, EfficiencyResult, {name: _column(rows[name]) for name in rows.columns}
        )
        session.add(EfficiencyYearStamp(year=year, stamp=current[year]))
    session.execute(
        update(DataVersion).where(DataVersion.id == 1).values(version=DataVersion.version + 1)
    )
    session.flush()
    return written


def ensure_results(engine: Engine, rules: EfficiencyRules) -> bool:
    """Make the stored results current under ``rules``: checked with a read (a few small
    queries), the years out of date rewritten in a transaction of their own. Whether any
    were rewritten."""
    with read_session(engine) as session:
        stale, gone = stale_years(session, rules)
        if not stale and not gone:
            return False
    with transaction(engine) as session:
        # Another request may have rewritten them while this one waited to write.
        stale, gone = stale_years(session, rules)
        if not stale and not gone:
            return False
        refresh_results(session, rules, stale)
    return True
