"""The PostgreSQL server the suite creates its databases on: ``LANDGIS_BENCH_PG`` (a libpq
URL to a maintenance database), else the one answering on 127.0.0.1:5432, else a private
throwaway cluster (initdb + pg_ctl, as scripts/test.sh does) stopped afterwards."""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import psycopg

from bench.suite.procs import free_port, log

LOCAL = "postgresql://postgres@127.0.0.1:5432/postgres"


def _answers(url: str) -> bool:
    try:
        with psycopg.connect(url, connect_timeout=3) as conn:
            conn.execute("select 1")
        return True
    except psycopg.Error:
        return False


def _pg_bin() -> Path:
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: p.parts[-3])
    if not found:
        raise RuntimeError("no PostgreSQL server binaries: run scripts/system-deps.sh --bench")
    return found[-1].parent


class Cluster:
    """A private PostgreSQL cluster (initdb, pg_ctl) on a free loopback port, with trust
    authentication for user postgres; run by user postgres (or nobody) when started as
    root, since initdb refuses root. ``restart`` restarts it the way an administrator
    would (``pg_ctl restart -m fast``: sessions are ended, then it comes back)."""

    def __init__(self, settings: dict[str, str] | None = None) -> None:
        self.pg_bin = _pg_bin()
        self.directory = Path(tempfile.mkdtemp(prefix="landgis-pg."))
        self.data = self.directory / "data"
        self.port = free_port()
        self.settings = {"listen_addresses": "127.0.0.1", **(settings or {})}
        self.user: list[str] = []
        if os.geteuid() == 0:  # initdb refuses to run as root
            owner = "postgres" if _has_user("postgres") else "nobody"
            shutil.chown(self.directory, owner)
            self.user = ["runuser", "-u", owner, "--"]
        self.directory.chmod(0o700)

    @property
    def admin_url(self) -> str:
        """libpq URL of its maintenance database."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _pg_ctl(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[bytes]:
        command = [*self.user, str(self.pg_bin / "pg_ctl"), "-D", str(self.data), *args]
        return subprocess.run(command, cwd=self.directory, capture_output=True, check=check)

    def start(self) -> None:
        """initdb (first time) and start; returns once it accepts connections."""
        if not self.data.exists():
            initdb = [*self.user, str(self.pg_bin / "initdb"), "-D", str(self.data)]
            initdb += ["-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]
            subprocess.run(initdb, check=True, cwd=self.directory, capture_output=True)
        options = f"-p {self.port} -k {self.directory} "
        options += " ".join(f"-c {name}={value}" for name, value in self.settings.items())
        self._pg_ctl("-l", str(self.directory / "log"), "-w", "-t", "60", "-o", options, "start")

    def restart(self) -> None:
        """``pg_ctl restart -m fast``: ends every session, returns once it accepts
        connections again."""
        self._pg_ctl("-l", str(self.directory / "log"), "-w", "-t", "60", "-m", "fast", "restart")

    def stop(self) -> None:
        """Stop it and delete its files."""
        self._pg_ctl("-m", "fast", "-w", "stop", check=False)
        shutil.rmtree(self.directory, ignore_errors=True)

    def log_tail(self, chars: int = 2000) -> str:
        with contextlib.suppress(OSError):
            return (self.directory / "log").read_text(errors="replace")[-chars:]
        return ""


@contextlib.contextmanager
def cluster(settings: dict[str, str] | None = None) -> Iterator[Cluster]:
    """A started :class:`Cluster`, stopped and deleted afterwards whatever happens."""
    running = Cluster(settings)
    try:
        log(f"starting a private PostgreSQL cluster on port {running.port}")
        running.start()
        yield running
    finally:
        running.stop()


@contextlib.contextmanager
def _throwaway() -> Iterator[str]:
    with cluster() as running:
        yield running.admin_url


def _has_user(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False


@contextlib.contextmanager
def admin_url() -> Iterator[tuple[str, str]]:
    """(URL of a maintenance database, where it comes from) for the run."""
    given = os.environ.get("LANDGIS_BENCH_PG")
    if given:
        yield given, "LANDGIS_BENCH_PG"
    elif _answers(LOCAL):
        yield LOCAL, "the server on 127.0.0.1:5432"
    else:
        with _throwaway() as url:
            yield url, "a private throwaway cluster (default settings)"
