"""Processes killed at the worst moment (SIGKILL: no clean-up of their own) leave the
database exactly as it was, and usable: an import killed with parcels written and not committed,
and a server killed in the middle of receiving an upload."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import psycopg
from fault_support import LANDGIS, landgis_server
from sqlalchemy.engine import make_url

from bench.suite.grid import write_grid
from bench.suite.load import Client, ledger_figures, multipart, prepare_site

PASSWORD = "a-good-password"
KILLED_IMPORT = 12_000  # parcels, 1,000 a batch: many seconds of writing
UPLOAD = 4_000


def _run(args: list[str], url: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [LANDGIS, *args],
        env={**os.environ, "LANDGIS_DATABASE_URL": url},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def _first_batch_written(process: subprocess.Popen[str], timeout: float) -> str:
    """Read the import's progress lines until the first batch is written; that line."""
    found: list[str] = []
    seen = threading.Event()

    def read() -> None:
        assert process.stderr is not None
        for line in process.stderr:
            if line.startswith("第 1 批:已写入"):  # every batch checked, the first written
                found.append(line)
                seen.set()
                return

    threading.Thread(target=read, daemon=True).start()
    if not seen.wait(timeout):
        process.kill()
        raise AssertionError("the import showed no first batch")
    return found[0]


def _libpq(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def _no_session_left(url: str, wait_s: float = 30) -> None:
    """Within ``wait_s``, no session of the database is left, in a transaction or not, nor
    any lock (PostgreSQL ends a killed client's backend and rolls it back). The test's
    own pool must be disposed first."""
    deadline = time.monotonic() + wait_s
    while True:
        with psycopg.connect(_libpq(url), autocommit=True) as conn:
            sessions = conn.execute(
                "SELECT pid, state, left(query, 80) FROM pg_stat_activity"
                " WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).fetchall()
            locks = conn.execute(
                "SELECT l.pid, l.locktype, l.mode FROM pg_locks l"
                " JOIN pg_database d ON d.oid = l.database"
                " WHERE d.datname = current_database() AND l.pid <> pg_backend_pid()"
            ).fetchall()
        if not sessions and not locks:
            return
        if time.monotonic() > deadline:
            raise AssertionError(f"left behind: sessions {sessions}, locks {locks}")
        time.sleep(0.5)


@contextlib.contextmanager
def _data_version_held(url: str) -> Iterator[psycopg.Connection]:
    """PostgreSQL's data-version row locked by the test while the block runs: a writer of
    parcels (whose triggers bump that row) waits there with its rows written and its
    transaction open."""
    with psycopg.connect(_libpq(url)) as conn:
        conn.execute("SELECT 1 FROM data_version WHERE id = 1 FOR UPDATE")
        yield conn
        conn.rollback()


def _writer_waiting(conn: psycopg.Connection, timeout: float) -> str:
    """The statement of the first other session found waiting for a lock."""
    deadline = time.monotonic() + timeout
    with psycopg.connect(conn.info.dsn, autocommit=True) as watch:
        while time.monotonic() < deadline:
            found = watch.execute(
                "SELECT left(query, 60) FROM pg_stat_activity"
                " WHERE datname = current_database() AND wait_event_type = 'Lock'"
            ).fetchone()
            if found:
                return found[0]
            time.sleep(0.2)
    raise AssertionError("the import never waited to write parcels")


def _start_import(path: Path, url: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [LANDGIS, "import", str(path), "--batch-size", "1000", "--progress"],
        env={**os.environ, "LANDGIS_DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_an_import_killed_after_its_first_batch_changes_nothing(databases, tmp_path):
    engine = databases.engine()
    site = prepare_site(engine, tokens=0, clerks=1, password=PASSWORD)
    before = ledger_figures(engine)
    engine.dispose()
    path = write_grid(tmp_path / "killed.gpkg", KILLED_IMPORT, "KILLED")

    if databases.backend == "postgis":
        # New parcels are checked apart and written at the end, in moments: the import is
        # held with its parcels written (their statement waits for the data-version row)
        # and killed there, before it can commit.
        with _data_version_held(site.url) as held:
            process = _start_import(path, site.url)
            waiting = _writer_waiting(held, timeout=180)
            os.kill(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
        assert "parcels" in waiting, waiting
        _no_session_left(site.url)
    else:
        process = _start_import(path, site.url)
        line = _first_batch_written(process, timeout=180)
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        assert "写入 1000 行" in line
    assert process.returncode == -signal.SIGKILL
    assert ledger_figures(engine) == before
    stats = _run(["stats", "--json"], site.url)
    assert stats.returncode == 0 and '"cases": 13' in stats.stdout, stats.stderr
    again = _run(["import", str(path), "--batch-size", "4000", "--no-progress"], site.url)
    assert again.returncode == 0, again.stderr + again.stdout
    assert f"新增 {KILLED_IMPORT} 宗" in again.stdout
    after = ledger_figures(engine)
    assert after["parcels"] == before["parcels"] + KILLED_IMPORT
    assert after["events"] == before["events"]


def _upload_slowly(port: int, token: str, path: Path, share: float) -> socket.socket:
    """Start ``POST /api/imports`` of ``path`` on a raw socket and send ``share`` of its
    body, slowly; the socket is left open with the rest unsent."""
    body, headers = multipart({}, {"file": (path.name, path.read_bytes())})
    head = (
        f"POST /api/imports HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n"
        f"Authorization: Bearer {token}\r\nContent-Type: {headers['Content-Type']}\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    )
    sock = socket.create_connection(("127.0.0.1", port), timeout=30)
    sock.sendall(head.encode())
    cut = int(len(body) * share)
    for start in range(0, cut, 32 << 10):
        sock.sendall(body[start : min(start + (32 << 10), cut)])
        time.sleep(0.02)
    return sock


def test_a_server_killed_in_the_middle_of_an_upload_changes_nothing(databases, tmp_path):
    engine = databases.engine()
    site = prepare_site(engine, tokens=1, clerks=0, password=PASSWORD)
    before = ledger_figures(engine)
    engine.dispose()
    path = write_grid(tmp_path / "upload.gpkg", UPLOAD, "UPLOAD")

    with landgis_server(site.url, tmp_path, name="killed") as server:
        upload = _upload_slowly(server.port, site.tokens[0], path, share=0.6)
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait(timeout=30)
        upload.settimeout(10)
        try:
            received = upload.recv(1024)
        except ConnectionResetError:
            received = b""
        upload.close()
        assert received == b""  # no answer: the connection ended with the server

    if databases.backend == "postgis":
        _no_session_left(site.url)
    assert ledger_figures(engine) == before
    with landgis_server(site.url, tmp_path, name="restarted") as server:
        client = Client(server.base, token=site.tokens[0], timeout=120)
        assert client.get("/health").json()["status"] == "ok"
        stats = client.get("/api/stats")
        assert stats.status == 200 and stats.json()["cases"] == 13
        body, headers = multipart({}, {"file": (path.name, path.read_bytes())})
        imported = client.request("POST", "/api/imports", body, headers)
        assert imported.status == 200, imported.body[:500]
        assert imported.json()["inserted"] == UPLOAD
    after = ledger_figures(engine)
    assert after["parcels"] == before["parcels"] + UPLOAD
