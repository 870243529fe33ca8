"""Fixtures: every database test runs on a real SpatiaLite file and a real PostGIS server.

PostGIS comes from ``LANDGIS_TEST_POSTGIS_URL`` (``make test`` provides a fresh database);
without it the run fails rather than skipping the backend.
"""

from __future__ import annotations

import itertools
import os
import re
import zipfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, create_engine, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

from landgis.db.engine import make_engine
from landgis.db.migrate import upgrade
from landgis.db.models import Case, Parcel
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, issue_token

BACKENDS = ("spatialite", "postgis")
_counter = itertools.count(1)


def postgis_base_url() -> str:
    url = os.environ.get("LANDGIS_TEST_POSTGIS_URL")
    if not url:
        pytest.fail(
            "LANDGIS_TEST_POSTGIS_URL is not set: run the suite with `make test`, or point "
            "it at a PostGIS database (postgresql+psycopg://user@host:port/db).",
            pytrace=False,
        )
    return url


@dataclass(frozen=True)
class DemoSite:
    """A demo county database of a test module's own: its engine, URL and users' tokens."""

    engine: Engine
    url: str
    tokens: dict[str, str]

    def settings(self, **values: Any) -> Settings:
        """Settings on this database (``values`` override the defaults)."""
        return Settings(database_url=self.url, **values)


class DatabaseFactory:
    """Creates empty databases on one backend and removes them at the end of the run."""

    def __init__(self, backend: str, workdir: Path) -> None:
        self.backend = backend
        self.workdir = workdir
        self.created: list[str] = []
        self.engines: list[Engine] = []

    def new_url(self, *, with_postgis: bool = True) -> str:
        n = next(_counter)
        if self.backend == "spatialite":
            return f"sqlite:///{self.workdir / f'landgis_{n}.sqlite'}"
        base = make_url(postgis_base_url())
        name = f"{base.database}_{os.getpid()}_{n}"
        with self._server().connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        self.created.append(name)
        url = base.set(database=name)
        if with_postgis:
            with create_engine(url, poolclass=NullPool).begin() as conn:
                conn.execute(text("CREATE EXTENSION IF NOT EXISTS postgis"))
        return url.render_as_string(hide_password=False)

    def settings(self, url: str | None = None) -> Settings:
        return Settings(database_url=url or self.new_url())

    def engine(self, url: str | None = None) -> Engine:
        engine = make_engine(self.settings(url))
        self.engines.append(engine)
        return engine

    def demo(
        self,
        users: Mapping[str, str] | None = None,
        *,
        password: str = "a-good-password",
        tokens: Iterable[str] = (),
    ) -> DemoSite:
        """A new migrated database holding the demo county, with ``users`` (name -> role,
        each with ``password``) and a bearer token for each user named in ``tokens``."""
        engine = self.engine()
        upgrade(engine)
        with transaction(engine) as session:
            load_demo(session, DEMO_DATA)
            for name, role in (users or {}).items():
                create_user(session, name, password, role=role)
            issued = {name: issue_token(session, name) for name in tokens}
        return DemoSite(engine, engine.url.render_as_string(hide_password=False), issued)

    def _server(self) -> Engine:
        """The maintenance connection, opened for each use (NullPool keeps none idle)."""
        url = make_url(postgis_base_url())
        return create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)

    def close_idle(self) -> None:
        """Close the idle pooled connections of every engine made so far (each engine
        opens new ones when used again), so a long run does not hold a PostgreSQL
        connection slot per test engine until it ends."""
        for engine in self.engines:
            engine.dispose()

    def cleanup(self) -> None:
        self.close_idle()
        if self.created:
            with self._server().connect() as conn:
                for name in self.created:
                    conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture(scope="session")
def database_factories(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict]:
    factories = {b: DatabaseFactory(b, tmp_path_factory.mktemp(b)) for b in BACKENDS}
    yield factories
    for factory in factories.values():
        factory.cleanup()


@pytest.fixture(scope="module", autouse=True)
def _idle_connections_closed(database_factories: dict) -> Iterator[None]:
    """After each test module, the idle connections its engines pooled are closed: the
    servers under test need the PostgreSQL connection slots."""
    yield
    for factory in database_factories.values():
        factory.close_idle()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    """Each database test runs once per backend."""
    return request.param


@pytest.fixture(scope="session")
def databases(database_factories: dict, backend: str) -> DatabaseFactory:
    """A factory of empty databases on the current backend."""
    return database_factories[backend]


@pytest.fixture(scope="session")
def demo_engines(database_factories: dict) -> dict[str, Engine]:
    """Lazily built engines per backend on a migrated database holding the demo county."""
    return _LazyDemoEngines(database_factories)


class _LazyDemoEngines(dict):
    def __init__(self, factories: dict) -> None:
        super().__init__()
        self.factories = factories

    def __missing__(self, backend: str) -> Engine:
        engine = self.factories[backend].engine()
        upgrade(engine)
        with transaction(engine) as session:
            load_demo(session, DEMO_DATA)
        self[backend] = engine
        return engine


@pytest.fixture(scope="session")
def demo_engine(demo_engines: dict[str, Engine], backend: str) -> Engine:
    """The demo database of the current backend (read it, or write inside ``session``)."""
    return demo_engines[backend]


@pytest.fixture
def session(demo_engine: Engine) -> Iterator[Session]:
    """A session on the demo database whose changes are rolled back after the test."""
    with demo_engine.connect() as connection:
        outer = connection.begin()
        db = Session(bind=connection, join_transaction_mode="create_savepoint")
        try:
            yield db
        finally:
            db.close()
            outer.rollback()


@pytest.fixture(scope="session")
def html_demo(database_factories: dict, backend: str):
    """Makes a fresh demo county whose first ledger parcel (by case number) has the given
    holder (and project) — HTML, to see that pages escape it; returns (url, engine, code)."""

    def make(holder: str, project: str | None = None) -> tuple[str, Engine, str]:
        databases = database_factories[backend]
        url = databases.new_url()
        engine = databases.engine(url)
        upgrade(engine)
        with transaction(engine) as session:
            load_demo(session, DEMO_DATA)
            code = session.scalar(
                select(Parcel.parcel_code)
                .join(Case, Case.parcel_id == Parcel.id)
                .order_by(Case.case_no)
                .limit(1)
            )
            values = {"holder": holder} | ({"project_name": project} if project else {})
            session.execute(update(Parcel).where(Parcel.parcel_code == code).values(**values))
        return url, engine, code

    return make


@pytest.fixture(scope="session")
def form_login():
    """Logs a test client in through the login form, as a browser does; returns the
    session's CSRF token, for the forms the client then posts."""

    def login(client: Any, username: str, password: str) -> str:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        answer = client.post(
            "/login",
            data={"username": username, "password": password, "csrf_token": token},
            follow_redirects=False,
        )
        assert answer.status_code == 303, answer.text
        return client.get("/api/me").json()["csrf_token"]

    return login


# --- decompression bombs ----------------------------------------------------------------

_XLSX_PARTS = {
    "[Content_Types].xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
        'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    ),
    "_rels/.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    ),
    "xl/workbook.xml": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="parcels" sheetId="1" r:id="rId1"/></sheets></workbook>'
    ),
    "xl/_rels/workbook.xml.rels": (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
    ),
}


def _cell(text: str) -> str:
    return f'<c t="inlineStr"><is><t>{text}</t></is></c>'


def write_workbook_bomb(path: Path, sheet_mb: int, header: tuple[str, ...] = ("wkt",)) -> Path:
    """A valid .xlsx whose one sheet unpacks to ``sheet_mb`` MB of the same row over and
    over (a decompression bomb, some 250:1), written as a stream: the test never holds
    the sheet in memory."""
    polygon = "POLYGON ((104.8 30.1, 104.801 30.1, 104.801 30.101, 104.8 30.1))"
    row = f"<row>{_cell(polygon)}{_cell('X')}</row>".encode()
    block = row * ((1 << 20) // len(row))
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData><row>{''.join(_cell(h) for h in header)}</row>"
    ).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in _XLSX_PARTS.items():
            book.writestr(name, text)
        with book.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as sheet:
            sheet.write(head)
            for _ in range(sheet_mb):
                sheet.write(block)
            sheet.write(b"</sheetData></worksheet>")
    return path


@pytest.fixture(scope="session")
def workbook_bomb(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An .xlsx of about 1 MB whose sheet unpacks to 300 MB, with a WKT column."""
    return write_workbook_bomb(tmp_path_factory.mktemp("bombs") / "bomb.xlsx", 300)


@pytest.fixture
def cli_in() -> Iterator[Any]:
    """``cli_in(lang, *args, **invoke_options)``: ``landgis *args`` run with
    ``LANDGIS_LANGUAGE=lang``, its settings read afresh as a new
    process reads them, and forgotten afterwards."""
    from typer.testing import CliRunner

    from landgis.cli import app
    from landgis.settings import get_settings

    def run(lang: str, *args: str, **options: Any) -> Any:
        get_settings.cache_clear()
        try:
            return CliRunner().invoke(app, list(args), env={"LANDGIS_LANGUAGE": lang}, **options)
        finally:
            get_settings.cache_clear()

    yield run
    get_settings.cache_clear()
