"""What the fault tests share: a live ``landgis serve`` in its own process group, and
new databases on a private PostgreSQL cluster (see ``conftest.py`` for the fixture)."""

from __future__ import annotations

import contextlib
import shutil
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path

import psycopg
from psycopg import sql

from bench.suite import pgserver
from bench.suite.procs import Server, free_port, server

LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent)) or "landgis"
SECRET = "the-fault-tests-secret"


@contextlib.contextmanager
def landgis_server(
    url: str,
    log_dir: Path,
    *,
    workers: int = 2,
    env: Mapping[str, str] | None = None,
    name: str = "landgis",
) -> Iterator[Server]:
    """``landgis serve --workers N`` on ``url``, answering /health; the whole process group
    is stopped afterwards."""
    port = free_port()
    command = [LANDGIS, "serve", "--port", str(port), "--workers", str(workers)]
    environment = {"LANDGIS_DATABASE_URL": url, "LANDGIS_SECRET_KEY": SECRET, **(env or {})}
    with server(
        name, command, port=port, ready_path="/health", env=environment, log_dir=log_dir
    ) as running:
        yield running


def cluster_database(cluster: pgserver.Cluster, name: str) -> str:
    """A new database with PostGIS on ``cluster``; its SQLAlchemy URL."""
    with psycopg.connect(cluster.admin_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    url = f"postgresql://postgres@127.0.0.1:{cluster.port}/{name}"
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute("CREATE EXTENSION postgis")
    return f"postgresql+psycopg://postgres@127.0.0.1:{cluster.port}/{name}"
