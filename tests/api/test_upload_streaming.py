"""Uploads against a real server (``landgis serve`` as a subprocess, its temporary folder a
folder of the test): who asks is known before a byte of the body is read, the size limit
is kept while the body streams, nothing of a refused upload stays on disk, a workbook bomb
costs the server no memory, and what a crashed process left behind is removed when the
server starts.

Requests are written on a raw socket, so that the test reads the answer while it is still
sending (or before it sends the body at all), as a browser uploading a large file would.
"""

from __future__ import annotations

import json
import os
import select
import shutil
import socket
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest
from server_start import drained_output, wait_until_served

from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA
from landgis.users import create_user, issue_token

LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))
MB = 1 << 20
IMPORT_MAX_MB = 5
ATTACHMENT_MAX_MB = 2
CASE = "QX-XZ-2023-010"
UPLOAD_ROUTES = (
    "/api/imports",
    "/api/imports/ledger",
    "/import",
    f"/cases/{CASE}/attachments",
    "/api/admin/restore",
    "/admin/restore",
)
DAY = 24 * 3600


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _dead_pid() -> int:
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _plant(root: Path, name: str, age_s: float = 0) -> Path:
    folder = root / name
    folder.mkdir(parents=True)
    (folder / "parcels.geojson").write_bytes(b"{}")
    if age_s:
        when = time.time() - age_s
        os.utime(folder, (when, when))
    return folder


@dataclass
class Server:
    port: int
    pid: int
    tmp: Path
    editor: str
    viewer: str
    planted: dict[str, Path]

    def peak_rss_mb(self) -> float:
        """The server process's peak resident memory so far (VmHWM), in MB."""
        for line in Path(f"/proc/{self.pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
        raise AssertionError("no VmHWM")

    def leftovers(self) -> list[Path]:
        """What the server made in its temporary folder and left there (besides the web
        import's staging folder, whose entries are checked apart)."""
        planted = set(self.planted.values())
        staging = self.tmp / "landgis-import-staging"
        return sorted(p for p in self.tmp.iterdir() if p not in planted and p != staging)


@pytest.fixture(scope="module")
def server(databases, tmp_path_factory):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, "editor1", "streaming-password", role="editor")
        create_user(session, "viewer1", "streaming-password", role="viewer")
        editor, viewer = issue_token(session, "editor1"), issue_token(session, "viewer1")
    tmp = tmp_path_factory.mktemp("server-tmp")
    dead = _dead_pid()
    staging = tmp / "landgis-import-staging"
    planted = {
        "dead upload": _plant(tmp, f"landgis-upload-{dead}-k3j4h5"),
        "dead unpacking": _plant(tmp, f"landgis-import-{dead}-a1b2c3"),
        "live upload": _plant(tmp, f"landgis-upload-{os.getpid()}-live"),
        "old upload": _plant(tmp, f"landgis-upload-{os.getpid()}-old", age_s=2 * DAY),
        "old staged": _plant(staging, "oldtoken", age_s=2 * DAY),
        "new staged": _plant(staging, "newtoken"),
        "not ours": _plant(tmp, "someone-else", age_s=2 * DAY),
    }
    port = _free_port()
    env = {
        **os.environ,
        "LANDGIS_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "LANDGIS_SECRET_KEY": "streaming-secret-streaming-secret",
        "LANDGIS_IMPORT_MAX_MB": str(IMPORT_MAX_MB),
        "LANDGIS_ATTACHMENT_MAX_MB": str(ATTACHMENT_MAX_MB),
        "LANDGIS_ATTACHMENTS_DIR": str(tmp_path_factory.mktemp("attachments")),
        "TMPDIR": str(tmp),
    }
    process = subprocess.Popen(
        [LANDGIS, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_until_served(f"http://127.0.0.1:{port}/health", process, drained_output(process))
        yield Server(port, process.pid, tmp, editor, viewer, planted)
    finally:
        process.terminate()
        process.wait(timeout=30)


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: dict
    text: str
    sent: int  # bytes of the body sent before the answer came
    closed: bool  # the server closed the connection after answering


def _read_answer(sock: socket.socket) -> tuple[int, dict[str, str], bytes, bool]:
    sock.settimeout(30)
    data = b""
    while b"\r\n\r\n" not in data:
        piece = sock.recv(65536)
        if not piece:
            break
        data += piece
    head, _, rest = data.partition(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {k.strip().lower(): v.strip() for k, _, v in (ln.partition(":") for ln in lines[1:])}
    length = int(headers.get("content-length", "0"))
    while len(rest) < length:
        piece = sock.recv(65536)
        if not piece:
            break
        rest += piece
    try:
        closed = sock.recv(1) == b""
    except (ConnectionResetError, TimeoutError):
        closed = True
    return status, headers, rest[:length], closed


def upload(
    server: Server,
    path: str,
    *,
    size: int,
    token: str | None = None,
    filename: str = "parcels.gpkg",
    chunked: bool = False,
    wait_first: float = 0.0,
    content: bytes | None = None,
) -> Answer:
    """POST a multipart body with a file of ``size`` bytes (``content``, or zeros),
    reading the answer as soon as it comes: after the headers when ``wait_first`` seconds
    pass, and between the 256 KB pieces of the body."""
    boundary = uuid.uuid4().hex
    preamble = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
    ).encode()
    closing = f"\r\n--{boundary}--\r\n".encode()
    total = len(preamble) + size + len(closing)
    head = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{server.port}",
        f"Content-Type: multipart/form-data; boundary={boundary}",
        "Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}",
    ]
    if token:
        head.append(f"Authorization: Bearer {token}")
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=30)
    try:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        answered = bool(wait_first) and bool(select.select([sock], [], [], wait_first)[0])
        sent = 0
        piece = 256 * 1024
        body = content if content is not None else None

        def pieces():
            yield preamble
            if body is not None:
                for start in range(0, len(body), piece):
                    yield body[start : start + piece]
            else:
                zeros = b"\0" * piece
                for start in range(0, size, piece):
                    yield zeros[: min(piece, size - start)]
            yield closing

        if not answered:
            for data in pieces():
                if select.select([sock], [], [], 0)[0]:
                    break  # answered while sending
                frame = f"{len(data):x}\r\n".encode() + data + b"\r\n" if chunked else data
                try:
                    sock.sendall(frame)
                except (BrokenPipeError, ConnectionResetError):
                    break  # the server answered and closed: read its answer
                sent += len(data)
            else:
                if chunked:
                    sock.sendall(b"0\r\n\r\n")
        status, headers, raw, closed = _read_answer(sock)
        text = raw.decode("utf-8", errors="replace")
        is_json = headers.get("content-type", "").startswith("application/json")
        return Answer(status, headers, json.loads(text) if is_json else {}, text, sent, closed)
    finally:
        sock.close()


# --- who asks is known before the body is read ------------------------------------------


@pytest.mark.parametrize("route", UPLOAD_ROUTES)
def test_an_anonymous_upload_is_answered_401_before_its_body_is_sent(server, route):
    answer = upload(server, route, size=60 * MB, wait_first=20)
    assert answer.status == 401, answer.body
    assert answer.sent == 0  # answered on the headers alone
    assert answer.closed and answer.headers.get("connection") == "close"
    assert answer.body["message"] and answer.body["message_en"]
    assert server.leftovers() == []


@pytest.mark.parametrize("route", UPLOAD_ROUTES)
def test_a_viewers_upload_is_answered_403_before_its_body_is_sent(server, route):
    answer = upload(server, route, size=60 * MB, token=server.viewer, wait_first=20)
    assert answer.status == 403, answer.body
    assert answer.sent == 0
    assert answer.closed
    assert server.leftovers() == []


# --- the size limit, kept while the body streams ----------------------------------------


@pytest.mark.parametrize("route", ["/api/imports", "/api/imports/ledger"])
def test_a_declared_length_past_the_limit_is_refused_before_the_body(server, route):
    name = "ledger.xlsx" if route.endswith("ledger") else "parcels.gpkg"
    answer = upload(server, route, size=60 * MB, token=server.editor, filename=name, wait_first=20)
    assert answer.status == 413, answer.body
    assert answer.sent == 0
    assert f"{IMPORT_MAX_MB} MB" in answer.body["message_en"]
    assert answer.closed
    assert server.leftovers() == []


@pytest.mark.parametrize(
    ("route", "limit_mb"),
    [("/api/imports", IMPORT_MAX_MB), (f"/cases/{CASE}/attachments", ATTACHMENT_MAX_MB)],
)
def test_a_chunked_body_is_cut_off_as_soon_as_it_passes_the_limit(server, route, limit_mb):
    name = "scan.pdf" if "attachments" in route else "parcels.gpkg"
    answer = upload(server, route, size=200 * MB, token=server.editor, filename=name, chunked=True)
    assert answer.status == 413, answer.text[:500]
    assert f"{limit_mb} MB" in answer.text  # the API's message, or the case page's
    # Read up to the limit (and what the sockets hold), then refused: far from the 200 MB.
    assert limit_mb * MB < answer.sent < 60 * MB
    assert answer.closed
    assert server.leftovers() == []  # the part written so far is gone


# --- a bomb costs the server nothing ------------------------------------------------------


def test_a_workbook_bomb_is_refused_without_the_server_growing(server, workbook_bomb, tmp_path):
    good = tmp_path / "tiny.geojson"
    good.write_text(json.dumps({"type": "FeatureCollection", "features": []}), encoding="utf-8")
    # Warm up: the import path's modules loaded, the peak measured after.
    upload(
        server,
        "/api/imports",
        size=good.stat().st_size,
        token=server.editor,
        filename="tiny.geojson",
        content=good.read_bytes(),
    )
    before = server.peak_rss_mb()
    content = workbook_bomb.read_bytes()
    for route in ("/api/imports", "/api/imports/ledger"):
        answer = upload(
            server,
            route,
            size=len(content),
            token=server.editor,
            filename="bomb.xlsx",
            content=content,
        )
        assert answer.status == 422, answer.body
        assert "Excel" in answer.body["message_en"], answer.body
        assert "100 MB" in answer.body["message_en"], answer.body
    assert server.peak_rss_mb() - before < 64  # the 300 MB sheet was never unpacked
    assert server.leftovers() == []


# --- what a crashed process left --------------------------------------------------------


def test_leftovers_of_dead_processes_are_removed_when_the_server_starts(server):
    gone = ("dead upload", "dead unpacking", "old upload", "old staged")
    kept = ("live upload", "new staged", "not ours")
    assert [name for name in gone if server.planted[name].exists()] == []
    assert [name for name in kept if not server.planted[name].exists()] == []
