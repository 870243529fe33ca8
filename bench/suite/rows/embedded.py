"""Row 8: the county's scale on the embedded backend: landgis served on a SpatiaLite file
beside landgis served on PostGIS, both loaded by ``landgis demo`` from the same province
(10,000 parcels; --quick: 2,000): an OGC items page (plain, bbox, status) and the densest
z13 tile, each loaded with wrk on both servers in turn once both answered the same."""

from __future__ import annotations

import dataclasses
import json
import urllib.request
from collections.abc import Mapping
from typing import Any

import mapbox_vector_tile

from bench.suite import data, probes, servers
from bench.suite.context import Context
from bench.suite.figures import fmt_mb, fmt_ratio, ratio
from bench.suite.procs import Server, log
from bench.suite.rows.loadtest import CONCURRENCIES, describe, load_all, probe, too_slow
from bench.suite.table import Line, failed
from bench.suite.targets import Goal, with_goals
from bench.suite.wrk import Load

ROW = "8 embedded backend"
SPATIALITE = "landgis SpatiaLite"
POSTGIS = "landgis PostGIS"
TOOLS = (SPATIALITE, POSTGIS)
Z = 13


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=300) as answer:
        return bytes(answer.read())


def page_key(body: bytes) -> tuple[Any, tuple[str, ...]]:
    """What two items pages must share to answer the same: numberMatched and the
    features' ids, in order."""
    page = json.loads(body)
    ids = tuple(str(feature.get("id")) for feature in page.get("features") or ())
    return page.get("numberMatched"), ids


def tile_key(body: bytes) -> dict[str, list[str]]:
    """What two MVT tiles must share to answer the same: each layer's feature ids (or,
    without ids, their properties), sorted; the encodings may differ in their bytes."""
    layers: dict[str, Any] = mapbox_vector_tile.decode(body)
    found = {}
    for name, layer in layers.items():
        features = layer.get("features") or []
        found[name] = sorted(
            str(f["id"]) if f.get("id") else json.dumps(f.get("properties"), sort_keys=True)
            for f in features
        )
    return found


def goals(mine: Load, postgis: Load | None) -> list[Goal]:
    """The SpatiaLite line's targets: p50 within 2× PostGIS's, req/s at least half."""
    return [
        Goal("p50", 2, "PostGIS", ratio(mine.p50_s, postgis.p50_s if postgis else None)),
        Goal(
            "req/s",
            0.5,
            "PostGIS",
            ratio(mine.requests_per_s, postgis.requests_per_s if postgis else None),
        ),
    ]


def _same(kind: str, bodies: Mapping[str, bytes]) -> str:
    """The check's note, or an error when the two servers answered differently."""
    lite, postgis = bodies[SPATIALITE], bodies[POSTGIS]
    if kind == "tile":
        layers = tile_key(postgis)
        if tile_key(lite) != layers:
            raise RuntimeError("SpatiaLite and PostGIS answer tiles of different features")
        features = sum(len(ids) for ids in layers.values())
        sizes = f"{len(lite):,} B SpatiaLite, {len(postgis):,} B PostGIS"
        return f"same {features} features on both ({sizes})"
    matched, ids = page_key(postgis)
    if page_key(lite) != (matched, ids):
        raise RuntimeError("SpatiaLite and PostGIS answer different pages")
    return f"same numberMatched ({matched:,}) and {len(ids)} feature ids on both"


def _cases(db: data.Database) -> dict[str, tuple[str, str]]:
    """Each case: its path (the same on both servers) and kind, from the PostGIS copy."""
    with db.connect() as conn:
        x, y, count = probes.densest_tile(conn, Z)
        bbox, in_bbox = probes.bbox_with(conn, probes.tile_center(Z, x, y), 600)
        status, with_status = probes.commonest_status(conn)
    items = "/ogc/collections/parcels/items?limit=100"
    box = ",".join(map(str, bbox))
    return {
        "items plain": (items, "page"),
        f"items bbox ({in_bbox} parcels)": (f"{items}&bbox={box}", "page"),
        f"items status={status} ({with_status:,} parcels)": (f"{items}&status={status}", "page"),
        f"z{Z}/{x}/{y} tile ({count:,} parcels)": (f"/tiles/parcels/{Z}/{x}/{y}.mvt", "tile"),
    }


def _databases(ctx: Context) -> tuple[data.SpatiaLite, data.Database, str]:
    """The province loaded into a SpatiaLite file and into a PostGIS scratch database."""
    gpkg = data.province(ctx.embedded_parcels)
    spatialite = data.SpatiaLite(ctx.work / f"embedded-{ctx.embedded_parcels}.sqlite")
    postgis = ctx.stack.enter_context(data.scratch_database("embedded"))
    times = {}
    for name, db in (("SpatiaLite", spatialite), ("PostGIS", postgis)):
        log(f"row 8: loading {gpkg.name} into {name}")
        times[name] = data.load_province(db, gpkg, timeout_s=ctx.cap(300))
    loaded = ", ".join(f"{name} {seconds:.0f} s" for name, seconds in times.items())
    return spatialite, postgis, loaded


def run(ctx: Context) -> list[Line]:
    label = f"{ctx.embedded_parcels:,} parcels"
    try:
        spatialite, postgis, loaded = _databases(ctx)
        cases = _cases(postgis)
    except Exception as error:
        return [failed(ROW, label, tool, error) for tool in TOOLS]
    ctx.notes.append(
        f"Row 8: {ctx.embedded_parcels:,} parcels (5 % in the ledger) loaded by `landgis demo` "
        f"into a SpatiaLite file and a PostGIS database ({loaded}); the PostGIS one analyzed."
    )
    loads: dict[tuple[str, str], dict[int, Load]] = {}
    lines: list[Line] = []
    notes: dict[str, str] = {}
    memory: dict[str, str] = {}
    try:
        with (
            servers.landgis(spatialite, ctx.workers, ctx.work, "landgis-spatialite") as lite,
            servers.landgis(postgis, ctx.workers, ctx.work, "landgis-postgis") as pg,
        ):
            running: dict[str, Server] = {SPATIALITE: lite, POSTGIS: pg}
            for case, (path, kind) in cases.items():
                log(f"row 8: {case}")
                try:
                    bodies = {tool: _get(running[tool].base + path) for tool in TOOLS}
                    notes[case] = _same(kind, bodies)
                except Exception as error:
                    lines += [failed(ROW, f"{case}, {label}", tool, error) for tool in TOOLS]
                    continue
                # One server after the other, case by case, so both meet the same machine.
                for tool in TOOLS:
                    url = running[tool].base + path
                    try:
                        got = probe(url, geojson=kind == "page")
                        found = load_all(url, ctx.load_seconds, got)
                    except Exception as error:
                        lines.append(failed(ROW, f"{case}, {label}", tool, error))
                        continue
                    if found is None:
                        lines.append(Line(ROW, f"{case}, {label}", tool, too_slow(got)))
                    else:
                        loads[tool, case] = found
            memory = {tool: fmt_mb(running[tool].peak_rss_kb()) for tool in TOOLS}
    except Exception as error:
        lines += [failed(ROW, label, tool, error) for tool in TOOLS]
    return _lines(cases, loads, notes, memory, label) + lines


def _lines(
    cases: Mapping[str, tuple[str, str]],
    loads: Mapping[tuple[str, str], dict[int, Load]],
    notes: Mapping[str, str],
    memory: Mapping[str, str],
    label: str,
) -> list[Line]:
    lines = []
    for case in cases:
        for connections in CONCURRENCIES:
            postgis = loads.get((POSTGIS, case), {}).get(connections)
            for tool in TOOLS:
                if (tool, case) not in loads:
                    continue
                load = loads[tool, case][connections]
                line = Line(
                    ROW,
                    f"{case}, c={connections}, {label}",
                    tool,
                    describe(load),
                    memory.get(tool, "–"),
                    note=notes.get(case, ""),
                )
                if tool == SPATIALITE:
                    line = _spatialite_line(line, load, postgis)
                lines.append(line)
    return lines


def _spatialite_line(line: Line, load: Load, postgis: Load | None) -> Line:
    """The SpatiaLite line with its ratios to PostGIS's and its targets."""
    found = goals(load, postgis)
    p99 = ratio(load.p99_s, postgis.p99_s if postgis else None)
    compared = (
        f"p50 {fmt_ratio(found[0].value)} PostGIS, req/s {fmt_ratio(found[1].value)} PostGIS, "
        f"p99 {fmt_ratio(p99)} PostGIS"
    )
    return with_goals(dataclasses.replace(line, ratios=compared), found)
