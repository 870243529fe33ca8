"""Several servers on one database keep no state of their own: a login made through one
works on the other, and an edit through one is seen through the other, versions intact."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest
from server_start import drained_output, wait_until_served

from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA
from landgis.users import create_user

LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))
CASE = "QX-XZ-2023-010"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(port: int, server: subprocess.Popen) -> None:
    wait_until_served(f"http://127.0.0.1:{port}/health", server, drained_output(server))


@pytest.fixture
def servers(databases):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, "zhangwei", "a-good-password", role="editor")
    env = {
        **os.environ,
        "LANDGIS_DATABASE_URL": engine.url.render_as_string(hide_password=False),
        "LANDGIS_SECRET_KEY": "the-same-secret-on-every-host",
    }
    started = []
    try:
        for workers in (2, 1):
            port = _free_port()
            server = subprocess.Popen(
                [LANDGIS, "serve", "--port", str(port), "--workers", str(workers)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            started.append((port, server))
            _wait(port, server)
        yield [f"http://127.0.0.1:{port}" for port, _ in started]
    finally:
        for _, server in started:
            server.terminate()
            server.wait(timeout=20)


def _browser() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(
        urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
    )


def _json(opener, url: str, method: str = "GET", body: dict | None = None, headers=None):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data=data,
        method=method,
        headers={"Content-Type": "application/json", **(headers or {})},
    )
    try:
        with opener.open(request, timeout=20) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_login_and_edit_through_one_server_are_seen_through_the_other(servers):
    first, second = servers
    browser = _browser()
    page = browser.open(f"{first}/login", timeout=20).read().decode()
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = urllib.parse.urlencode(
        {"username": "zhangwei", "password": "a-good-password", "csrf_token": token}
    ).encode()
    browser.open(f"{first}/login", data=form, timeout=20).close()

    status, me = _json(browser, f"{second}/api/me")  # the session cookie works on both
    assert (status, me["user"]) == (200, "zhangwei")
    csrf = {"X-CSRF-Token": me["csrf_token"]}
    _status, case = _json(browser, f"{second}/api/cases/{CASE}")
    version = case["version"]

    status, edited = _json(
        browser,
        f"{first}/api/cases/{CASE}",
        "PATCH",
        {"version": version, "fields": {"remarks": "经第一台服务器修改"}},
        csrf,
    )
    assert status == 200, edited
    status, seen = _json(browser, f"{second}/api/cases/{CASE}")
    assert (seen["version"], seen["remarks"]) == (version + 1, "经第一台服务器修改")

    status, stale = _json(
        browser,
        f"{second}/api/cases/{CASE}",
        "PATCH",
        {"version": version, "fields": {"remarks": "过时的修改"}},
        csrf,
    )
    assert status == 409
    assert stale["current"]["remarks"] == "经第一台服务器修改"
    for server in servers:  # every worker of every server agrees
        for _ in range(4):
            _status, again = _json(_browser(), f"{server}/api/cases/{CASE}")
            assert again["version"] == version + 1
