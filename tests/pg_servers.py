"""Throwaway PostgreSQL servers for the tests, started by ``scripts/pg-cluster.sh`` (the
script ``scripts/test.sh`` starts its temporary cluster with): a primary with a streaming
replica, pgbouncer in front of a database."""

from __future__ import annotations

import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.pool import NullPool

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "pg-cluster.sh"


def pg_cluster(*args: str) -> str:
    """Run ``scripts/pg-cluster.sh`` with ``args``; what it prints (a port)."""
    done = subprocess.run(
        ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=180, check=False
    )
    if done.returncode != 0:
        pytest.fail(f"pg-cluster.sh {' '.join(args)} failed:\n{done.stderr}", pytrace=False)
    return done.stdout.strip()


def local_url(port: int, database: str = "postgres") -> str:
    """The URL of a throwaway server's database (user postgres, trusted)."""
    return f"postgresql+psycopg://postgres@127.0.0.1:{port}/{database}"


@dataclass
class Servers:
    """Throwaway servers under one short directory in /tmp, removed by :meth:`remove`."""

    root: Path = field(default_factory=lambda: Path(tempfile.mkdtemp(prefix="lg-pg.", dir="/tmp")))
    started: list[Path] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.root.chmod(0o755)  # the servers' user must reach their directories

    def _dir(self, name: str) -> Path:
        path = self.root / name
        self.started.append(path)
        return path

    def primary(self, name: str = "primary") -> int:
        """A new primary allowing replication; its port."""
        return int(pg_cluster("start", str(self._dir(name))))

    def replica(self, primary_port: int, name: str = "replica") -> int:
        """A streaming replica of the primary on ``primary_port``; its port."""
        return int(pg_cluster("replica", str(self._dir(name)), str(primary_port)))

    def pgbouncer(self, target: str, name: str = "pgbouncer") -> int:
        """pgbouncer (transaction pooling) in front of the database at URL ``target``,
        as database ``landgis``; its port."""
        url = make_url(target)
        parts = {
            "host": url.host or "127.0.0.1",
            "port": url.port or 5432,
            "dbname": url.database,
            "user": url.username,
            "password": url.password,
        }
        conninfo = " ".join(f"{key}={value}" for key, value in parts.items() if value)
        return int(pg_cluster("pgbouncer", str(self._dir(name)), conninfo))

    def stop(self, name: str) -> None:
        pg_cluster("stop", str(self.root / name))

    def restart(self, name: str) -> None:
        pg_cluster("restart", str(self.root / name))

    def remove(self) -> None:
        for path in reversed(self.started):
            subprocess.run(["bash", str(SCRIPT), "remove", str(path)], check=False, timeout=60)
        subprocess.run(["rm", "-rf", str(self.root)], check=False)


@contextmanager
def throwaway_servers() -> Iterator[Servers]:
    """:class:`Servers`, removed afterwards whatever happens."""
    servers = Servers()
    try:
        yield servers
    finally:
        servers.remove()


def create_postgis_database(server_url: str, name: str) -> URL:
    """A new database ``name`` with PostGIS on the server at ``server_url``; its URL."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", poolclass=NullPool)
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = make_url(server_url).set(database=name)
    with create_engine(url, poolclass=NullPool).begin() as conn:
        conn.execute(text("CREATE EXTENSION postgis"))
    return url


def wait_for(condition: Callable[[], bool], timeout: float = 20.0) -> None:
    """Wait until ``condition()`` is true (a replica catching up, a server starting)."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"timed out waiting for {condition}", pytrace=False)
        time.sleep(0.05)
