"""Backup and restore over HTTP: the administrator's API and the ``/admin`` page, with the
roles that may not use them refused. These tests commit, on a database of their own."""

from __future__ import annotations

import io
import json
import re
import tempfile
import zipfile
from urllib.parse import urlencode

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from landgis.attachments import save_attachment
from landgis.db.migrate import head_revision, upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, issue_token

PASSWORD = "correct horse battery"
CASE_NO = "QX-XZ-2023-009"
PDF = b"%PDF-1.4\n" + b"scan of the determination " * 50 + b"\n%%EOF\n"


@pytest.fixture(scope="module")
def site(databases, tmp_path_factory):
    engine = databases.engine()
    upgrade(engine)
    folder = tmp_path_factory.mktemp("attachments")
    tokens = {}
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        for name, role in (("viewer1", "viewer"), ("editor1", "editor"), ("admin1", "admin")):
            create_user(session, name, PASSWORD, role=role, display_name=name.upper())
            tokens[role] = issue_token(session, name)
        save_attachment(
            session,
            CASE_NO,
            io.BytesIO(PDF),
            filename="认定书.pdf",
            uploaded_by="editor1",
            folder=folder,
            max_bytes=1 << 20,
        )
    settings = Settings(
        database_url=engine.url.render_as_string(hide_password=False),
        attachments_dir=folder,
        secret_key="admin-tests",
    )
    return {"engine": engine, "settings": settings, "tokens": tokens}


@pytest.fixture
def client(site):
    with TestClient(create_app(site["settings"])) as test_client:
        yield test_client


def _auth(site, role: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {site['tokens'][role]}"}


def _case(client) -> dict:
    """The case as stored (without what the caller may do with it)."""
    case = client.get(f"/api/cases/{CASE_NO}").json()
    case.pop("allowed_transitions")
    return case


def _events(client) -> list:
    return client.get(f"/api/cases/{CASE_NO}/events").json()


def _edit(site, client, remarks: str) -> None:
    case = _case(client)
    response = client.patch(
        f"/api/cases/{CASE_NO}",
        json={"version": case["version"], "fields": {"remarks": remarks}},
        headers=_auth(site, "editor"),
    )
    assert response.status_code == 200, response.text


def test_the_administrator_downloads_a_backup_and_restores_it(site, client, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))  # to see the archive removed
    case, events = _case(client), _events(client)

    response = client.post("/api/admin/backup", headers=_auth(site, "admin"))

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    disposition = response.headers["content-disposition"]
    assert re.search(r'attachment; filename="landgis-backup-\d{8}-\d{6}\.zip"', disposition)
    archive = tmp_path / "downloaded.zip"
    archive.write_bytes(response.content)
    with zipfile.ZipFile(archive) as z:
        manifest = json.loads(z.read("manifest.json"))
        stored = [z.read(n) for n in z.namelist() if n.startswith("attachments/")]
    assert manifest["counts"]["cases"] == 13 and manifest["counts"]["users"] == 3
    assert manifest["schema_revision"] == head_revision()
    assert stored == [PDF]
    assert [p.name for p in tmp_path.iterdir()] == ["downloaded.zip"]

    _edit(site, client, "备份之后改的")
    assert len(_events(client)) == len(events) + 1

    with archive.open("rb") as upload:
        restored = client.post(
            "/api/admin/restore",
            files={"file": ("landgis-backup.zip", upload, "application/zip")},
            headers=_auth(site, "admin"),
        )

    assert restored.status_code == 200, restored.text
    body = restored.json()
    assert body["schema_revision"] == head_revision()
    assert body["restored"]["counts"] == manifest["counts"]
    assert body["restored"]["attachment_files"] == 1
    assert _case(client) == case
    assert _events(client) == events


def test_other_roles_and_anonymous_callers_are_refused(site, client, tmp_path):
    response = client.post("/api/admin/backup", headers=_auth(site, "admin"))
    archive = response.content
    _edit(site, client, "不应被撤销的改动")
    case = _case(client)
    for headers, status in (
        ({}, 401),
        (_auth(site, "viewer"), 403),
        (_auth(site, "editor"), 403),
    ):
        assert client.post("/api/admin/backup", headers=headers).status_code == status
        refused = client.post(
            "/api/admin/restore",
            files={"file": ("b.zip", archive, "application/zip")},
            headers=headers,
        )
        assert refused.status_code == status, refused.text
        assert refused.json()["message"] and refused.json()["message_en"]
    assert _case(client) == case


def test_bad_or_oversized_archives_are_refused_with_a_4xx(site, tmp_path):
    settings = site["settings"].model_copy(update={"backup_max_mb": 1})
    with TestClient(create_app(settings)) as client:
        admin = _auth(site, "admin")
        archive = client.post("/api/admin/backup", headers=admin).content
        case = _case(client)
        damaged = archive.replace(b"scan of the determination", b"scan of the forged papers")
        cases = (
            (("b.zip", damaged), 422, "校验值"),
            (("b.zip", b"not a zip at all"), 422, "不是 landgis 备份文件"),
            (("b.txt", archive), 415, ".txt"),
            (("b.zip", b""), 422, "空"),
            (("b.zip", archive + bytes(2 << 20)), 413, "1 MB"),
        )
        for (name, data), status, says in cases:
            response = client.post(
                "/api/admin/restore",
                files={"file": (name, data, "application/zip")},
                headers=admin,
            )
            assert response.status_code == status, (name, response.text)
            assert says in response.json()["message"], response.json()
        assert _case(client) == case


# --- the /admin page -------------------------------------------------------------------------


def _login(client, username: str) -> str:
    """Log in through the form; the page's CSRF token."""
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    response = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token, "next": "/"},
        follow_redirects=False,
    )
    assert response.status_code == 303, response.text
    home = client.get("/")
    return re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)


def test_the_admin_page_has_the_backup_button_and_restores_from_its_form(site, client, tmp_path):
    html = {"Accept": "text/html"}
    anonymous = client.get("/admin", headers=html, follow_redirects=False)
    assert anonymous.status_code == 303
    assert anonymous.headers["location"] == "/login?" + urlencode({"next": "/admin"})

    csrf = _login(client, "admin1")
    page = client.get("/admin")
    assert page.status_code == 200
    assert "备份数据库" in page.text and 'action="/admin/backup"' in page.text
    assert 'href="/admin"' in page.text  # in the navigation, for administrators
    assert "Back up the database" in client.get("/admin?lang=en").text
    assert "备份数据库" in client.get("/admin?lang=zh").text

    assert client.post("/admin/backup").status_code == 403  # no CSRF token
    download = client.post("/admin/backup", data={"csrf_token": csrf})
    assert download.status_code == 200
    assert download.headers["content-type"] == "application/zip"
    case, events = _case(client), _events(client)
    _edit(site, client, "页面恢复前的改动")

    form = {"csrf_token": csrf}
    unconfirmed = client.post(
        "/admin/restore", data=form, files={"file": ("b.zip", download.content)}
    )
    assert unconfirmed.status_code == 422 and "请勾选确认" in unconfirmed.text
    assert _case(client)["remarks"] == "页面恢复前的改动"

    done = client.post(
        "/admin/restore",
        data=form | {"confirm": "1"},
        files={"file": ("b.zip", download.content)},
    )
    assert done.status_code == 200
    assert "已恢复" in done.text and "重新登录" in done.text
    assert _case(client) == case
    assert _events(client) == events
    # The restore ended this session too: log in again to go on.
    again = client.get("/admin", headers=html, follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"].startswith("/login")
    csrf = _login(client, "admin1")
    form = {"csrf_token": csrf}

    refused = client.post(
        "/admin/restore",
        data=form | {"confirm": "1"},
        files={"file": ("b.zip", b"PK\x03\x04 broken")},
    )
    assert refused.status_code == 422
    assert 'id="admin-error"' in refused.text and "不是 landgis 备份文件" in refused.text


def test_editors_get_403_and_no_link_to_the_admin_page(site, client):
    csrf = _login(client, "editor1")
    page = client.get("/admin", headers={"Accept": "text/html"})
    assert page.status_code == 403
    assert "管理员权限" in page.text
    assert 'href="/admin"' not in client.get("/").text
    assert client.post("/admin/backup", data={"csrf_token": csrf}).status_code == 403
