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


@contextlib.contextmanager
def _throwaway() -> Iterator[str]:
    pg_bin = _pg_bin()
    directory = Path(tempfile.mkdtemp(prefix="landgis-bench-pg."))
    user: list[str] = []
    if os.geteuid() == 0:  # initdb refuses to run as root
        owner = "postgres" if _has_user("postgres") else "nobody"
        shutil.chown(directory, owner)
        user = ["runuser", "-u", owner, "--"]
    directory.chmod(0o700)
    data = directory / "data"
    port = free_port()
    try:
        log(f"starting a private PostgreSQL cluster on port {port}")
        initdb = [*user, str(pg_bin / "initdb"), "-D", str(data), "-U", "postgres"]
        initdb += ["--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]
        subprocess.run(initdb, check=True, cwd=directory, capture_output=True)
        options = f"-c listen_addresses=127.0.0.1 -p {port} -k {directory}"
        start = [*user, str(pg_bin / "pg_ctl"), "-D", str(data), "-l", str(directory / "log")]
        start += ["-w", "-t", "60", "-o", options, "start"]
        subprocess.run(start, check=True, cwd=directory, capture_output=True)
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*user, str(pg_bin / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
            cwd=directory,
            capture_output=True,
            check=False,
        )
        shutil.rmtree(directory, ignore_errors=True)


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
