"""Row 1: a page of 100 parcels from OGC API - Features: landgis, tipg, the floor (which
sends what landgis sends for each request, :mod:`bench.floor_app`) and, for one run, the
previous floor; plain, filtered by status (a query parameter, and a CQL2 filter), in a
bounding box, and deep (offset 50,000, and the same page by key)."""

from __future__ import annotations

import functools
import urllib.request
from urllib.parse import urlencode

from bench.suite import capture, probes, servers
from bench.suite.context import Context
from bench.suite.figures import fmt_mb, fmt_ratio, ratio
from bench.suite.procs import log
from bench.suite.rows.loadtest import (
    CONCURRENCIES,
    compare,
    describe,
    load_all,
    probe,
    too_slow,
)
from bench.suite.table import Line, failed
from bench.suite.targets import Goal, with_goals
from bench.suite.wrk import Load

ROW = "1 OGC items"
TOOLS = ("landgis", "tipg", "floor")
# tipg filters on columns of what it serves: a view gives parcels their current case.
VIEW = "bench_parcels_ledger"
VIEW_SQL = f"""
create or replace view {VIEW} as
select p.id, p.parcel_code, p.project_name, p.holder, p.location, p.land_use, p.area_m2,
  p.geodesic_area_m2, p.registered_area_m2, z.code as zone_code, z.name as zone_name,
  c.case_no, c.status, c.category, c.cause, c.route, c.idle_area_m2,
  c.revitalized_area_m2, c.deadline, p.geom
from parcels p
left join zones z on z.id = p.zone_id
left join lateral (
  select * from cases c where c.parcel_id = p.id order by c.id desc limit 1
) c on true
"""


def _paths(tool: str, query: dict[str, str]) -> str:
    if tool in ("landgis", "floor"):  # the floor answers landgis's own URLs
        return "/ogc/collections/parcels/items?" + urlencode(query)
    ledger = "status" in query or "filter" in query
    collection = f"public.{VIEW}" if ledger else "public.parcels"
    return f"/collections/{collection}/items?" + urlencode({**query, "sortby": "parcel_code"})


def _serves(tool: str, query: dict[str, str]) -> bool:
    """Whether ``tool`` is measured on ``query``: key paging is landgis's own (the floor
    replays it)."""
    return "after" not in query or tool in ("landgis", "floor")


def _goals(query: dict[str, str], ratios: dict[str, float | None]) -> list[Goal]:
    """The targets of a landgis line: requests/s against tipg (plain, bbox) and against
    the floor (status, as a parameter or in CQL2; bbox)."""
    goals = []
    if set(query) == {"limit"} or "bbox" in query:
        goals.append(Goal("req/s", 5, "tipg", ratios.get("tipg")))
    if "status" in query or "filter" in query or "bbox" in query:
        goals.append(Goal("req/s", 0.8, "floor", ratios.get("floor")))
    return goals


def _floor_check(url: str, landgis: capture.Captured) -> str:
    """The floor's note, once its page is checked against landgis's."""
    with urllib.request.urlopen(url, timeout=300) as answer:
        body = answer.read()
    if not capture.same_page(landgis.body, body):
        raise RuntimeError("the floor's page differs from landgis's")
    return f"same features and numberMatched as landgis; replays its {landgis.summary()}"


def run(ctx: Context) -> list[Line]:
    db = ctx.main_db()
    with db.connect() as conn:
        conn.execute(VIEW_SQL)
        x, y, _ = probes.densest_tile(conn, 13)
        bbox, in_bbox = probes.bbox_with(conn, probes.tile_center(13, x, y), 600)
        status, with_status = probes.commonest_status(conn)
        total = int(conn.execute("select count(*) from parcels").fetchone()[0])
        offset = total // 2
        # The key just before position ``offset``: a next link to the page at the offset.
        before = conn.execute(
            "select parcel_code from parcels order by parcel_code offset %s limit 1",
            (offset - 1,),
        ).fetchone()[0]
    cases = {
        "plain": {"limit": "100"},
        f"status={status} ({with_status:,} parcels)": {"limit": "100", "status": status},
        f"filter=status='{status}' (CQL2 text)": {
            "limit": "100",
            "filter": f"status='{status}'",
            "filter-lang": "cql2-text",
        },
        f"bbox ({in_bbox} parcels)": {"limit": "100", "bbox": ",".join(map(str, bbox))},
        f"offset={offset:,}": {"limit": "100", "offset": str(offset)},
        # landgis's next links page by key: the same page reached as a client paging
        # through would reach it (tipg and the floor page by offset only).
        f"next link at {offset:,} (after=key)": {
            "limit": "100",
            "offset": str(offset),
            "after": before,
        },
    }
    loads: dict[tuple[str, str], dict[int, Load] | None] = {}
    errors: dict[tuple[str, str], str] = {}
    memory: dict[str, str] = {}
    notes: dict[tuple[str, str], str] = {}
    targets = {case: _paths("landgis", query) for case, query in cases.items()}
    log("row 1: catching what landgis sends for each request")
    starters = dict(servers.SERVERS)
    try:
        captured = capture.landgis_sends(db, targets.values())
        plan = ctx.work / "floor-plan-ogc.json"
        capture.write_plan(captured, dict.fromkeys(targets.values(), "items"), plan)
        starters["floor"] = functools.partial(servers.floor, plan=plan)
    except Exception as error:
        captured = {}
        for case in cases:
            errors["floor", case] = f"catching landgis's statements: {error}"
    for tool in TOOLS:
        if tool not in starters:
            continue
        log(f"row 1: {tool}")
        try:
            with starters[tool](db, ctx.workers, ctx.work) as running:
                for case, query in cases.items():
                    if not _serves(tool, query):
                        continue
                    url = running.base + _paths(tool, query)
                    try:
                        got = probe(url)
                        notes[tool, case] = got.describe()
                        if tool == "floor":
                            check = _floor_check(url, captured[targets[case]])
                            notes[tool, case] += f"; {check}"
                        loads[tool, case] = load_all(url, ctx.load_seconds, got)
                        if loads[tool, case] is None:
                            errors[tool, case] = too_slow(got)
                    except Exception as error:  # one case failing leaves the others
                        errors[tool, case] = str(error)
                memory[tool] = fmt_mb(running.peak_rss_kb())
        except Exception as error:
            for case in cases:
                errors.setdefault((tool, case), str(error))
    found = {key: value for key, value in loads.items() if value is not None}
    return _lines(cases, found, errors, memory, notes, total)


def _lines(
    cases: dict[str, dict[str, str]],
    loads: dict[tuple[str, str], dict[int, Load]],
    errors: dict[tuple[str, str], str],
    memory: dict[str, str],
    notes: dict[tuple[str, str], str],
    total: int,
) -> list[Line]:
    first = next(iter(cases))
    deep = [case for case, query in cases.items() if "offset" in query]
    lines = []
    for case in cases:
        for connections in CONCURRENCIES:
            label = f"{case}, c={connections}, {total:,} parcels"
            for tool in TOOLS:
                if not _serves(tool, cases[case]):
                    continue
                if (tool, case) not in loads:
                    error = errors.get((tool, case), "?")
                    if error.startswith("one request took"):
                        lines.append(Line(ROW, label, tool, error, memory.get(tool, "–")))
                    else:
                        lines.append(failed(ROW, label, tool, error))
                    continue
                load = loads[tool, case][connections]
                note = notes.get((tool, case), "")
                if case in deep and (tool, first) in loads:
                    page1 = loads[tool, first][connections].p50_s
                    deep_ratio = fmt_ratio(ratio(load.p50_s, page1))
                    note += f"; p50 this page / first page {deep_ratio}"
                if tool == "tipg" and ("status" in cases[case] or "filter" in cases[case]):
                    note += f"; tipg serves view {VIEW} (parcels + current case)"
                compared = ""
                goals: list[Goal] = []
                if tool == "landgis":
                    others = {
                        name: loads[name, case][connections]
                        for name in TOOLS[1:]
                        if (name, case) in loads
                    }
                    compared = compare(load, others)
                    rates = {
                        name: ratio(load.requests_per_s, other.requests_per_s)
                        for name, other in others.items()
                    }
                    goals = _goals(cases[case], rates)
                line = Line(ROW, label, tool, describe(load), memory.get(tool, "–"), compared, note)
                lines.append(with_goals(line, goals) if tool == "landgis" else line)
    return lines
