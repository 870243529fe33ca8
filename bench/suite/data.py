"""Data for the suite: province GeoPackages cached by their arguments, and PostGIS
databases it creates, loads and drops."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import psycopg

from bench.suite.procs import log, timed_command

ROOT = Path(__file__).resolve().parents[2]
LANDGIS = str(Path(sys.executable).with_name("landgis"))
# The maintenance database of the server in use (set by the runner: bench.suite.pgserver).
SERVER = {"admin": "postgresql://postgres@127.0.0.1:5432/postgres"}


def cache_dir() -> Path:
    """Where generated files and baseline venvs are kept between runs."""
    path = Path(os.environ.get("LANDGIS_BENCH_CACHE", "/var/tmp/landgis-bench"))
    path.mkdir(parents=True, exist_ok=True)
    return path


def province(
    parcels: int, *, seed: int = 1, case_share: float = 0.05, buildings: bool = True
) -> Path:
    """The province GeoPackage for these arguments, generated once and then reused."""
    name = f"province-n{parcels}-s{seed}-c{case_share:g}{'' if buildings else '-nb'}.gpkg"
    path = cache_dir() / name
    if path.exists():
        return path
    log(f"generating {path.name}")
    partial = path.with_suffix(".partial.gpkg")
    partial.unlink(missing_ok=True)
    command = [sys.executable, "-m", "bench.province", "--parcels", str(parcels)]
    command += ["--seed", str(seed), "--case-share", str(case_share), "--out", str(partial)]
    command += [] if buildings else ["--no-buildings"]
    timed_command(command, cwd=ROOT)
    partial.rename(path)
    return path


@dataclass(frozen=True)
class Database:
    """A database of the PostGIS server, by name."""

    name: str

    def url(self, driver: str = "postgresql") -> str:
        """Its URL: ``postgresql`` (libpq), ``postgresql+psycopg`` (SQLAlchemy)."""
        base = SERVER["admin"].rsplit("/", 1)[0].split("://", 1)[1]
        return f"{driver}://{base}/{self.name}"

    @property
    def landgis_env(self) -> dict[str, str]:
        return {"LANDGIS_DATABASE_URL": self.url("postgresql+psycopg")}

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.url(), autocommit=True)


@dataclass(frozen=True)
class SpatiaLite:
    """A SpatiaLite file landgis is pointed at."""

    path: Path

    @property
    def landgis_env(self) -> dict[str, str]:
        return {"LANDGIS_DATABASE_URL": f"sqlite:///{self.path}"}


RANDOM_PAGE_COST = 1.1


def _admin(sql: str) -> None:
    with psycopg.connect(SERVER["admin"], autocommit=True) as conn:
        conn.execute(sql)


@contextlib.contextmanager
def scratch_database(label: str, *, postgis: bool = True) -> Iterator[Database]:
    """A new empty database (with PostGIS), dropped afterwards whatever happens."""
    db = Database(f"landgis_bench_{label}_{os.getpid()}_{int(time.time()) % 100000}")
    _admin(f'create database "{db.name}"')
    # The planner told that storage is SSD, as README.md advises a bureau (every server
    # measured reads the same database).
    _admin(f'alter database "{db.name}" set random_page_cost = {RANDOM_PAGE_COST}')
    try:
        if postgis:
            with db.connect() as conn:
                conn.execute("create extension postgis")
        yield db
    finally:
        with contextlib.suppress(psycopg.Error):
            _admin(f'drop database if exists "{db.name}" with (force)')


def init(db: Database | SpatiaLite) -> None:
    """Create the landgis schema in ``db``."""
    timed_command([LANDGIS, "init"], env=db.landgis_env, cwd=ROOT)


def load_province(db: Database | SpatiaLite, gpkg: Path, timeout_s: float = 1500) -> float:
    """Load every layer of a province file the way the demo is loaded; seconds taken."""
    init(db)
    env = {**db.landgis_env, "LANDGIS_DEMO_DATA": str(gpkg)}
    started = time.perf_counter()
    timed_command([LANDGIS, "demo"], env=env, cwd=ROOT, timeout_s=timeout_s)
    seconds = time.perf_counter() - started
    if isinstance(db, Database):
        with db.connect() as conn:
            conn.execute("analyze")
    return seconds


def check_tool(name: str) -> None:
    """Fail clearly when a system tool is missing."""
    if subprocess.run(["which", name], capture_output=True, check=False).returncode != 0:
        raise RuntimeError(f"{name} not found: run scripts/system-deps.sh --bench")
