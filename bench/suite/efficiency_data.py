"""Enterprises' yearly figures for a loaded province, for row 7 (the per-mu evaluation):
deterministic, made with numpy on whole columns, written with landgis's own bulk insert
(COPY on PostGIS).

The province's parcels each have their own holder and credit code; :func:`group_holdings`
first gives every fifth parcel the holder and code of the parcel before it (and every
tenth the one two before), so most enterprises hold one parcel and some two or three.
:func:`make_figures` then reports figures for a share of the enterprises for two years
(so the evaluation has a year before): about 10 % of the rows give no credit code and are
matched by name, 1 % name enterprises that hold no land.
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
from sqlalchemy import delete, text
from sqlalchemy.orm import Session

from landgis.db.models import EnterpriseFigures
from landgis.db.repository import bulk_insert
from landgis.efficiency.indicators import FIGURES

SEED = 7
REPORTING_SHARE = 0.6
BY_NAME_SHARE = 0.1
UNMATCHED_SHARE = 0.01

GROUP_SQL = """
update parcels p set holder = q.holder, credit_code = q.credit_code
from parcels q
where (p.id % 5 = 0 and q.id = p.id - 1) or (p.id % 10 = 1 and p.id > 2 and q.id = p.id - 2)
"""


def group_holdings(session: Session) -> None:
    """Make some enterprises hold several parcels (PostGIS; ids as loaded)."""
    session.execute(text(GROUP_SQL))


def make_figures(holders: pd.DataFrame, years: tuple[int, ...], seed: int = SEED) -> pd.DataFrame:
    """Figures of ``years`` for a share of ``holders`` (columns ``holder``,
    ``credit_code``, ``area_m2``: one row per parcel), in the columns of
    ``enterprise_figures`` (year, credit_code, name, the figures)."""
    rng = np.random.default_rng(seed)
    land = (
        holders.dropna(subset=["credit_code"])
        .groupby("credit_code", sort=True)
        .agg(name=("holder", "first"), area_m2=("area_m2", "sum"))
        .reset_index()
    )
    chosen = land[rng.random(len(land)) < REPORTING_SHARE].reset_index(drop=True)
    # Names are unique per year in the figures: keep the first enterprise of each name.
    chosen = chosen.drop_duplicates("name").reset_index(drop=True)
    extra = max(1, int(len(chosen) * UNMATCHED_SHARE))
    ghosts = pd.DataFrame(
        {
            "credit_code": [f"91999999{i:09d}X"[:18] for i in range(extra)],
            "name": [f"无地企业{i:07d}有限公司" for i in range(extra)],
            "area_m2": 20_000.0,
        }
    )
    every = pd.concat([chosen, ghosts], ignore_index=True)
    n = len(every)
    by_name = rng.random(n) < BY_NAME_SHARE
    mu = every["area_m2"].to_numpy() * 3 / 2000
    # Tax per 亩 spread over two orders of magnitude, so every class has members.
    base_tax = mu * np.exp(rng.normal(np.log(8e4), 0.9, n))
    frames = []
    for step, year in enumerate(years):
        growth = np.exp(rng.normal(0.03 * step, 0.15, n))
        tax = np.round(base_tax * growth, -2)
        revenue = np.round(tax * rng.uniform(12, 30, n), -2)
        value_added = np.round(revenue * rng.uniform(0.18, 0.35, n), -2)
        figures = {
            "tax_yuan": tax,
            "revenue_yuan": revenue,
            "output_yuan": np.round(revenue * rng.uniform(0.9, 1.1, n), -2),
            "value_added_yuan": value_added,
            "energy_tce": np.round(value_added / rng.uniform(5e3, 4e4, n), 1),
            "emissions_t": np.round(value_added / rng.uniform(2e5, 2e6, n), 2),
            "employees": np.maximum(1, np.round(value_added / rng.uniform(1e5, 4e5, n))),
            "rd_yuan": np.round(revenue * rng.uniform(0, 0.05, n), -2),
        }
        frame = pd.DataFrame(
            {
                "year": year,
                "credit_code": every["credit_code"].where(~by_name, None),
                "name": every["name"],
                **{name: figures[name] for name in FIGURES},
            }
        )
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def load_figures(session: Session, figures: pd.DataFrame) -> int:
    """Replace the stored figures with ``figures``; how many rows were written."""
    session.execute(delete(EnterpriseFigures))
    now = dt.datetime.now(dt.UTC)
    columns: dict[str, list[object]] = {
        "year": figures["year"].astype(int).tolist(),
        "credit_code": figures["credit_code"]
        .astype(object)
        .where(figures["credit_code"].notna(), None)
        .tolist(),
        "name": figures["name"].tolist(),
        **{name: figures[name].astype(float).tolist() for name in FIGURES},
        "imported_at": [now] * len(figures),
    }
    return bulk_insert(session, EnterpriseFigures, columns)
