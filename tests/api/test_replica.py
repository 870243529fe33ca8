"""Reads on a real streaming replica, writes on the primary, each user seeing their own
writes at once: a throwaway primary and a replica made by pg_basebackup, per module."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import httpx2
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.pool import NullPool

from api.main import create_app
from landgis.db.engine import make_engine
from landgis.db.migrate import upgrade
from landgis.db.replica import EnginePair
from landgis.db.session import optional_write, read_session, transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, issue_token
from tests.pg_servers import (
    Servers,
    create_postgis_database,
    local_url,
    throwaway_servers,
    wait_for,
)
from tests.web.conftest import serve

PASSWORD = "a-good-password"
EDITORS = [f"ed{n}" for n in range(4)]


@dataclass
class Cluster:
    servers: Servers
    primary_url: str
    replica_url: str
    tokens: dict[str, str]
    code: str  # a demo parcel's code

    def settings(self, **values: Any) -> Settings:
        return Settings(
            database_url=self.primary_url,
            read_database_url=self.replica_url,
            replica_wait_s=2.0,
            **values,
        )

    def replica_admin(self) -> Engine:
        return create_engine(self.replica_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


@pytest.fixture(scope="module")
def cluster() -> Iterator[Cluster]:
    with throwaway_servers() as servers:
        primary_port = servers.primary()
        url = create_postgis_database(local_url(primary_port), "landgis")
        engine = make_engine(Settings(database_url=url.render_as_string(hide_password=False)))
        upgrade(engine)
        with transaction(engine) as session:
            load_demo(session, DEMO_DATA)
            for name in EDITORS:
                create_user(session, name, PASSWORD, role="editor")
            tokens = {name: issue_token(session, name) for name in EDITORS}
            code = session.scalar(text("SELECT parcel_code FROM parcels ORDER BY id LIMIT 1"))
        engine.dispose()
        replica_port = servers.replica(primary_port)
        yield Cluster(
            servers,
            local_url(primary_port, "landgis"),
            local_url(replica_port, "landgis"),
            tokens,
            str(code),
        )


class Statements:
    """The statements each engine of an app ran, as they run."""

    def __init__(self, pair: EnginePair) -> None:
        assert pair.replica is not None
        self.ran: dict[str, list[str]] = {"primary": [], "replica": []}
        for name, engine in (("primary", pair.primary), ("replica", pair.replica.engine)):
            event.listen(engine, "before_cursor_execute", self._recorder(name))

    def _recorder(self, name: str) -> Any:
        def record(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
            self.ran[name].append(statement)

        return record

    def clear(self) -> None:
        for statements in self.ran.values():
            statements.clear()

    def reading(self, name: str, table: str) -> list[str]:
        return [s for s in self.ran[name] if table in s and s.lstrip().upper().startswith("SELECT")]


@pytest.fixture(scope="module")
def app(cluster: Cluster) -> FastAPI:
    return create_app(cluster.settings())


@pytest.fixture(scope="module")
def statements(app: FastAPI) -> Statements:
    return Statements(app.state.engines)


def _holder(client: TestClient | httpx2.Client, code: str, **headers: str) -> str:
    answer = client.get(f"/api/parcels/{code}", headers=headers)
    assert answer.status_code == 200, answer.text
    return str(answer.json()["properties"]["holder"])


def _bearer(cluster: Cluster, name: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {cluster.tokens[name]}"}


def test_reads_are_served_by_the_replica(app, cluster, statements):
    with TestClient(app) as client:
        assert client.get("/api/parcels", params={"limit": 1}).status_code == 200  # warm
        statements.clear()
        assert client.get("/api/parcels", params={"limit": 5}).status_code == 200
        assert client.get(f"/api/parcels/{cluster.code}").status_code == 200
        items = client.get("/ogc/collections/parcels/items", params={"limit": 3, "f": "json"})
        assert items.status_code == 200 and len(items.json()["features"]) == 3
        assert client.get("/api/stats").status_code == 200
        assert client.get("/tiles/parcels/0/0/0.mvt").status_code in (200, 204)
        export = client.get("/api/exports/ledger.csv")
        assert export.status_code == 200 and cluster.code.encode() in export.content
    assert statements.reading("replica", "parcels")
    assert statements.reading("primary", "parcels") == []
    with app.state.engines.read_bind() as bind:
        assert bind.scalar(text("SELECT pg_is_in_recovery()")) is True


def test_a_read_on_the_replica_skips_its_optional_write(app):
    with app.state.engines.read_bind() as bind, read_session(bind) as session:
        assert session.scalar(text("SELECT pg_is_in_recovery()")) is True
        optional_write(session, text("INSERT INTO count_cache VALUES ('on-replica', 1, 1)"))
        assert (
            session.scalar(text("SELECT count(*) FROM count_cache WHERE key = 'on-replica'")) == 0
        )


def test_the_writer_reads_their_write_at_once_while_others_read_the_replica(
    app, cluster, statements
):
    replica = cluster.replica_admin()
    with TestClient(app) as writer, TestClient(app) as other:
        before = _holder(other, cluster.code)
        with replica.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_pause()"))
        try:
            changed = writer.patch(
                f"/api/parcels/{cluster.code}",
                json={"properties": {"holder": "副本测试甲"}},
                headers=_bearer(cluster, "ed0"),
            )
            assert changed.status_code == 200, changed.text
            started = time.monotonic()
            assert _holder(writer, cluster.code, **_bearer(cluster, "ed0")) == "副本测试甲"
            assert time.monotonic() - started < 5  # waited replica_wait_s, then the primary
            assert _holder(other, cluster.code) == before  # the paused replica answered
        finally:
            with replica.connect() as conn:
                conn.execute(text("SELECT pg_wal_replay_resume()"))
        wait_for(lambda: _holder(other, cluster.code) == "副本测试甲")
        statements.clear()
        assert _holder(writer, cluster.code, **_bearer(cluster, "ed0")) == "副本测试甲"
        assert statements.reading("replica", "parcels")  # caught up: the replica again
    replica.dispose()


def test_a_read_right_after_a_write_waits_for_the_replica_to_replay_it(app, cluster, statements):
    with TestClient(app) as client:
        for n in range(3):
            holder = f"副本测试乙{n}"
            headers = _bearer(cluster, "ed1")
            answer = client.patch(
                f"/api/parcels/{cluster.code}",
                json={"properties": {"holder": holder}},
                headers=headers,
            )
            assert answer.status_code == 200, answer.text
            statements.clear()
            assert _holder(client, cluster.code, **headers) == holder
            assert statements.reading("replica", "parcels")
            assert statements.reading("primary", "parcels") == []


def test_the_cookie_carries_the_write_to_another_worker(app, cluster, form_login):
    """A browser session's write position lives in its signed cookie: a second app (another
    worker, with nothing in memory) reads the write at once."""
    other_worker = create_app(cluster.settings())
    with TestClient(app) as browser, TestClient(other_worker) as elsewhere:
        csrf = form_login(browser, "ed2", PASSWORD)
        replica = cluster.replica_admin()
        with replica.connect() as conn:
            conn.execute(text("SELECT pg_wal_replay_pause()"))
        try:
            answer = browser.patch(
                f"/api/parcels/{cluster.code}",
                json={"properties": {"holder": "副本测试丙"}},
                headers={"X-CSRF-Token": csrf},
            )
            assert answer.status_code == 200, answer.text
            elsewhere.cookies = browser.cookies
            assert _holder(elsewhere, cluster.code) == "副本测试丙"
        finally:
            with replica.connect() as conn:
                conn.execute(text("SELECT pg_wal_replay_resume()"))
            replica.dispose()
    other_worker.state.engines.dispose()


def test_concurrent_clients_on_a_live_server(cluster):
    """A few dozen requests from several clients at once over loopback: readers on the
    replica, editors each reading their own writes."""
    app = create_app(cluster.settings(db_pool_size=4, db_max_overflow=4))
    failures: list[str] = []
    lock = threading.Lock()

    def editor(base: str, name: str) -> None:
        with httpx2.Client(base_url=base, headers=_bearer(cluster, name), timeout=30) as client:
            for n in range(3):
                code = client.get("/api/parcels", params={"limit": 6}).json()["features"]
                target = code[EDITORS.index(name)]["id"]
                holder = f"{name}-{n}"
                put = client.patch(
                    f"/api/parcels/{target}", json={"properties": {"holder": holder}}
                )
                seen = _holder(client, target)
                if put.status_code != 200 or seen != holder:
                    with lock:
                        failures.append(f"{name}: {put.status_code} {seen!r} != {holder!r}")

    def reader(base: str) -> None:
        with httpx2.Client(base_url=base, timeout=30) as client:
            for path in ("/api/stats", "/api/parcels?limit=20", "/tiles/parcels/0/0/0.mvt"):
                status = client.get(path).status_code
                if status not in (200, 204):
                    with lock:
                        failures.append(f"{path}: {status}")

    with serve(app) as base, ThreadPoolExecutor(max_workers=12) as pool:
        jobs = [pool.submit(editor, base, name) for name in EDITORS]
        jobs += [pool.submit(reader, base) for _ in range(8)]
        for job in jobs:
            job.result(timeout=120)
    assert failures == []


def test_reads_fall_back_to_the_primary_while_the_replica_is_down(app, cluster, caplog):
    app.state.engines.replica.retry_s = 0.2
    with TestClient(app) as client:
        assert client.get(f"/api/parcels/{cluster.code}").status_code == 200
        cluster.servers.stop("replica")
        try:
            with caplog.at_level(logging.WARNING, logger="landgis.db.replica"):
                for _ in range(3):
                    answer = client.get(f"/api/parcels/{cluster.code}")
                    assert answer.status_code == 200, answer.text
                    assert client.get("/tiles/parcels/0/0/0.mvt").status_code in (200, 204)
            assert any("replica unreachable" in r.getMessage() for r in caplog.records)
        finally:
            cluster.servers.restart("replica")

    def on_the_replica() -> bool:
        with app.state.engines.read_bind() as bind:
            return not isinstance(bind, Engine)

    wait_for(on_the_replica)
