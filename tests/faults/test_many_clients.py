"""Fifty clients at once against ``landgis serve --workers 2``: bearer-token readers and
editors, then fifty browser logins. Every request is answered (none waits out the
client's 60 s), none with a 5xx, and /health, asked every half second by a monitor of
its own, answers every time within a few seconds: no worker's event loop is held up by
database waits or password checks."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import pytest
from fault_support import landgis_server

from bench.suite.load import (
    Client,
    HealthProbe,
    Site,
    Tally,
    edit_case,
    log_in,
    open_cases,
    prepare_site,
    tile_paths,
)
from bench.suite.procs import Server

CLIENTS = 50
PASSWORD = "a-good-password"
HEALTH_WITHIN_S = 5
READS = (
    "/api/stats",
    "/api/cases?limit=20",
    "/ogc/collections/parcels/items?limit=50",
    "/api/ledger",
)


@pytest.fixture(scope="module")
def crowd(databases, tmp_path_factory) -> Iterator[tuple[Site, Server, list[str]]]:
    engine = databases.engine()
    site = prepare_site(engine, tokens=CLIENTS, clerks=CLIENTS, password=PASSWORD)
    with landgis_server(site.url, tmp_path_factory.mktemp("crowd")) as server:
        yield site, server, open_cases(engine)


def _all_at_once(work: Callable[[int], None]) -> None:
    start = threading.Barrier(CLIENTS)

    def run(n: int) -> None:
        start.wait(timeout=60)
        work(n)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not any(thread.is_alive() for thread in threads)


def _check(tally: Tally, probe: HealthProbe, expected: int) -> None:
    summary = tally.summary()
    assert summary["requests"] == expected, summary
    assert summary["server_errors"] == {}, (summary["server_errors"], summary["samples"])
    health = probe.report()
    assert health["probes"] >= 2 and health["answered_throughout"], probe.probes
    assert health["slowest_s"] < HEALTH_WITHIN_S, probe.probes


def test_fifty_token_clients_reading_and_editing_at_once(crowd):
    site, server, cases = crowd
    tally = Tally()
    tiles = tile_paths()

    def client(n: int) -> None:
        http = Client(server.base, token=site.tokens[n], timeout=60)
        for path in (READS[n % len(READS)], tiles[n % len(tiles)]):
            tally.add("read", http.get(path))
        edit_case(http, tally, cases[n % len(cases)], f"并发编辑 {n}", attempts=1)
        http.close()

    probe = HealthProbe(server.base, every=0.5, timeout=30)
    probe.start()
    _all_at_once(client)
    probe.stop()
    # two reads, the case read and its edit each
    _check(tally, probe, expected=4 * CLIENTS)
    assert tally.accepted_edits > 0


def test_fifty_logins_at_once(crowd):
    site, server, _cases = crowd
    tally = Tally()
    who: dict[int, str | None] = {}

    def browser(n: int) -> None:
        http = Client(server.base, timeout=60)
        posted, csrf = log_in(http, site.clerks[n], PASSWORD)
        tally.add("login", posted)
        me = tally.add("me", http.get("/api/me"))
        who[n] = me.json().get("user") if me.status == 200 and csrf else None
        http.close()

    probe = HealthProbe(server.base, every=0.5, timeout=30)
    probe.start()
    _all_at_once(browser)
    probe.stop()
    _check(tally, probe, expected=2 * CLIENTS)
    assert who == {n: site.clerks[n] for n in range(CLIENTS)}
