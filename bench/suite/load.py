"""Clients that load a live landgis server from threads, and what they count.

Used by the soak (``bench/soak.py``) and by the tests of concurrent writers and of
faults: a keep-alive HTTP client per thread (bearer token or browser session with its
CSRF token), a thread-safe tally of answers and latencies by kind of request, a /health
probe, the edit loop that counts accepted changes, and the ledger figures that tell
whether a change was lost."""

from __future__ import annotations

import http.client
import json
import math
import re
import socket
import threading
import time
import urllib.parse
import uuid
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, func, select

from landgis.db.models import Case, CaseEvent, DataVersion, Parcel
from landgis.db.session import transaction

TIMEOUT = "timeout"  # an answer that never came (the client gave up)
NO_ANSWER = "no answer"  # the connection failed or closed before an answer


@dataclass(frozen=True)
class Answer:
    """One request: status (0 when none came), body, headers, seconds taken."""

    status: int
    body: bytes
    headers: dict[str, str]
    seconds: float
    failure: str | None = None

    def json(self) -> Any:
        return json.loads(self.body or b"null")


class Client:
    """A keep-alive HTTP/1.1 client to one loopback server, for one thread; a browser's
    session cookie is kept when the server sets one."""

    def __init__(self, base: str, *, timeout: float = 60, token: str | None = None) -> None:
        parts = urllib.parse.urlsplit(base)
        self.host, self.port = parts.hostname or "127.0.0.1", parts.port or 80
        self.timeout = timeout
        self.headers: dict[str, str] = {"Authorization": f"Bearer {token}"} if token else {}
        self.cookies: dict[str, str] = {}
        self._conn: http.client.HTTPConnection | None = None

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """Send one request; a failure to get an answer is an Answer with status 0."""
        sent = {**self.headers, **(headers or {})}
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        data: bytes | None = None
        if isinstance(body, dict | list):
            data = json.dumps(body).encode()
            sent.setdefault("Content-Type", "application/json")
        elif isinstance(body, bytes):
            data = body
        started = time.perf_counter()
        for attempt in (1, 2):
            fresh = self._conn is None
            if self._conn is None:
                self._conn = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
            try:
                self._conn.request(method, path, body=data, headers=sent)
                response = self._conn.getresponse()
                payload = response.read()
            except TimeoutError:
                self.close()
                return Answer(0, b"", {}, time.perf_counter() - started, TIMEOUT)
            except (http.client.HTTPException, OSError) as error:
                self.close()
                # A kept-alive connection the server closed meanwhile: once more, anew.
                if attempt == 1 and not fresh and _closed_while_idle(error):
                    continue
                return Answer(0, b"", {}, time.perf_counter() - started, NO_ANSWER)
            seconds = time.perf_counter() - started
            got = {k.lower(): v for k, v in response.getheaders()}
            for line in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = line.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            if response.will_close:
                self.close()
            return Answer(response.status, payload, got, seconds)
        raise AssertionError("unreachable")

    def get(self, path: str) -> Answer:
        return self.request("GET", path)


def _closed_while_idle(error: BaseException) -> bool:
    return isinstance(
        error,
        http.client.RemoteDisconnected | ConnectionResetError | BrokenPipeError | socket.error,
    ) and not isinstance(error, TimeoutError)


def multipart(
    fields: dict[str, str], files: dict[str, tuple[str, bytes]]
) -> tuple[bytes, dict[str, str]]:
    """A multipart/form-data body and its Content-Type header."""
    boundary = f"landgis-{uuid.uuid4().hex}"
    parts: list[bytes] = []
    for name, value in fields.items():
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
        parts.append(head.encode() + value.encode() + b"\r\n")
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    body = b"".join(parts) + f"--{boundary}--\r\n".encode()
    return body, {"Content-Type": f"multipart/form-data; boundary={boundary}"}


def log_in(client: Client, username: str, password: str) -> tuple[Answer, str | None]:
    """Log a browser in through the form; (the form post's answer, the session's CSRF
    token for changes, or None when the login failed)."""
    page = client.get("/login")
    found = re.search(rb'name="csrf_token" value="([^"]+)"', page.body)
    if page.status != 200 or found is None:
        return page, None
    form = urllib.parse.urlencode(
        {"username": username, "password": password, "csrf_token": found.group(1).decode()}
    ).encode()
    posted = client.request(
        "POST", "/login", form, {"Content-Type": "application/x-www-form-urlencoded"}
    )
    if posted.status != 303:
        return posted, None
    me = client.get("/api/me")
    token = me.json().get("csrf_token") if me.status == 200 else None
    return posted, token


@dataclass
class Tally:
    """Answers by kind of request and status, latencies by kind, a few bodies of failed
    answers; safe to share between threads."""

    statuses: Counter[tuple[str, str]] = field(default_factory=Counter)
    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    samples: dict[str, str] = field(default_factory=dict)
    accepted_edits: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, answer: Answer) -> Answer:
        status = str(answer.status) if answer.status else (answer.failure or NO_ANSWER)
        with self.lock:
            self.statuses[(kind, status)] += 1
            self.seconds[kind].append(answer.seconds)
            if not answer.status or answer.status >= 500:
                key = f"{kind} {status}"
                if key not in self.samples:
                    self.samples[key] = answer.body[:400].decode(errors="replace")
        return answer

    def accepted(self) -> None:
        with self.lock:
            self.accepted_edits += 1

    def server_errors(self) -> Counter[str]:
        """5xx answers by status, and requests that got no answer at all."""
        with self.lock:
            return self._server_errors()

    def _server_errors(self) -> Counter[str]:
        found: Counter[str] = Counter()
        for (_kind, status), n in self.statuses.items():
            if not status.isdigit() or int(status) >= 500:
                found[status] += n
        return found

    def summary(self) -> dict[str, Any]:
        """Totals, classes of status, 5xx by status, and per kind count and latencies."""
        with self.lock:
            classes: Counter[str] = Counter()
            for (_kind, status), n in self.statuses.items():
                classes[f"{status[0]}xx" if status.isdigit() else "no answer"] += n
            kinds = {}
            for kind, values in sorted(self.seconds.items()):
                ordered = sorted(values)
                statuses = {s: n for (k, s), n in self.statuses.items() if k == kind}
                kinds[kind] = {
                    "requests": len(ordered),
                    "statuses": dict(sorted(statuses.items())),
                    "p50_ms": _percentile(ordered, 50),
                    "p95_ms": _percentile(ordered, 95),
                    "p99_ms": _percentile(ordered, 99),
                    "max_ms": round(ordered[-1] * 1000, 1) if ordered else None,
                }
            return {
                "requests": sum(self.statuses.values()),
                "by_class": dict(sorted(classes.items())),
                "server_errors": dict(self._server_errors()),
                "accepted_edits": self.accepted_edits,
                "kinds": kinds,
                "samples": dict(self.samples),
            }


def _percentile(ordered: list[float], share: float) -> float | None:
    if not ordered:
        return None
    index = min(len(ordered) - 1, max(0, round(share / 100 * len(ordered) + 0.5) - 1))
    return round(ordered[index] * 1000, 1)


def edit_case(
    client: Client,
    tally: Tally,
    case_no: str,
    remarks: str,
    *,
    csrf: str | None = None,
    attempts: int = 5,
) -> bool:
    """Read the case, change its remarks naming the version read, and on a 409 (someone
    else changed it first) or a 503 (busy) read it again and retry; whether the change was
    accepted (counted in the tally)."""
    headers = {"X-CSRF-Token": csrf} if csrf else None
    for _ in range(attempts):
        seen = tally.add("case read", client.get(f"/api/cases/{urllib.parse.quote(case_no)}"))
        if seen.status != 200:
            return False
        change = {"version": seen.json()["version"], "fields": {"remarks": remarks}}
        answer = tally.add(
            "case edit",
            client.request("PATCH", f"/api/cases/{urllib.parse.quote(case_no)}", change, headers),
        )
        if answer.status == 200:
            tally.accepted()
            return True
        if answer.status == 503:
            time.sleep(min(float(answer.headers.get("retry-after", "1")), 2) / 4)
        elif answer.status != 409:
            return False
    return False


class HealthProbe(threading.Thread):
    """Asks /health every ``every`` seconds with its own connection; records each
    probe's status and time."""

    def __init__(self, base: str, every: float = 1.0, timeout: float = 10) -> None:
        super().__init__(daemon=True)
        self.base, self.every, self.timeout = base, every, timeout
        self.probes: list[tuple[float, int, float]] = []  # (when, status, seconds)
        self._stop_event = threading.Event()

    def run(self) -> None:
        client = Client(self.base, timeout=self.timeout)
        while not self._stop_event.is_set():
            started = time.monotonic()
            answer = client.get("/health")
            self.probes.append((started, answer.status, answer.seconds))
            client.close()  # a new connection each time, as a monitor opens one
            self._stop_event.wait(max(0.0, self.every - (time.monotonic() - started)))

    def stop(self) -> None:
        self._stop_event.set()
        self.join(timeout=self.timeout + 5)

    def report(self) -> dict[str, Any]:
        """How many probes, how many failed, the slowest; whether it answered throughout."""
        failed = [p for p in self.probes if p[1] != 200]
        slowest = max((p[2] for p in self.probes), default=0.0)
        return {
            "probes": len(self.probes),
            "failed": len(failed),
            "slowest_s": round(slowest, 3),
            "answered_throughout": bool(self.probes) and not failed,
        }


@dataclass(frozen=True)
class Site:
    """A demo database with accounts: editors' bearer tokens, and editors who log in
    with a browser (name and password)."""

    url: str
    tokens: list[str]
    clerks: list[str]
    password: str


def prepare_site(engine: Engine, *, tokens: int, clerks: int, password: str) -> Site:
    """Load the demo county into the (new) database and add ``tokens`` editors with a
    bearer token each and ``clerks`` editors who log in with ``password``. (The password
    is hashed once, for the first account, and the others share the hash: argon2 takes
    most of a second.)"""
    from landgis.db.migrate import upgrade
    from landgis.db.models import User
    from landgis.demo import load_demo
    from landgis.settings import DEMO_DATA
    from landgis.users import create_user, issue_token

    upgrade(engine)
    names = [f"editor{n}" for n in range(tokens)] + [f"clerk{n}" for n in range(clerks)]
    issued = []
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        first = create_user(session, names[0], password, role="editor")
        for name in names[1:]:
            session.add(User(username=name, password_hash=first.password_hash, role="editor"))
        session.flush()
        issued = [issue_token(session, f"editor{n}", name="load") for n in range(tokens)]
    url = engine.url.render_as_string(hide_password=False)
    return Site(url, issued, names[tokens:], password)


def tile_paths(zoom: int = 14, around: tuple[float, float] = (104.80, 30.10)) -> list[str]:
    """Vector tile paths of the 3 x 3 tiles at ``zoom`` around a point (by default the
    demo county's parcels)."""
    lon, lat = around
    n = 1 << zoom
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return [
        f"/tiles/parcels/{zoom}/{x + dx}/{y + dy}.mvt" for dx in (-1, 0, 1) for dy in (-1, 0, 1)
    ]


def ledger_figures(engine: Engine) -> dict[str, Any]:
    """What a lost or half-written change would show: events, the sum of case versions,
    parcels and their area, the data version."""
    with transaction(engine, write=False) as session:
        return {
            "events": session.scalar(select(func.count(CaseEvent.id))),
            "version_sum": int(session.scalar(select(func.sum(Case.version))) or 0),
            "parcels": session.scalar(select(func.count(Parcel.id))),
            "area_m2": round(float(session.scalar(select(func.sum(Parcel.area_m2))) or 0), 3),
            "data_version": session.scalar(select(DataVersion.version).where(DataVersion.id == 1)),
        }


def open_cases(engine: Engine) -> list[str]:
    """Case numbers that can still be edited (not closed)."""
    with transaction(engine, write=False) as session:
        return list(
            session.scalars(select(Case.case_no).where(Case.status != "closed").order_by(Case.id))
        )
