"""The run command's steps, as a user runs them: init, demo, serve, then ask the server."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest
import uvicorn
from server_start import drained_output, wait_until_served

from landgis.cli.setup import listening_socket

LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for_health(port: int, server: subprocess.Popen) -> dict:
    """The server's /health answer, once it answers (the test fails if it never does)."""
    url = f"http://127.0.0.1:{port}/health"
    wait_until_served(url, server, drained_output(server))
    return _get_json(url)


def _get_json(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=10) as response:
        return json.load(response)


def test_init_demo_serve_answers_with_the_report_figures(databases, tmp_path):
    assert LANDGIS, "the landgis console script is installed with the package"
    env = {**os.environ, "LANDGIS_DATABASE_URL": databases.new_url()}
    for command in ("init", "demo"):
        subprocess.run([LANDGIS, command], env=env, check=True, capture_output=True)
    port = _free_port()
    server = subprocess.Popen(
        [LANDGIS, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        health = _wait_for_health(port, server)
        stats = _get_json(f"http://127.0.0.1:{port}/api/stats")
    finally:
        server.terminate()
        server.wait(timeout=10)
    assert health["status"] == "ok"
    assert stats["cases"] == 13
    assert stats["ledger_area_mu"] == pytest.approx(539, abs=0.5)
    assert stats["revitalized_area_mu"] == pytest.approx(120, abs=0.5)


def test_the_workers_shared_socket_sends_small_writes_at_once():
    """Several workers accept on one socket made by landgis, with TCP_NODELAY set (and
    inherited by accepted connections), so keep-alive clients get each response whole."""
    port = _free_port()
    config = uvicorn.Config("api.main:create_app", factory=True, host="127.0.0.1", port=port)
    listener = listening_socket(config)
    try:
        listener.listen()
        with socket.create_connection(("127.0.0.1", port)):
            accepted, _ = listener.accept()
            with accepted:
                assert accepted.getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY)
    finally:
        listener.close()


@pytest.mark.parametrize("workers", [1, 2])
def test_serve_uses_the_database_it_is_given_with_any_number_of_workers(
    database_factories, tmp_path, workers
):
    """``--database-url`` wins over the environment and the default SQLite file, with one
    worker (same process) as with several."""
    postgis = database_factories["postgis"].new_url()
    subprocess.run([LANDGIS, "init", "--database-url", postgis], check=True, capture_output=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("LANDGIS_")}
    env["LANDGIS_DATABASE_URL"] = f"sqlite:///{tmp_path / 'elsewhere.sqlite'}"
    port = _free_port()
    command = [LANDGIS, "serve", "--port", str(port), "--workers", str(workers)]
    server = subprocess.Popen(
        [*command, "--database-url", postgis],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        health = _wait_for_health(port, server)
    finally:
        server.terminate()
        server.wait(timeout=20)
    assert (health["status"], health["backend"]) == ("ok", "postgis")
    assert not (tmp_path / "elsewhere.sqlite").exists()
