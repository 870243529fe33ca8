"""landgis behind a real pgbouncer in transaction pooling mode, in front of the test
database: reads (each repeated past psycopg's prepare threshold) and a write through it."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from api.main import create_app
from landgis.db.engine import make_engine
from landgis.settings import Settings
from tests.pg_servers import local_url, throwaway_servers


@dataclass
class Bouncer:
    port: int
    tokens: dict[str, str]

    def stats(self) -> dict[str, int]:
        """pgbouncer's counters for database landgis (from its admin console)."""
        psql = ["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres", "-AF,"]
        shown = subprocess.run(
            [*psql, "-c", "SHOW STATS", "pgbouncer"],
            capture_output=True,
            text=True,
            check=True,
            timeout=30,
        ).stdout.splitlines()
        header = shown[0].split(",")
        for line in shown[1:]:
            if line.startswith("landgis,"):  # once the database has been used
                values = line.split(",")[1:]
                return {name: int(value) for name, value in zip(header[1:], values, strict=True)}
        return dict.fromkeys(header[1:], 0)


@pytest.fixture(scope="module")
def bouncer(database_factories) -> Iterator[Bouncer]:
    site = database_factories["postgis"].demo({"ed": "editor"}, tokens=["ed"])
    with throwaway_servers() as servers:
        yield Bouncer(servers.pgbouncer(site.url), site.tokens)


def test_the_api_reads_and_writes_through_pgbouncer_pooling_transactions(bouncer):
    settings = Settings(
        database_url=local_url(bouncer.port, "landgis"),
        db_prepared_statements=False,
        db_pool_size=3,
        db_max_overflow=0,
    )
    editor = {"Authorization": f"Bearer {bouncer.tokens['ed']}"}
    before = bouncer.stats()["total_xact_count"]
    with TestClient(create_app(settings)) as client:
        features = client.get("/api/parcels", params={"limit": 3}).json()["features"]
        code = features[0]["id"]
        for n in range(8):  # past psycopg's prepare threshold, on pooled connections
            assert client.get(f"/api/parcels/{code}").status_code == 200
            assert client.get("/api/stats").status_code == 200
            items = client.get("/ogc/collections/parcels/items", params={"limit": 2, "f": "json"})
            assert items.status_code == 200 and len(items.json()["features"]) == 2
            assert client.get("/tiles/parcels/0/0/0.mvt").status_code in (200, 204)
            changed = client.patch(
                f"/api/parcels/{code}",
                json={"properties": {"holder": f"池化测试{n}"}},
                headers=editor,
            )
            assert changed.status_code == 200, changed.text
            shown = client.get(f"/api/parcels/{code}").json()["properties"]["holder"]
            assert shown == f"池化测试{n}"
    assert bouncer.stats()["total_xact_count"] - before > 40


def _two_connections_taking_turns(settings: Settings) -> None:
    """Two pooled connections each running its own statement past psycopg's prepare
    threshold, one transaction at a time: pgbouncer hands both the same server connection."""
    engine = make_engine(settings)
    try:
        with engine.connect() as first, engine.connect() as second:
            for n in range(8):
                first.execute(text("SELECT count(*) FROM parcels WHERE id > :n"), {"n": n})
                first.commit()
                second.execute(text("SELECT count(*) FROM cases WHERE id > :n"), {"n": n})
                second.commit()
    finally:
        engine.dispose()


def test_behind_pgbouncer_landgis_must_not_prepare_statements(bouncer):
    url = local_url(bouncer.port, "landgis")
    _two_connections_taking_turns(Settings(database_url=url, db_prepared_statements=False))
    with pytest.raises(DBAPIError, match="prepared statement"):
        _two_connections_taking_turns(Settings(database_url=url, db_prepared_statements=True))
