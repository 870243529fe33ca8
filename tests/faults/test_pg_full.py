"""A PostgreSQL server with no connection slot left (``max_connections`` taken by other
programs), on a private cluster: a request that needs a new connection waits for a slot
for up to the pool's timeout and is served when one frees; when none frees it gets a
503 with Retry-After and a message a clerk can act on, never a 500."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

import psycopg
import pytest
from fault_support import cluster_database, landgis_server

from bench.suite import pgserver
from bench.suite.load import Answer, Client, prepare_site
from landgis.db.engine import make_engine
from landgis.settings import Settings

POOL_TIMEOUT_S = 4
READ = "/api/stats"


@pytest.fixture(scope="module")
def small_cluster() -> Iterator[pgserver.Cluster]:
    """A private cluster with room for few connections."""
    with pgserver.cluster({"max_connections": "12"}) as running:
        yield running


class Crowd:
    """Other programs' connections, opened until the server refuses one more."""

    def __init__(self, url: str) -> None:
        self.url = url.replace("postgresql+psycopg://", "postgresql://")
        self.held: list[psycopg.Connection] = []

    def fill(self) -> None:
        while True:
            try:
                self.held.append(psycopg.connect(self.url, autocommit=True))
            except psycopg.OperationalError as error:
                assert "too many clients" in str(error), error
                return

    def release(self, count: int) -> None:
        for _ in range(count):
            self.held.pop().close()

    def end_sessions_of(self, database: str) -> None:
        """End the server's connections to ``database`` (not the crowd's own)."""
        ours = [conn.info.backend_pid for conn in self.held]
        self.held[0].execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND NOT pid = ANY(%s)",
            (database, ours),
        )

    def close(self) -> None:
        self.release(len(self.held))


@contextlib.contextmanager
def crowd_on(url: str) -> Iterator[Crowd]:
    crowd = Crowd(url)
    try:
        yield crowd
    finally:
        crowd.close()


def _read_in_background(client: Client) -> tuple[threading.Thread, list[Answer]]:
    answers: list[Answer] = []
    thread = threading.Thread(target=lambda: answers.append(client.get(READ)))
    thread.start()
    return thread, answers


def test_a_full_server_makes_requests_wait_then_answers_busy_never_500(small_cluster, tmp_path):
    name = "full_server"
    url = cluster_database(small_cluster, name)
    engine = make_engine(Settings(database_url=url))
    prepare_site(engine, tokens=1, clerks=0, password="a-good-password")
    engine.dispose()
    env = {"LANDGIS_DB_POOL_TIMEOUT": str(POOL_TIMEOUT_S)}

    with landgis_server(url, tmp_path, workers=1, env=env) as server, crowd_on(url) as crowd:
        client = Client(server.base, timeout=60)
        assert client.get(READ).status == 200

        # Every slot taken, the server's own connections ended: its next request needs a
        # new connection. A slot freed after a while is taken by the waiting request.
        crowd.fill()
        crowd.end_sessions_of(name)
        crowd.fill()
        thread, answers = _read_in_background(client)
        time.sleep(1.5)
        crowd.release(1)
        thread.join(timeout=60)
        assert answers[0].status == 200, answers[0]
        assert answers[0].seconds >= 1.0, "the request waited for the freed slot"

        # No slot frees within the pool's timeout: busy, try again.
        crowd.fill()
        crowd.end_sessions_of(name)
        crowd.fill()
        busy = client.get(READ)
        assert busy.status == 503, busy
        assert busy.headers.get("retry-after"), busy.headers
        assert "稍后再试" in busy.json()["message"], busy.json()
        assert "try again" in busy.json()["message_en"], busy.json()
        assert busy.seconds >= POOL_TIMEOUT_S - 0.5

        # The crowd leaves: the next request is served at once.
        crowd.close()
        assert client.get(READ).status == 200
        client.close()
