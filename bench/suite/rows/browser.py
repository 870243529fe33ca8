"""Row 6: the ledger map of every parcel in headless Chromium, from navigation start until
the parcels are drawn: landgis ``/map`` against an inline-GeoJSON folium map."""

from __future__ import annotations

import dataclasses
import json
import os
import sys
from pathlib import Path
from urllib.parse import urlparse

from bench.suite import data, probes, servers
from bench.suite.context import Context
from bench.suite.figures import fmt_mb, fmt_ratio, fmt_spread, median, ratio
from bench.suite.folium_map import write_map
from bench.suite.procs import descendants, free_port, log, peak_rss_kb, server, timed_command
from bench.suite.table import Line, failed
from bench.suite.targets import Goal, with_goals

ROW = "6 ledger map"
CHROMIUM = os.environ.get("LANDGIS_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
DRAWN = "document.documentElement.dataset.parcelsDrawn"
LANDGIS_CAP_S = 180
BASELINE_CAP_S = 120


def _chromium_rss_kb() -> int:
    pids = []
    for pid in descendants(os.getpid()):
        try:
            if "chrom" in Path(f"/proc/{pid}/comm").read_text():
                pids.append(pid)
        except OSError:
            continue
    return peak_rss_kb(pids)


def time_page(url: str, cap_s: float, runs: int) -> tuple[list[float], int, str]:
    """Seconds from navigation start until drawn (``parcelsDrawn`` when the page sets it,
    else the load event) for each run, Chromium's peak RSS, and what was waited for.
    Raises TimeoutError past ``cap_s``."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    times: list[float] = []
    waited = "load event"
    rss = 0
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            for _ in range(runs):
                # landgis's pages forbid evaluated strings (CSP without 'unsafe-eval'), and
                # Playwright polls ``DRAWN`` by evaluating it in the page.
                context = browser.new_context(
                    viewport={"width": 1280, "height": 800}, bypass_csp=True
                )
                page = context.new_page()

                def local_only(route, request) -> None:  # type: ignore[no-untyped-def]
                    host = urlparse(request.url).hostname
                    if host in ("127.0.0.1", "localhost") or request.url.startswith("data:"):
                        route.continue_()
                    else:
                        route.abort()

                page.route("**/*", local_only)
                try:
                    page.goto(url, wait_until="load", timeout=cap_s * 1000)
                    if page.evaluate("document.documentElement.innerHTML.includes('parcelsDrawn')"):
                        waited = "parcelsDrawn"
                        page.wait_for_function(DRAWN, timeout=cap_s * 1000)
                        drawn = float(page.evaluate(DRAWN))
                    else:
                        drawn = float(
                            page.evaluate(
                                "performance.getEntriesByType('navigation')[0].loadEventEnd"
                            )
                        )
                except PlaywrightTimeout:
                    raise TimeoutError(f"> {cap_s:.0f} s cap") from None
                times.append(drawn / 1000)
                rss = max(rss, _chromium_rss_kb())
                context.close()
                if sum(times) > cap_s:
                    break
        finally:
            browser.close()
    return times, rss, waited


def measure_page(url: str, cap_s: float, runs: int) -> tuple[list[float], int, str]:
    """:func:`time_page` in a child process, stopped with its browser if it hangs."""
    command = [sys.executable, "-m", "bench.suite.rows.browser", url, str(cap_s), str(runs)]
    try:
        done = timed_command(command, cwd=data.ROOT, timeout_s=2 * cap_s + 60)
    except TimeoutError:
        raise TimeoutError(f"> {cap_s:.0f} s cap") from None
    answer = json.loads(done.stdout.strip().splitlines()[-1])
    if "timeout" in answer:
        raise TimeoutError(answer["timeout"])
    return answer["times"], answer["rss_kb"], answer["waited"]


def main() -> None:
    """Child process: time one page, print JSON."""
    url, cap_s, runs = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
    try:
        times, rss, waited = time_page(url, cap_s, runs)
    except TimeoutError as error:
        print(json.dumps({"timeout": str(error)}))
        return
    print(json.dumps({"times": times, "rss_kb": rss, "waited": waited}))


def run(ctx: Context) -> list[Line]:
    db = ctx.main_db()
    case = f"{ctx.parcels:,} parcels"
    lines: list[Line] = []
    found: dict[str, float] = {}
    # Above its inline threshold landgis draws parcels from zoom 12: open it at zoom 14 on
    # the densest part of the province, where it does draw them (the province view shows
    # zones and a hint to zoom in, no parcels).
    with db.connect() as conn:
        x, y, _ = probes.densest_tile(conn, 13)
    lon, lat = probes.tile_center(13, x, y)
    view = f"/map?view={lat:.5f},{lon:.5f},14"
    case += f", landgis at {view}"
    log("row 6: landgis /map")
    try:
        with servers.landgis(db, ctx.workers, ctx.work) as running:
            cap = ctx.cap(LANDGIS_CAP_S)
            times, rss, waited = measure_page(running.base + view, cap, ctx.runs)
            found["landgis"] = median(times)
            server_rss = fmt_mb(running.peak_rss_kb())
            note = f"{len(times)} runs; until {waited}; server peak {server_rss}"
            if waited != "parcelsDrawn":
                note += " (the map sets no parcelsDrawn mark yet)"
            line = Line(ROW, case, "landgis /map", fmt_spread(times), fmt_mb(rss), "", note)
            lines.append(with_goals(line, [Goal("time", 2, None, found["landgis"])]))
    except Exception as error:
        lines.append(failed(ROW, case, "landgis /map", error))
    log("row 6: folium inline GeoJSON")
    try:
        site = ctx.work / "folium-map"
        write_map(db.url("postgresql+psycopg"), site)
        size = (site / "index.html").stat().st_size / 1e6
        port = free_port()
        command = [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"]
        command += ["--directory", str(site)]
        with server(
            "static",
            command,
            port=port,
            ready_path="/leaflet.css",
            log_dir=ctx.work,
            cwd=data.ROOT,
        ) as running:
            cap = ctx.cap(BASELINE_CAP_S)
            times, rss, waited = measure_page(running.base + "/index.html", cap, ctx.runs)
        found["folium"] = median(times)
        lines.append(
            Line(
                ROW,
                case,
                "folium GeoJson (inline)",
                fmt_spread(times),
                fmt_mb(rss),
                "",
                f"{len(times)} runs; until {waited}; {size:.0f} MB HTML",
            )
        )
    except TimeoutError as error:
        lines.append(Line(ROW, case, "folium GeoJson (inline)", str(error), "–", "", "capped"))
    except Exception as error:
        lines.append(failed(ROW, case, "folium GeoJson (inline)", error))
    if "landgis" in found and "folium" in found:
        first = lines[0]
        slower = fmt_ratio(ratio(found["landgis"], found["folium"]))
        lines[0] = dataclasses.replace(first, ratios=f"time {slower} folium")
    return lines


if __name__ == "__main__":
    main()
