"""Browser sessions the server can end: logout, a role change, a deactivated account, a
password change, idle time and lifetime; guessing limited; every login in the audit log;
a session key that survives a restart; a form posted after the session ended."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import stat

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.models import AuditEntry, ServerSecret
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.server_secret import secret_file
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, set_active, set_role
from landgis.wallclock import frozen_at, utc_now

PASSWORD = "correct horse battery"
CASE = "QX-XZ-2023-011"


@pytest.fixture(scope="module")
def site(databases):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        for name, role in (("ed", "editor"), ("boss", "admin"), ("demoted", "editor")):
            create_user(session, name, PASSWORD, role=role, display_name=name.upper())
        for name in ("gone", "pw", "idle", "old", "locked", "addr"):
            create_user(session, name, PASSWORD, role="editor")
    return {"engine": engine, "url": engine.url.render_as_string(hide_password=False)}


def _app(site, **settings):
    return create_app(Settings(database_url=site["url"], secret_key="s" * 40, **settings))


@pytest.fixture
def app(site):
    return _app(site)


def _login(client: TestClient, username: str, password: str = PASSWORD):
    page = client.get("/login")
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
    return client.post(
        "/login",
        data={"username": username, "password": password, "csrf_token": token},
        follow_redirects=False,
    )


def _logged_in(app, username: str) -> TestClient:
    client = TestClient(app)
    assert _login(client, username).status_code == 303
    return client


def _edit(client: TestClient, note: str):
    """A write with the session's CSRF token: PATCH a case's remarks."""
    me = client.get("/api/me").json()
    case = client.get(f"/api/cases/{CASE}").json()
    return client.patch(
        f"/api/cases/{CASE}",
        json={"version": case["version"], "fields": {"remarks": note}},
        headers={"X-CSRF-Token": me["csrf_token"] or ""},
    )


def _replay(app, cookies) -> TestClient:
    """Another browser sending exactly these cookies."""
    other = TestClient(app)
    for name, value in cookies.items():
        other.cookies.set(name, value)
    return other


def test_a_cookie_replayed_after_logout_is_refused(app):
    client = _logged_in(app, "ed")
    assert _edit(client, "登录后修改").status_code == 200
    me = client.get("/api/me").json()
    saved = dict(client.cookies)
    client.post("/logout", data={"csrf_token": me["csrf_token"]})
    thief = _replay(app, saved)
    refused = thief.patch(
        f"/api/cases/{CASE}",
        json={"version": 1, "fields": {"remarks": "重放"}},
        headers={"X-CSRF-Token": me["csrf_token"]},
    )
    assert refused.status_code == 401
    assert "重新登录" in refused.json()["message"]
    assert _replay(app, saved).get("/api/me").json()["user"] is None


def test_a_role_change_takes_effect_on_the_next_request(app, site):
    client = _logged_in(app, "demoted")
    assert _edit(client, "降级前").status_code == 200
    with transaction(site["engine"]) as session:
        set_role(session, "demoted", "viewer", actor="boss")
    assert client.get("/api/me").json()["role"] == "viewer"
    assert _edit(client, "降级后").status_code == 403


def test_a_deactivated_user_is_logged_out_at_once(app, site):
    client = _logged_in(app, "gone")
    assert _edit(client, "停用前").status_code == 200
    with transaction(site["engine"]) as session:
        set_active(session, "gone", False, actor="boss")
    assert client.get("/api/me").json()["user"] is None
    assert _edit(client, "停用后").status_code == 401
    assert _login(TestClient(app), "gone").status_code == 401


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app):
    here, elsewhere = _logged_in(app, "pw"), _logged_in(app, "pw")
    mine = here.get("/api/me/sessions").json()
    assert len(mine) == 2 and sum(s["current"] for s in mine) == 1
    csrf = here.get("/api/me").json()["csrf_token"]
    wrong = here.post(
        "/api/me/password",
        json={"current_password": "not it", "new_password": "a-new-password"},
        headers={"X-CSRF-Token": csrf},
    )
    assert wrong.status_code == 422
    changed = here.post(
        "/api/me/password",
        json={"current_password": PASSWORD, "new_password": "a-new-password"},
        headers={"X-CSRF-Token": csrf},
    )
    assert changed.status_code == 200, changed.text
    assert here.get("/api/me").json()["user"] == "pw"
    assert elsewhere.get("/api/me").json()["user"] is None
    assert _login(TestClient(app), "pw", "a-new-password").status_code == 303


def test_sessions_end_after_the_idle_time_and_the_lifetime(site):
    app = _app(site, session_idle_minutes=30, session_lifetime_hours=2)
    start = utc_now()
    with frozen_at(start):
        idle = _logged_in(app, "idle")
        busy = _logged_in(app, "old")
    with frozen_at(start + dt.timedelta(minutes=29)):
        assert idle.get("/api/me").json()["user"] == "idle"
    with frozen_at(start + dt.timedelta(minutes=58)):
        assert idle.get("/api/me").json()["user"] == "idle"  # active 29 min ago
    with frozen_at(start + dt.timedelta(minutes=89)):
        assert idle.get("/api/me").json()["user"] is None  # 31 idle minutes
    for minutes in range(20, 120, 20):
        with frozen_at(start + dt.timedelta(minutes=minutes)):
            assert busy.get("/api/me").json()["user"] == "old"
    with frozen_at(start + dt.timedelta(hours=2, minutes=1)):
        assert busy.get("/api/me").json()["user"] is None  # lifetime over, however busy


def test_a_user_ends_another_session_and_an_admin_ends_anyones(app):
    laptop, desktop = _logged_in(app, "ed"), _logged_in(app, "ed")
    other = next(s for s in laptop.get("/api/me/sessions").json() if not s["current"])
    csrf = laptop.get("/api/me").json()["csrf_token"]
    ended = laptop.delete(f"/api/me/sessions/{other['id']}", headers={"X-CSRF-Token": csrf})
    assert ended.status_code == 200
    assert desktop.get("/api/me").json()["user"] is None
    boss = _logged_in(app, "boss")
    boss_csrf = boss.get("/api/me").json()["csrf_token"]
    assert laptop.delete("/api/admin/sessions/1", headers={"X-CSRF-Token": csrf}).status_code == 403
    live = boss.get("/api/admin/sessions").json()
    target = next(s for s in live if s["username"] == "ed")
    gone = boss.delete(f"/api/admin/sessions/{target['id']}", headers={"X-CSRF-Token": boss_csrf})
    assert gone.status_code == 200
    assert laptop.get("/api/me").json()["user"] is None
    accounts = {a["username"]: a for a in boss.get("/api/admin/users").json()}
    assert accounts["ed"]["sessions"] == 0 and accounts["boss"]["sessions"] >= 1


def test_failed_logins_lock_the_name_without_telling_whether_it_exists(site):
    app = _app(site, login_max_failures=3, login_max_failures_per_address=0)
    client = TestClient(app)
    for _ in range(2):
        assert _login(client, "locked", "wrong password").status_code == 401
    third = _login(client, "locked", "wrong password")
    assert third.status_code == 429
    assert "后再试" in third.text and int(third.headers["Retry-After"]) > 0
    right = _login(client, "locked", PASSWORD)
    assert right.status_code == 429  # the right password waits too
    for _ in range(3):
        ghost = _login(client, "no-such-user", "whatever")
    assert ghost.status_code == 429
    assert _strip(ghost.text) == _strip(third.text)  # the same page, existing or not
    assert _login(client, "ed").status_code == 303  # other names are not affected
    later = utc_now() + dt.timedelta(minutes=16)
    with frozen_at(later):
        assert _login(TestClient(app), "locked").status_code == 303


def _strip(page: str) -> str:
    """A login page without its per-request token and time of day."""
    return re.sub(r'value="[^"]+"|\d\d:\d\d', "", page)


def test_failed_logins_from_one_address_lock_that_address(site):
    app = _app(site, login_max_failures=0, login_max_failures_per_address=4)
    client = TestClient(app, client=("10.1.2.3", 50000))
    for name in ("a1", "a2", "a3"):
        assert _login(client, name, "guess").status_code == 401
    assert _login(client, "a4", "guess").status_code == 429
    assert _login(client, "addr").status_code == 429
    assert _login(TestClient(app, client=("10.1.2.4", 50000)), "addr").status_code == 303
    with frozen_at(utc_now() + dt.timedelta(minutes=16)):
        assert _login(client, "addr").status_code == 303


def test_logins_logouts_and_changes_are_in_the_audit_log(app, site):
    TestClient(app).post("/login")  # no form at all: a 422, not an audit entry
    _login(TestClient(app), "ed", "wrong password")
    client = _logged_in(app, "ed")
    client.post("/logout", data={"csrf_token": client.get("/api/me").json()["csrf_token"]})
    boss = _logged_in(app, "boss")
    csrf = boss.get("/api/me").json()["csrf_token"]
    changed = boss.patch(
        "/api/admin/users/demoted", json={"role": "editor"}, headers={"X-CSRF-Token": csrf}
    )
    assert changed.status_code == 200
    entries = boss.get("/api/admin/audit", params={"user": "ed"}).json()
    actions = [e["action"] for e in entries]
    assert {"login_failed", "login", "logout"} <= set(actions)
    assert all(e["client_addr"] for e in entries if e["action"].startswith("login"))
    roles = boss.get("/api/admin/audit", params={"action": "role_changed"}).json()
    assert roles[0]["actor"] == "boss" and roles[0]["subject"] == "demoted"
    exported = boss.get("/api/admin/audit", params={"format": "csv"})
    assert exported.status_code == 200
    rows = list(csv.reader(io.StringIO(exported.content.decode("utf-8-sig"))))
    assert rows[0][1].startswith("操作") and len(rows) > len(entries)
    assert client.get("/api/admin/audit").status_code == 401
    assert _logged_in(app, "ed").get("/api/admin/audit").status_code == 403


def test_the_audit_export_neutralises_formulas(app, site):
    with transaction(site["engine"]) as session:
        session.add(
            AuditEntry(
                occurred_at=utc_now(),
                action="login_failed",
                subject='=HYPERLINK("http://x","y")',
                client_addr="127.0.0.1",
            )
        )
    boss = _logged_in(app, "boss")
    text = boss.get("/admin/audit", params={"format": "csv"}).content.decode("utf-8-sig")
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert '\'=HYPERLINK("http://x","y")' in cells
    assert not any(cell.startswith("=") for cell in cells)


def test_the_session_key_survives_a_restart_without_a_configured_secret(site, backend):
    settings = Settings(database_url=site["url"])
    assert not settings.secret_key
    first = TestClient(create_app(settings))
    assert _login(first, "ed").status_code == 303
    restarted = _replay(create_app(settings), dict(first.cookies))
    assert restarted.get("/api/me").json()["user"] == "ed"
    if backend == "spatialite":
        path = secret_file(site["url"])
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    else:
        with transaction(site["engine"]) as session:
            assert session.scalar(select(ServerSecret.value)) is not None


def test_a_form_posted_after_the_session_ended_goes_to_the_login_page(app):
    client = _logged_in(app, "ed")
    page = f"http://testserver/cases/{CASE}"
    csrf = client.get("/api/me").json()["csrf_token"]
    client.post("/logout", data={"csrf_token": csrf})
    posted = client.post(
        f"/cases/{CASE}/edit",
        data={"csrf_token": csrf, "seen_version": "1", "field_remarks": "会话过期后提交"},
        headers={"Accept": "text/html", "Referer": page},
        follow_redirects=False,
    )
    assert posted.status_code == 303
    assert posted.headers["location"].startswith("/login?")
    assert "resume=1" in posted.headers["location"]
    login_page = client.get(posted.headers["location"])
    assert "尚未提交" in login_page.text
    assert re.search(r'name="next" value="/cases/[^"]+#resume"', login_page.text)
    assert client.get(f"/api/cases/{CASE}").json()["remarks"] != "会话过期后提交"
    api = client.patch(f"/api/cases/{CASE}", json={"version": 1, "fields": {"remarks": "x"}})
    assert api.status_code == 401 and api.headers["content-type"] == "application/json"
