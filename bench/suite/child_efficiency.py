"""Run by the suite as a child process (so its peak memory is its own), for row 7: load
enterprises' figures onto a loaded province (``prepare``), then time the per-mu evaluation
through the landgis library (``landgis``: ``evaluate(session, rules, year)``), the plain SQL
aggregate a GIS engineer would write (``sql``), or the rewrite of the stored results the
``efficiency`` collection serves (``results``, rolled back); print JSON."""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable

YEARS = (2023, 2024)
YEAR = YEARS[-1]

# Each enterprise's land and tax per 亩 of the year: by credit code, else by name.
PER_MU = """
with by_code as (
  select credit_code, sum(area_m2) as area_m2 from parcels
  where credit_code is not null group by credit_code
), by_name as (
  select holder, sum(area_m2) as area_m2 from parcels group by holder
)
select f.credit_code, f.name, coalesce(c.area_m2, n.area_m2) * 3 / 2000 as area_mu,
  f.tax_yuan / (coalesce(c.area_m2, n.area_m2) * 3 / 2000) / 1e4 as tax_per_mu
from enterprise_figures f
left join by_code c on c.credit_code = f.credit_code
left join by_name n on c.credit_code is null and n.holder = f.name
where f.year = %(year)s and coalesce(c.area_m2, n.area_m2) > 0
"""


def _engine(url: str):  # type: ignore[no-untyped-def]
    from landgis.db.engine import make_engine
    from landgis.settings import get_settings

    return make_engine(get_settings().model_copy(update={"database_url": url}))


def prepare(url: str) -> dict[str, int]:
    """Group some parcels under one holder and load two years of figures."""
    from sqlalchemy import select

    from bench.suite.efficiency_data import group_holdings, load_figures, make_figures
    from landgis.db.models import Parcel
    from landgis.db.repository import columns_frame
    from landgis.db.session import transaction

    with transaction(_engine(url)) as session:
        group_holdings(session)
        stmt = select(Parcel.holder, Parcel.credit_code, Parcel.area_m2)
        holders = columns_frame(session, stmt, ["holder", "credit_code", "area_m2"])
        figures = make_figures(holders, YEARS)
        rows = load_figures(session, figures)
    return {"parcels": len(holders), "figure_rows": rows}


def _repeat(function: Callable[[], object], runs: int, budget_s: float) -> list[float]:
    times: list[float] = []
    while len(times) < runs and sum(times) <= budget_s:
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def time_landgis(url: str, runs: int, budget_s: float) -> dict[str, object]:
    from sqlalchemy.orm import Session

    from landgis.efficiency.evaluation import evaluate
    from landgis.efficiency.rules import EfficiencyRules

    engine = _engine(url)
    found: dict[str, object] = {}

    def once() -> None:
        with Session(engine) as session:
            evaluation = evaluate(session, EfficiencyRules(), YEAR)
            found["enterprises"] = len(evaluation.items)
            found["parcels"] = int(evaluation.items["parcel_ids"].map(len).sum())
            found["classes"] = evaluation.class_counts()

    found["times"] = _repeat(once, runs, budget_s)
    return found


def time_sql(url: str, runs: int, budget_s: float) -> dict[str, object]:
    import psycopg

    found: dict[str, object] = {}
    with psycopg.connect(url.replace("+psycopg", "")) as conn:

        def once() -> None:
            found["enterprises"] = len(conn.execute(PER_MU, {"year": YEAR}).fetchall())

        found["times"] = _repeat(once, runs, budget_s)
    return found


def time_results(url: str, runs: int, budget_s: float) -> dict[str, object]:
    from sqlalchemy.orm import Session

    from landgis.efficiency.results import refresh_results
    from landgis.efficiency.rules import EfficiencyRules

    engine = _engine(url)
    found: dict[str, object] = {}

    def once() -> None:
        with Session(engine) as session:
            found["rows"] = refresh_results(session, EfficiencyRules())
            session.rollback()

    found["times"] = _repeat(once, runs, budget_s)
    return found


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("prepare", "landgis", "sql", "results"))
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget-s", type=float, default=60, help="no new run after this")
    args = parser.parse_args()
    if args.mode == "prepare":
        print(json.dumps(prepare(args.url)))
        return
    function = {"landgis": time_landgis, "sql": time_sql, "results": time_results}[args.mode]
    try:
        print(json.dumps(function(args.url, args.runs, args.budget_s)))
    except Exception as error:  # one line for the table, not a traceback
        first = (str(error).splitlines() or [""])[0]
        sys.exit(f"{args.mode}: {type(error).__name__}: {first}")


if __name__ == "__main__":
    main()
