"""Run by the suite as a child process (so its peak memory is its own): time the headline
figures through the landgis library, or the raw GROUP BY with psycopg, and print JSON."""

from __future__ import annotations

import argparse
import json
import time

from landgis.workflow import OPEN_STATUSES

# The totals of `landgis stats` in SQL: ledger cases and areas by category, cause, zone,
# status and route, revitalized areas, overdue cases, over the stored areas.
GROUP_BY = """
select c.category, c.cause, z.name, c.status, c.route, count(*) as cases,
  round(sum(c.idle_area_m2)::numeric * 3 / 2000, 2) as idle_mu,
  round(sum(c.idle_building_area_m2)::numeric, 2) as idle_building_m2,
  round(sum(c.revitalized_area_m2)::numeric * 3 / 2000, 2) as revitalized_mu,
  round(sum(c.revitalized_building_area_m2)::numeric, 2) as revitalized_building_m2,
  count(*) filter (where c.status = any(%(open)s) and c.deadline < current_date) as overdue
from cases c
join parcels p on p.id = c.parcel_id
left join zones z on z.id = p.zone_id
where c.status <> 'dismissed'
group by grouping sets ((), (c.category), (c.cause), (z.name), (c.status), (c.route))
"""


def time_landgis(url: str, runs: int, budget_s: float) -> list[float]:
    from sqlalchemy.orm import Session

    from landgis.db.engine import make_engine
    from landgis.settings import get_settings
    from landgis.stats import headline_figures

    settings = get_settings().model_copy(update={"database_url": url})
    engine = make_engine(settings)
    times: list[float] = []
    while len(times) < runs and sum(times) <= budget_s:
        with Session(engine) as session:
            started = time.perf_counter()
            headline_figures(session)
            times.append(time.perf_counter() - started)
    return times


def time_sql(url: str, runs: int, budget_s: float) -> list[float]:
    import psycopg

    times: list[float] = []
    with psycopg.connect(url.replace("+psycopg", "")) as conn:
        while len(times) < runs and sum(times) <= budget_s:
            started = time.perf_counter()
            conn.execute(GROUP_BY, {"open": list(OPEN_STATUSES)}).fetchall()
            times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("mode", choices=("landgis", "sql"))
    parser.add_argument("url")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--budget-s", type=float, default=60, help="no new run after this")
    args = parser.parse_args()
    function = time_landgis if args.mode == "landgis" else time_sql
    print(json.dumps({"times": function(args.url, args.runs, args.budget_s)}))


if __name__ == "__main__":
    main()
