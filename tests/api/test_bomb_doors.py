"""A workbook bomb (a 1 MB .xlsx whose sheet unpacks to 300 MB) is refused before it is
unpacked at every door that reads workbooks: ``landgis import``, ``landgis import-ledger``,
the web import page and the import API (also zipped), on both backends. (The live
server's memory is measured in test_upload_streaming.)"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from api.main import create_app
from landgis.db.models import CaseEvent, Parcel
from landgis.db.session import transaction

LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))
PASSWORD = "bomb-doors-password"


@pytest.fixture(scope="module")
def site(databases):
    demo = databases.demo({"editor1": "editor"}, password=PASSWORD, tokens=["editor1"])
    settings = demo.settings(secret_key="bomb-doors-secret" * 2)
    return {
        "engine": demo.engine,
        "url": demo.url,
        "settings": settings,
        "token": demo.tokens["editor1"],
    }


def _counts(site) -> tuple[int, int]:
    with transaction(site["engine"]) as session:
        return (
            session.scalar(select(func.count(Parcel.id))),
            session.scalar(select(func.count(CaseEvent.id))),
        )


@pytest.mark.parametrize("command", ["import", "import-ledger"])
def test_the_command_line_refuses_a_workbook_bomb_unopened(site, workbook_bomb, command):
    before = _counts(site)
    done = subprocess.run(
        [LANDGIS, command, str(workbook_bomb)],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "LANDGIS_DATABASE_URL": site["url"]},
        check=False,
    )
    assert done.returncode == 2, done.stdout + done.stderr
    assert "Traceback" not in done.stderr
    assert "Excel 工作簿 bomb.xlsx 无法安全读取" in done.stderr
    assert "100 MB" in done.stderr
    assert _counts(site) == before


def test_the_web_import_page_and_the_api_refuse_a_workbook_bomb(site, workbook_bomb, tmp_path):
    before = _counts(site)
    zipped = tmp_path / "bomb.zip"
    with zipfile.ZipFile(zipped, "w", zipfile.ZIP_STORED) as archive:
        archive.write(workbook_bomb, "parcels.xlsx")
    with TestClient(create_app(site["settings"])) as client:
        page = client.get("/login").text
        token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        client.post(
            "/login",
            data={"username": "editor1", "password": PASSWORD, "csrf_token": token},
            follow_redirects=False,
        )
        csrf = client.get("/api/me").json()["csrf_token"]
        answer = client.post(
            "/import",
            files={"file": ("bomb.xlsx", workbook_bomb.read_bytes())},
            data={"csrf_token": csrf},
        )
        assert answer.status_code == 422, answer.text
        assert "无法安全读取" in answer.text and 'id="import-confirm"' not in answer.text

        auth = {"Authorization": f"Bearer {site['token']}"}
        for name, path in (("bomb.xlsx", workbook_bomb), ("bomb.zip", zipped)):
            answer = client.post(
                "/api/imports", files={"file": (name, path.read_bytes())}, headers=auth
            )
            assert answer.status_code == 422, answer.text
            kinds = [p["kind"] for p in answer.json()["report"]["problems"]]
            assert kinds == ["unsafe_archive"], name
    assert _counts(site) == before
