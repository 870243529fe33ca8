"""Soak: a live ``landgis serve`` under every kind of use at once, for minutes.

``python -m bench.soak --backend spatialite|postgis --minutes 3 --workers 2`` makes a fresh
demo database (PostGIS: a new database on ``--postgis-url``, else on the server of
``LANDGIS_TEST_POSTGIS_URL``, else on the suite's server — see bench/suite/pgserver.py —
dropped afterwards), adds editors with bearer tokens and editors who log in with a
browser, starts the server on 127.0.0.1, and runs together, for the given time:

- editors (tokens and browser sessions with their CSRF token) changing cases, each change
  naming the version read, read again and retried on 409 (someone else was first);
- readers of the ledger, the headline figures, OGC items and the web pages;
- vector-tile clients (sending back the ETag they got);
- logins and logouts;
- an import of new parcels through the API every ``--import-every`` seconds;
- a /health probe every second, each on a new connection.

Every client is one thread with one keep-alive connection, so concurrency is bounded by
the numbers given. It reports requests, answers by class, 5xx by status, lost updates
(changes accepted vs case events written vs version steps; imported parcels vs parcels
added), latency percentiles per kind, and whether /health answered throughout; prints a
table and writes JSON. Exit status 1 when a 5xx, a lost update or a failed probe was seen.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import random
import shutil
import sys
import tempfile
import threading
import time
import urllib.parse
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from sqlalchemy.engine import make_url

from bench.suite import pgserver
from bench.suite.data import LANDGIS, ROOT
from bench.suite.grid import grid_parcels
from bench.suite.load import (
    Client,
    HealthProbe,
    Site,
    Tally,
    edit_case,
    ledger_figures,
    log_in,
    multipart,
    open_cases,
    prepare_site,
    tile_paths,
)
from bench.suite.procs import free_port, log, server
from landgis.db.engine import make_engine
from landgis.settings import Settings

PASSWORD = "soak-password-1"
READS = (
    "/api/ledger",
    "/api/stats",
    "/ogc/collections/parcels/items?limit=50",
    "/ogc/collections/cases/items?limit=20",
    "/",
    "/ledger",
)


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


@contextlib.contextmanager
def _postgis_database(given: str | None) -> Iterator[str]:
    """A new database with PostGIS (SQLAlchemy URL), dropped afterwards."""
    name = f"landgis_soak_{os.getpid()}_{int(time.time()) % 100000}"
    with contextlib.ExitStack() as stack:
        admin = given or os.environ.get("LANDGIS_TEST_POSTGIS_URL")
        if admin is None:
            admin, source = stack.enter_context(pgserver.admin_url())
            log(f"PostgreSQL: {source}")
        admin = _libpq(admin)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        url = make_url(admin).set(drivername="postgresql+psycopg", database=name)
        try:
            with psycopg.connect(
                _libpq(url.render_as_string(hide_password=False)), autocommit=True
            ) as conn:
                conn.execute("CREATE EXTENSION postgis")
            yield url.render_as_string(hide_password=False)
        finally:
            with psycopg.connect(admin, autocommit=True) as conn:
                conn.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


@contextlib.contextmanager
def _database(backend: str, workdir: Path, postgis_url: str | None) -> Iterator[str]:
    if backend == "spatialite":
        yield f"sqlite:///{workdir / 'soak.sqlite'}"
    else:
        with _postgis_database(postgis_url) as url:
            yield url


class Soak:
    """The clients of one run, sharing a tally and a stop signal."""

    def __init__(self, base: str, site: Site, cases: list[str], args: argparse.Namespace) -> None:
        self.base, self.site, self.cases, self.args = base, site, cases, args
        self.tally = Tally()
        self.stop = threading.Event()
        self.imported = 0
        self.imports_tried = 0
        self._squares = itertools.count(0, args.import_parcels)

    def _pause(self) -> bool:
        """Wait the pause between a client's requests; False once the run is over."""
        return not self.stop.wait(self.args.pause)

    def token_editor(self, n: int) -> None:
        client = Client(self.base, token=self.site.tokens[n])
        pick = random.Random(n)
        for step in itertools.count():
            if not self._pause():
                break
            edit_case(client, self.tally, pick.choice(self.cases), f"令牌编辑 {n}-{step}")

    def browser_editor(self, n: int) -> None:
        client = Client(self.base)
        answer, csrf = log_in(client, self.site.clerks[n], PASSWORD)
        self.tally.add("login", answer)
        if csrf is None:
            return
        pick = random.Random(1000 + n)
        for step in itertools.count():
            if not self._pause():
                break
            case_no = pick.choice(self.cases)
            edit_case(client, self.tally, case_no, f"网页编辑 {n}-{step}", csrf=csrf)
            if step % 5 == 0:
                page = f"/cases/{urllib.parse.quote(case_no)}"
                self.tally.add("page", client.request("GET", page, headers={"Accept": "text/html"}))

    def reader(self, n: int) -> None:
        client = Client(self.base)
        for step in itertools.count(n):
            if not self._pause():
                break
            path = READS[step % len(READS)]
            if path.startswith(("/api", "/ogc")):
                self.tally.add("read", client.get(path))
            else:
                self.tally.add("page", client.request("GET", path, headers={"Accept": "text/html"}))

    def tile_client(self, n: int) -> None:
        client = Client(self.base)
        tags: dict[str, str] = {}
        paths = tile_paths(14) + tile_paths(15)
        for step in itertools.count(n):
            if not self._pause():
                break
            path = paths[step % len(paths)]
            headers = {"If-None-Match": tags[path]} if path in tags else None
            answer = self.tally.add("tile", client.request("GET", path, headers=headers))
            if etag := answer.headers.get("etag"):
                tags[path] = etag

    def login_client(self, n: int) -> None:
        """Logs in and out again and again, as the last clerks (not the editing ones)."""
        names = self.site.clerks[self.args.browsers :] or self.site.clerks
        while self._pause():
            client = Client(self.base)
            answer, csrf = log_in(client, names[n % len(names)], PASSWORD)
            self.tally.add("login", answer)
            if csrf is not None:
                logout = client.request("POST", "/logout", headers={"X-CSRF-Token": csrf})
                self.tally.add("logout", logout)
            client.close()
            if self.stop.wait(1.0):
                break

    def importer(self, _n: int) -> None:
        client = Client(self.base, token=self.site.tokens[-1], timeout=120)
        while not self.stop.wait(self.args.import_every):
            frame = grid_parcels(self.args.import_parcels, "SOAK", first=next(self._squares))
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "soak.geojson"
                frame.to_file(path, driver="GeoJSON")
                body, headers = multipart({}, {"file": ("soak.geojson", path.read_bytes())})
            answer = self.tally.add("import", client.request("POST", "/api/imports", body, headers))
            self.imports_tried += 1
            if answer.status == 200:
                self.imported += int(answer.json().get("inserted", 0))

    def run(self, seconds: float) -> HealthProbe:
        """Every client at once for ``seconds``; the health probe that watched."""
        a = self.args
        roles: list[tuple[Callable[[int], None], int]] = [
            (self.token_editor, a.editors),
            (self.browser_editor, a.browsers),
            (self.reader, a.readers),
            (self.tile_client, a.tiles),
            (self.login_client, a.logins),
            (self.importer, 1 if a.import_every > 0 else 0),
        ]
        threads = [
            threading.Thread(target=role, args=(n,), name=f"{role.__name__}-{n}", daemon=True)
            for role, count in roles
            for n in range(count)
        ]
        probe = HealthProbe(self.base, every=1.0, timeout=30)
        probe.start()
        for thread in threads:
            thread.start()
        self.stop.wait(seconds)
        self.stop.set()
        for thread in threads:
            thread.join(timeout=130)
        probe.stop()
        return probe


def _report(args: argparse.Namespace, soak: Soak, probe: HealthProbe, figures: dict) -> dict:
    summary = soak.tally.summary()
    before, after = figures["before"], figures["after"]
    accepted = soak.tally.accepted_edits
    events = after["events"] - before["events"]
    steps = after["version_sum"] - before["version_sum"]
    parcels = after["parcels"] - before["parcels"]
    lost = max(abs(accepted - events), abs(accepted - steps), abs(soak.imported - parcels))
    health = probe.report()
    ok = not summary["server_errors"] and lost == 0 and health["answered_throughout"]
    return {
        "backend": args.backend,
        "workers": args.workers,
        "seconds": round(args.minutes * 60, 1),
        "clients": {
            k: getattr(args, k) for k in ("editors", "browsers", "readers", "tiles", "logins")
        },
        "command": " ".join([Path(sys.executable).name, "-m", "bench.soak", *sys.argv[1:]]),
        "requests": summary["requests"],
        "by_class": summary["by_class"],
        "server_errors": summary["server_errors"],
        "updates": {
            "accepted_edits": accepted,
            "case_events_written": events,
            "version_steps": steps,
            "imports": soak.imports_tried,
            "parcels_imported": soak.imported,
            "parcels_added": parcels,
            "lost": lost,
        },
        "health": health,
        "kinds": summary["kinds"],
        "samples": summary["samples"],
        "ok": ok,
    }


def _table(report: dict) -> str:
    def ms(value: float | None) -> str:
        return "-" if value is None else f"{value:,.0f}"

    lines = [
        f"soak: {report['backend']}, {report['workers']} workers, {report['seconds']:g} s",
        "",
        f"{'kind':<12} {'requests':>9} {'2xx':>7} {'3xx':>6} {'4xx':>6} {'5xx':>5} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}",
    ]
    for kind, row in report["kinds"].items():
        classes = dict.fromkeys(("2", "3", "4", "5"), 0)
        for status, n in row["statuses"].items():
            key = status[0] if status.isdigit() else "5"
            classes[key] = classes.get(key, 0) + n
        lines.append(
            f"{kind:<12} {row['requests']:>9,} {classes['2']:>7,} {classes['3']:>6,} "
            f"{classes['4']:>6,} {classes['5']:>5,} {ms(row['p50_ms']):>8} "
            f"{ms(row['p95_ms']):>8} {ms(row['p99_ms']):>8}"
        )
    updates, health = report["updates"], report["health"]
    lines += [
        "",
        f"requests {report['requests']:,}: {report['by_class']}; 5xx and no answer by "
        f"status: {report['server_errors'] or 'none'}",
        f"edits accepted {updates['accepted_edits']}, case events written "
        f"{updates['case_events_written']}, version steps {updates['version_steps']}; "
        f"parcels imported {updates['parcels_imported']} in {updates['imports']} imports, "
        f"added {updates['parcels_added']}: lost updates {updates['lost']}",
        f"/health: {health['probes']} probes, {health['failed']} failed, slowest "
        f"{health['slowest_s']} s: "
        + ("answered throughout" if health["answered_throughout"] else "NOT answered throughout"),
        "OK" if report["ok"] else "FAILED",
    ]
    return "\n".join(lines)


def run(args: argparse.Namespace) -> dict[str, Any]:
    """One soak run; the report."""
    with (
        tempfile.TemporaryDirectory(prefix="landgis-soak-") as folder,
        _database(args.backend, Path(folder), args.postgis_url) as url,
    ):
        workdir = Path(folder)
        engine = make_engine(Settings(database_url=url))
        clerks = args.browsers + max(args.logins, 1)
        log(f"loading the demo county and {args.editors + 1 + clerks} accounts")
        site = prepare_site(engine, tokens=args.editors + 1, clerks=clerks, password=PASSWORD)
        cases = open_cases(engine)
        before = ledger_figures(engine)
        port = free_port()
        command = [LANDGIS, "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--workers", str(args.workers)]
        env = {"LANDGIS_DATABASE_URL": url, "LANDGIS_SECRET_KEY": "soak-secret"}
        with server(
            "landgis", command, port=port, ready_path="/health", env=env, cwd=ROOT, log_dir=workdir
        ) as running:
            log(f"serving on {running.base}; soaking for {args.minutes * 60:g} s")
            soak = Soak(running.base, site, cases, args)
            probe = soak.run(args.minutes * 60)
        after = ledger_figures(engine)
        engine.dispose()
        shutil.copyfile(running.log_path, _out(args).with_suffix(".log"))
        return _report(args, soak, probe, {"before": before, "after": after})


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="python -m bench.soak", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--backend", choices=("spatialite", "postgis"), default="spatialite")
    parser.add_argument("--minutes", type=float, default=3.0, help="how long (default 3)")
    parser.add_argument("--workers", type=int, default=2, help="server workers (default 2)")
    parser.add_argument("--editors", type=int, default=6, help="editors with bearer tokens")
    parser.add_argument("--browsers", type=int, default=3, help="editors in browser sessions")
    parser.add_argument("--readers", type=int, default=4, help="ledger, figures, OGC, pages")
    parser.add_argument("--tiles", type=int, default=2, help="vector-tile clients")
    parser.add_argument("--logins", type=int, default=1, help="clients logging in and out")
    parser.add_argument(
        "--import-every", type=float, default=15, help="seconds between imports (0: none)"
    )
    parser.add_argument("--import-parcels", type=int, default=300, help="parcels per import")
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between requests")
    parser.add_argument(
        "--postgis-url",
        help="a PostgreSQL server to create the database on (default: the server of "
        "LANDGIS_TEST_POSTGIS_URL, else LANDGIS_BENCH_PG, 127.0.0.1:5432 or a private one)",
    )
    parser.add_argument(
        "--out", type=Path, help="JSON report (default soak-BACKEND.json; the log beside it)"
    )
    return parser.parse_args(argv)


def _out(args: argparse.Namespace) -> Path:
    return args.out or Path(f"soak-{args.backend}.json")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    report = run(args)
    out = _out(args)
    out.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    print(_table(report))
    print(f"JSON: {out}; the server's log: {out.with_suffix('.log')}")
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
