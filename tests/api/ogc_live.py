"""A live ``landgis serve`` for the OGC API test suites: a demo county of its own on the
test's backend, in the county's time zone (Asia/Shanghai), with known times (each parcel
its own ``updated_at``, one ledger case with no event) and a reader's token, answering on
loopback over HTTP/1.1 as a client sees it; three investment projects courted."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import os
import shutil
import socket
import subprocess
import sys
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from email.message import Message
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

from factory_projects import court_projects
from server_start import drained_output, wait_until_served
from sqlalchemy import Engine, func, select, update

from landgis.db.models import Case, CaseEvent, Parcel
from landgis.db.session import transaction
from landgis.users import create_user, issue_token

LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))
UTC = dt.UTC
GEOJSON = "application/geo+json"
# The first parcel's updated_at; each next parcel (by code) is 7 hours and 1 second later.
PARCEL_TIME0 = dt.datetime(2021, 3, 1, 1, 0, 0, tzinfo=UTC)
SILENT_CASE = "QX-XZ-2099-001"  # a ledger case with no event, added here


def links_by_rel(document: dict[str, Any]) -> dict[str, dict[str, str]]:
    """A document's links by their ``rel``."""
    return {link["rel"]: link for link in document["links"]}


@dataclass(frozen=True)
class Answer:
    """One HTTP response as it came over the wire."""

    status: int
    version: int
    headers: Message
    body: bytes

    @property
    def media_type(self) -> str:
        return self.headers.get("content-type", "")

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass(frozen=True)
class Site:
    """The server under test and what the test made the data say."""

    host: str
    port: int
    # updated_at given to each parcel; the last event day of each case (None: no event).
    parcel_times: dict[str, dt.datetime]
    case_days: dict[str, dt.date | None]
    token: str
    database_url: str

    @property
    def root(self) -> str:
        return f"http://{self.host}:{self.port}/ogc"

    def call(
        self,
        method: str,
        target: str,
        params: Mapping[str, Any] | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Answer:
        """``method`` on ``target`` (a URL, or a path under the landing page)."""
        parts = urlsplit(target if target.startswith("http") else self.root + target)
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        if params:
            path += ("&" if "?" in path else "?") + urlencode(params, doseq=True)
        connection = http.client.HTTPConnection(self.host, self.port, timeout=60)
        try:
            connection.request(method, path, headers=dict(headers or {}))
            response = connection.getresponse()
            return Answer(response.status, response.version, response.headers, response.read())
        finally:
            connection.close()

    def get(self, target: str, **params: Any) -> Answer:
        return self.call("GET", target, params)

    def document(self, target: str, **params: Any) -> Any:
        answer = self.get(target, **params)
        assert answer.status == 200, (target, params, answer.body[:300])
        return answer.json()

    def items(self, collection: str, **params: Any) -> dict[str, Any]:
        answer = self.get(f"/collections/{collection}/items", **params)
        assert answer.status == 200, (collection, params, answer.body[:300])
        assert answer.media_type == GEOJSON
        return answer.json()

    def every_feature(self, collection: str, **params: Any) -> list[dict[str, Any]]:
        """Every matching feature, page after page by the ``next`` links."""
        page = self.items(collection, **params)
        found = list(page["features"])
        while (after := links_by_rel(page).get("next")) is not None:
            page = self.document(after["href"])
            found += page["features"]
        return found

    def ids(self, collection: str, **params: Any) -> set[str]:
        return {f["id"] for f in self.every_feature(collection, limit=1000, **params)}

    def api_definition(self) -> dict[str, Any]:
        return self.document(links_by_rel(self.document(""))["service-desc"]["href"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _give_times(engine: Engine) -> tuple[dict[str, dt.datetime], dict[str, dt.date | None], str]:
    """Three projects (:func:`factory_projects.court_projects`: one on a case, one on
    leased units, one matched to nothing), each parcel its own updated_at, a ledger case
    with no event, a reader's token."""
    with transaction(engine) as session:
        court_projects(session)
    with transaction(engine) as session:
        codes = session.scalars(select(Parcel.parcel_code).order_by(Parcel.parcel_code)).all()
        times = {
            code: PARCEL_TIME0 + k * dt.timedelta(hours=7, seconds=1)
            for k, code in enumerate(codes)
        }
        for code, moment in times.items():
            session.execute(
                update(Parcel).where(Parcel.parcel_code == code).values(updated_at=moment)
            )
        without_case = session.scalar(
            select(Parcel.id)
            .where(~select(Case.id).where(Case.parcel_id == Parcel.id).exists())
            .order_by(Parcel.parcel_code)
            .limit(1)
        )
        session.add(
            Case(
                case_no=SILENT_CASE,
                parcel_id=without_case,
                category="idle",
                idle_area_m2=100.0,
                status="suspected",
            )
        )
        create_user(session, "reader", "a-good-password", role="viewer")
        token = issue_token(session, "reader")
    with transaction(engine) as session:
        last = (
            select(Case.case_no, func.max(CaseEvent.occurred_on))
            .outerjoin(CaseEvent, CaseEvent.case_id == Case.id)
            .group_by(Case.case_no)
        )
        days: dict[str, dt.date | None] = dict(session.execute(last).all())
    return times, days, token


def serve(databases: Any) -> Iterator[Site]:
    """``landgis serve`` on a demo county of its own, in the county's time zone (a
    module-scoped fixture's body: ``yield from serve(databases)``)."""
    assert LANDGIS, "the landgis console script is installed with the package"
    url = databases.new_url()
    env = {**os.environ, "LANDGIS_DATABASE_URL": url, "TZ": "Asia/Shanghai"}
    for command in ("init", "demo"):
        subprocess.run([LANDGIS, command], env=env, check=True, capture_output=True)
    times, days, token = _give_times(databases.engine(url))
    port = _free_port()
    server = subprocess.Popen(
        [LANDGIS, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    served = Site("127.0.0.1", port, times, days, token, url)
    try:
        wait_until_served(f"http://127.0.0.1:{port}/ogc", server, drained_output(server))
        yield served
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)
