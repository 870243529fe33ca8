"""PostgreSQL restarted under load (``pg_ctl restart -m fast`` on a private cluster, never
the shared server): the requests it cuts off are at most one per pooled connection, each
a 503 with Retry-After rather than a 500, and every request made after it succeeds."""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from fault_support import cluster_database, landgis_server

from bench.suite.load import Answer, Client, open_cases, prepare_site
from landgis.db.engine import make_engine
from landgis.settings import Settings

WORKERS = 2
READERS, EDITORS = 4, 4
READS = ("/api/stats", "/api/cases?limit=20", "/ogc/collections/parcels/items?limit=20")


@dataclass(frozen=True)
class Sent:
    kind: str
    started: float
    answer: Answer


def test_a_restart_costs_at_most_one_request_per_pooled_connection(pg_cluster, tmp_path):
    url = cluster_database(pg_cluster, "restart_under_load")
    settings = Settings(database_url=url)
    engine = make_engine(settings)
    site = prepare_site(engine, tokens=EDITORS, clerks=0, password="a-good-password")
    cases = open_cases(engine)
    engine.dispose()
    pooled = (settings.db_pool_size + settings.db_max_overflow) * WORKERS

    sent: list[Sent] = []
    lock = threading.Lock()
    done = threading.Event()

    def keep(kind: str, started: float, answer: Answer) -> Answer:
        with lock:
            sent.append(Sent(kind, started, answer))
        return answer

    def reader(n: int, base: str) -> None:
        client = Client(base, timeout=60)
        step = n
        while not done.is_set():
            path = READS[step % len(READS)]
            keep("read", time.monotonic(), client.get(path))
            step += 1

    def editor(n: int, base: str) -> None:
        client = Client(base, token=site.tokens[n], timeout=60)
        step = 0
        while not done.is_set():
            case_no = cases[(n * 3 + step) % len(cases)]
            seen = keep("read", time.monotonic(), client.get(f"/api/cases/{case_no}"))
            if seen.status == 200:
                change = {"version": seen.json()["version"], "fields": {"remarks": f"{n}-{step}"}}
                started = time.monotonic()
                keep("edit", started, client.request("PATCH", f"/api/cases/{case_no}", change))
            step += 1

    with landgis_server(url, tmp_path, workers=WORKERS) as server:
        threads = [threading.Thread(target=reader, args=(n, server.base)) for n in range(READERS)]
        threads += [threading.Thread(target=editor, args=(n, server.base)) for n in range(EDITORS)]
        for thread in threads:
            thread.start()
        warm = time.monotonic() + 60
        while len(sent) < 40 and time.monotonic() < warm:  # every worker has served
            time.sleep(0.2)
        restart_began = time.monotonic()
        pg_cluster.restart()
        restarted = time.monotonic()
        time.sleep(5)
        done.set()
        for thread in threads:
            thread.join(timeout=90)
        log = server.log_tail(30000)

    def ok(item: Sent) -> bool:
        # A stale version (409) is an editor's everyday answer, not a failure.
        return 200 <= item.answer.status < 300 or (
            item.kind == "edit" and item.answer.status == 409
        )

    failed = [item for item in sent if not ok(item)]
    after = [item for item in sent if item.started > restarted]
    before = [item for item in sent if item.started < restart_began]
    assert len(before) > 20 and len(after) > 20, (len(before), len(after))
    assert [f.answer.status for f in failed if f.answer.status != 503] == [], [
        (f.kind, f.answer.status, f.answer.failure, f.answer.body[:200]) for f in failed
    ]
    assert len(failed) <= pooled
    for item in failed:
        body = item.answer.json()
        assert body["message"] and body["message_en"] and item.answer.headers["retry-after"]
        # Cut off by the restart: it was under way while the server went down.
        assert item.started < restarted and item.started + item.answer.seconds > restart_began
    assert all(ok(item) for item in after)
    assert " 500 " not in log, log[-3000:]
