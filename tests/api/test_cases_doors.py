"""Every use case through every door: the same change made over the JSON API on one case,
with ``landgis case …`` on a twin and through the case page's forms (logged in as a
browser is) on a third leaves the same event in each history (kind, status, fields
before and after, document, note, day, actor), and a completion short of the idle area
is refused by each until confirmed. An attachment uploaded through the case page writes
no event. And the case read over the API shows the evidence gates the installation
configured."""

from __future__ import annotations

import datetime as dt
import json
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select
from typer.testing import CliRunner

from api.main import create_app
from api.web.case_page import EDIT_FIELDS
from landgis.attachments import list_attachments
from landgis.cli import app as cli
from landgis.db.migrate import upgrade
from landgis.db.models import Case, Parcel
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, issue_token

RUN = CliRunner()
PASSWORD = "correct horse battery"
EDITOR, ADMIN = "liting", "chenjing"
START = dt.date.today() - dt.timedelta(days=20)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
COMPARED = (
    "occurred_on",
    "actor",
    "action",
    "status_before",
    "status_after",
    "changes",
    "document_no",
    "note",
)


@pytest.fixture(scope="module")
def site(databases):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, EDITOR, PASSWORD, role="editor")
        create_user(session, ADMIN, PASSWORD, role="admin")
        tokens = {name: issue_token(session, name) for name in (EDITOR, ADMIN)}
        free = session.scalars(
            select(Parcel.parcel_code)
            .where(Parcel.id.not_in(select(Case.parcel_id)))
            .order_by(Parcel.parcel_code)
            .limit(3)
        ).all()
    url = engine.url.render_as_string(hide_password=False)
    return {"url": url, "engine": engine, "tokens": tokens, "parcels": free}


@pytest.fixture
def client(site):
    with TestClient(create_app(Settings(database_url=site["url"]))) as test_client:
        yield test_client


@pytest.fixture
def browsers(site, form_login, tmp_path):
    """A browser logged in to the case page as each of the editor and the administrator:
    its client and its session's CSRF token."""
    settings = Settings(
        database_url=site["url"], secret_key="doors-secret" * 3, attachments_dir=tmp_path
    )
    with (
        TestClient(create_app(settings)) as editor,
        TestClient(create_app(settings)) as admin,
    ):
        yield {
            EDITOR: (editor, form_login(editor, EDITOR, PASSWORD)),
            ADMIN: (admin, form_login(admin, ADMIN, PASSWORD)),
        }


def _confirmation(page: str) -> dict[str, str]:
    """The hidden inputs of the form the case page offers to confirm a completion."""
    form = re.search(r'<form[^>]*data-form="confirm".*?</form>', page, re.S)
    assert form, "the page asks for a confirmation"
    inputs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0))
    return {name: unescape(value) for name, value in inputs}


class Doors:
    """One change made through the API on case ``a``, the command line on case ``b`` and
    the case page's forms on case ``c``."""

    def __init__(self, site, client, browsers) -> None:
        self.site, self.client, self.browsers = site, client, browsers
        self.a = self.b = self.c = ""

    def api(self, method: str, path: str, who: str = EDITOR, expect: int = 200, **body):
        headers = {"Authorization": f"Bearer {self.site['tokens'][who]}"}
        response = self.client.request(method, path, json=body or None, headers=headers)
        assert response.status_code == expect, response.text
        return response.json()

    def post(self, path: str, **body):
        return self.api("POST", path, **body)

    def cli(self, *args: str, who: str | None = EDITOR, code: int = 0) -> str:
        actor = ["--actor", who] if who else []
        command = [*args, *actor, "--database-url", self.site["url"]]
        result = RUN.invoke(cli, command)
        assert result.exit_code == code, result.output
        return result.output

    def form(self, path: str, who: str = EDITOR, expect: int = 303, **fields: str):
        """Post a form of case ``c``'s page, with the version the page shows."""
        browser, csrf = self.browsers[who]
        data = {"csrf_token": csrf, "version": str(self.version(self.c))} | fields
        response = browser.post(f"/cases/{self.c}/{path}", data=data, follow_redirects=False)
        assert response.status_code == expect, response.text
        return response

    def version(self, case_no: str) -> int:
        return self.api("GET", f"/api/cases/{case_no}")["version"]

    def api_events(self, case_no: str | None = None) -> list[dict]:
        return self.api("GET", f"/api/cases/{case_no or self.a}/events")

    def cli_events(self) -> list[dict]:
        history = self.cli("case", "history", self.b, "--json", who=None)
        return json.loads(history)["events"]

    def same_last_event(self, action: str) -> dict:
        """The last event of the three cases: the same, and of kind ``action``."""
        api, cli_, web = self.api_events(), self.cli_events(), self.api_events(self.c)
        assert len(api) == len(cli_) == len(web)
        mine = {k: api[-1][k] for k in COMPARED}
        assert mine == {k: cli_[-1][k] for k in COMPARED}
        assert mine == {k: web[-1][k] for k in COMPARED}
        assert mine["action"] == action
        return mine


def _day(n: int) -> str:
    return (START + dt.timedelta(days=n)).isoformat()


def test_every_use_case_leaves_the_same_event_through_every_door(site, client, browsers):
    doors = Doors(site, client, browsers)
    parcel_a, parcel_b, parcel_c = site["parcels"]
    opening = {
        "category": "idle",
        "fields": {"idle_area_m2": 3000, "cause": "enterprise"},
        "occurred_on": _day(0),
        "note": "巡查发现",
    }
    # The case page has no form to open a case: the third case is opened over the API.
    doors.a = doors.api("POST", "/api/cases", expect=201, parcel_code=parcel_a, **opening)[
        "case_no"
    ]
    doors.c = doors.api("POST", "/api/cases", expect=201, parcel_code=parcel_c, **opening)[
        "case_no"
    ]
    out = doors.cli(
        "case",
        "open",
        parcel_b,
        "--category",
        "idle",
        "--set",
        "idle_area_m2=3000",
        "--set",
        "cause=enterprise",
        "--date",
        _day(0),
        "--note",
        "巡查发现",
    )
    doors.b = re.match(r"(\S+?):", out).group(1)
    assert len({doors.a, doors.b, doors.c}) == 3
    assert doors.same_last_event("open")["changes"]["idle_area_m2"] == [None, 3000.0]

    steps = [
        ("investigating", {}, {"document_no": "调〔1〕号"}, ["--doc", "调〔1〕号"]),
        (
            "identified",
            {"determination_no": "认〔1〕号", "identified_on": _day(2)},
            {},
            ["--set", "determination_no=认〔1〕号", "--set", f"identified_on={_day(2)}"],
        ),
        (
            "planned",
            {"route": "buyback", "plan_no": "函〔2〕号"},
            {},
            ["--set", "route=buyback", "--set", "plan_no=函〔2〕号"],
        ),
        ("disposing", {}, {"note": "开始实施"}, ["--note", "开始实施"]),
    ]
    for n, (target, fields, extra, flags) in enumerate(steps, start=1):
        change = {"status": target, "fields": fields, "occurred_on": _day(n), **extra}
        doors.post(f"/api/cases/{doors.a}/status", version=doors.version(doors.a), **change)
        version = str(doors.version(doors.b))
        doors.cli(
            "case", "status", doors.b, target, "--version", version, "--date", _day(n), *flags
        )
        inputs = {f"field_{name}": value for name, value in fields.items()}
        doors.form("status", target=target, occurred_on=_day(n), **inputs, **extra)
        assert doors.same_last_event("status")["status_after"] == target

    doors.api(
        "PATCH",
        f"/api/cases/{doors.a}",
        version=doors.version(doors.a),
        occurred_on=_day(5),
        fields={"remarks": "已约谈企业", "deadline": _day(60)},
    )
    doors.cli(
        "case",
        "edit",
        doors.b,
        "--version",
        str(doors.version(doors.b)),
        "--date",
        _day(5),
        "--set",
        "remarks=已约谈企业",
        "--set",
        f"deadline={_day(60)}",
    )
    # The edit form posts every field it offers, filled in with the case's values.
    shown = doors.api("GET", f"/api/cases/{doors.c}")
    edited = {f"field_{n}": "" if shown[n] is None else str(shown[n]) for n in EDIT_FIELDS}
    edited |= {"field_remarks": "已约谈企业", "field_deadline": _day(60)}
    doors.form("edit", occurred_on=_day(5), **edited)
    assert doors.same_last_event("edit")["changes"]["remarks"] == [None, "已约谈企业"]

    doors.api(
        "POST",
        f"/api/cases/{doors.a}/revitalizations",
        version=doors.version(doors.a),
        occurred_on=_day(6),
        area_mu=1.5,
        new_holder="四川新锐科技有限公司",
    )
    doors.cli(
        "case",
        "revitalize",
        doors.b,
        "--area-mu",
        "1.5",
        "--set",
        "new_holder=四川新锐科技有限公司",
        "--version",
        str(doors.version(doors.b)),
        "--date",
        _day(6),
    )
    doors.form(
        "revitalizations", occurred_on=_day(6), area_mu="1.5", new_holder="四川新锐科技有限公司"
    )
    assert doors.same_last_event("revitalize")["status_after"] == "disposing"

    # Revitalize and complete: 3 亩 of the 4.5 亩 idle, refused until confirmed.
    events = len(doors.api_events())
    completing = {"occurred_on": _day(7), "area_mu": 1.5, "complete": True}
    refused = doors.api(
        "POST",
        f"/api/cases/{doors.a}/revitalizations",
        expect=409,
        version=doors.version(doors.a),
        **completing,
    )
    assert refused["error"] == "NeedsConfirmation"
    assert refused["remaining_mu"] == pytest.approx(1.5, abs=0.005)
    flags = ["--area-mu", "1.5", "--complete", "--date", _day(7)]
    said = doors.cli("case", "revitalize", doors.b, *flags, code=2)
    assert "少 1.50 亩" in said and "确认办结请加 --confirm。" in said
    asked = doors.form(
        "revitalizations", expect=200, occurred_on=_day(7), area_mu="1.5", complete="1"
    )
    assert "还有 1.50 亩未盘活，确定办结？" in unescape(asked.text)
    assert len(doors.api_events()) == len(doors.cli_events()) == events
    assert len(doors.api_events(doors.c)) == events
    doors.api(
        "POST",
        f"/api/cases/{doors.a}/revitalizations",
        version=doors.version(doors.a),
        confirm_short=True,
        **completing,
    )
    doors.cli("case", "revitalize", doors.b, *flags, "--confirm")
    confirmed = _confirmation(asked.text)
    assert confirmed["confirm"] == "1" and confirmed["complete"] == "1"
    doors.form("revitalizations", **confirmed)
    assert doors.same_last_event("revitalize")["status_after"] == "revitalized"

    # Close-out and reopening, on the day they are made (no date given).
    doors.api(
        "POST",
        f"/api/cases/{doors.a}/close",
        version=doors.version(doors.a),
        document_no="销〔3〕号",
    )
    doors.cli("case", "close", doors.b, "--doc", "销〔3〕号")
    doors.form("status", target="closed", document_no="销〔3〕号")
    closed = doors.same_last_event("status")
    assert closed["occurred_on"] == dt.date.today().isoformat()
    assert closed["changes"]["closed_on"] == [None, dt.date.today().isoformat()]
    doors.api(
        "POST",
        f"/api/cases/{doors.a}/reopen",
        who=ADMIN,
        version=doors.version(doors.a),
        reason="复核面积",
    )
    doors.cli("case", "reopen", doors.b, "--reason", "复核面积", who=ADMIN)
    doors.form("status", who=ADMIN, target="revitalized", note="复核面积")
    assert doors.same_last_event("reopen")["actor"] == ADMIN

    assert [e["actor"] for e in doors.api_events()] == [EDITOR] * 9 + [ADMIN]
    assert [e["actor"] for e in doors.api_events(doors.c)] == [EDITOR] * 9 + [ADMIN]
    assert doors.version(doors.a) == doors.version(doors.b) == doors.version(doors.c) == 10

    # An attachment changes nothing of the case: no event, the same version.
    browser, csrf = browsers[EDITOR]
    uploaded = browser.post(
        f"/cases/{doors.c}/attachments",
        data={"csrf_token": csrf, "description": "认定书扫描件"},
        files={"file": ("认定书.pdf", PDF, "application/pdf")},
        follow_redirects=False,
    )
    assert uploaded.status_code == 303, uploaded.text
    assert doors.version(doors.c) == 10 and len(doors.api_events(doors.c)) == 10
    with transaction(site["engine"]) as session:
        (attached,) = list_attachments(session, doors.c)
        assert (attached.filename, attached.description) == ("认定书.pdf", "认定书扫描件")
        assert attached.uploaded_by == EDITOR


def test_the_case_read_over_the_api_shows_the_configured_evidence_gates(site, monkeypatch):
    """``LANDGIS_EVIDENCE`` changes what a status change needs; reading the case says so."""
    headers = {"Authorization": f"Bearer {site['tokens'][EDITOR]}"}

    def gates(settings: Settings) -> list[str]:
        with TestClient(create_app(settings)) as client:
            response = client.get("/api/cases/QX-XZ-2023-011", headers=headers)
        assert response.status_code == 200, response.text
        assert response.json()["status"] == "suspected"
        (forward,) = [t for t in response.json()["allowed_transitions"] if t["kind"] == "forward"]
        return forward["evidence"]

    assert gates(Settings(database_url=site["url"])) == []
    monkeypatch.setenv("LANDGIS_EVIDENCE", '{"investigating": ["responsible_unit"]}')
    assert gates(Settings(database_url=site["url"])) == ["responsible_unit"]
