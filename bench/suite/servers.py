"""The HTTP servers the suite loads: landgis, tipg (own venv) and the floor servers."""

from __future__ import annotations

import contextlib
import json
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

from bench.suite import data
from bench.suite.procs import Server, free_port, log, server

# Every server measured runs on the same HTTP stack: uvicorn with its C HTTP parser and
# libuv event loop (as landgis and the floor have them from the lock).
TIPG_PACKAGES = ("tipg", "uvicorn", "httptools", "uvloop")


def tipg_venv() -> Path:
    """The venv of tipg under the cache dir, made on first use (packages from PyPI)."""
    venv = data.cache_dir() / "tipg-venv"
    python = venv / "bin" / "python"
    imports = "import " + ", ".join(TIPG_PACKAGES)
    ok = python.exists() and (
        subprocess.run([str(python), "-c", imports], check=False).returncode == 0
    )
    if not ok:
        log(f"installing {' '.join(TIPG_PACKAGES)} into {venv}")
        subprocess.run(["/usr/bin/python3", "-m", "venv", "--clear", str(venv)], check=True)
        pip = [str(python), "-m", "pip", "install", "-q", "--disable-pip-version-check"]
        subprocess.run([*pip, *TIPG_PACKAGES], check=True, capture_output=True)
    return venv


def tipg_version() -> str:
    python = tipg_venv() / "bin" / "python"
    done = subprocess.run(
        [str(python), "-c", "import tipg; print(tipg.__version__)"],
        capture_output=True,
        text=True,
        check=False,
    )
    return done.stdout.strip() or "?"


@contextlib.contextmanager
def landgis(
    db: data.Database | data.SpatiaLite, workers: int, log_dir: Path, name: str = "landgis"
) -> Iterator[Server]:
    """``landgis serve`` on ``db`` (its log: ``name``.log)."""
    port = free_port()
    command = [data.LANDGIS, "serve", "--host", "127.0.0.1", "--port", str(port)]
    # No access log, as the other servers measured run.
    command += ["--workers", str(workers), "--no-access-log"]
    with server(
        name,
        command,
        port=port,
        ready_path="/ogc/collections/parcels",
        # The checkout's code, not the one the venv's console script was installed from.
        env={"PYTHONPATH": str(data.ROOT), **db.landgis_env},
        cwd=data.ROOT,
        log_dir=log_dir,
    ) as running:
        yield running


@contextlib.contextmanager
def tipg(db: data.Database, workers: int, log_dir: Path) -> Iterator[Server]:
    """tipg (``uvicorn tipg.main:app``) on ``db``, public schema."""
    port = free_port()
    uvicorn = tipg_venv() / "bin" / "uvicorn"
    command = [str(uvicorn), "tipg.main:app", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    env = {
        "DATABASE_URL": db.url(),
        "TIPG_DB_SCHEMAS": '["public"]',
        "TIPG_DB_SPATIAL_EXTENT": "false",
        "TIPG_DB_DATETIME_EXTENT": "false",
        "TIPG_DB_MAX_CONN_SIZE": "10",
    }
    with server(
        "tipg",
        command,
        port=port,
        ready_path="/collections/public.parcels",
        env=env,
        cwd=data.cache_dir(),
        log_dir=log_dir,
        timeout_s=120,
    ) as running:
        yield running


@contextlib.contextmanager
def floor(db: data.Database, workers: int, log_dir: Path, plan: Path) -> Iterator[Server]:
    """The floor (bench/floor_app.py) on ``db``, replaying the requests of ``plan``
    (:func:`bench.suite.capture.write_plan`); ready when its first request answers."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", "bench.floor_app:app", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--no-access-log"]
    command += ["--log-level", "warning", "--lifespan", "on"]
    first = next(iter(json.loads(plan.read_text(encoding="utf-8"))))
    with server(
        "floor",
        command,
        port=port,
        ready_path=first,
        env={"FLOOR_DATABASE_URL": db.url(), "FLOOR_PLAN": str(plan)},
        cwd=data.ROOT,
        log_dir=log_dir,
    ) as running:
        yield running


Starter = Callable[[data.Database, int, Path], contextlib.AbstractContextManager[Server]]
SERVERS: dict[str, Starter] = {"landgis": landgis, "tipg": tipg}
