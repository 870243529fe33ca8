"""The project pages' forms over HTTP, on a fresh demo county per backend: a viewer gets no
form; an editor enters a project, edits it (a wrong need refused, what was typed kept),
moves it to 签约 and is refused a step back, which an administrator makes with a reason;
a match with a case that is no candidate is refused saying why. Each refusal is the page
again with the library's message."""

from __future__ import annotations

import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.projects.records import get_project
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user

PASSWORD = "project-forms-password"
USERS = {"zhangwei": "editor", "zhaoli": "admin", "wangfang": "viewer"}
FIELDS = {
    "name": "年产 500 吨速冻食品项目",
    "investor": "青溪县鑫源食品有限公司",
    "industry": "食品",
    "land_need_mu": "20",
    "preferred_zones": "产城新区",
    "negotiating_on": "2024-03-01",
}


@pytest.fixture(scope="module")
def site(databases, form_login):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        for name, role in USERS.items():
            create_user(session, name, PASSWORD, role=role)
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key="project-forms-secret" * 2)
    clients = {name: TestClient(create_app(settings)) for name in USERS}
    for client in clients.values():
        client.__enter__()
    csrf = {name: form_login(client, name, PASSWORD) for name, client in clients.items()}
    yield {"clients": clients, "csrf": csrf, "engine": engine}
    for client in clients.values():
        client.__exit__(None, None, None)


def _post(site, who: str, path: str, **fields: str):
    data = {"csrf_token": site["csrf"][who], **fields}
    return site["clients"][who].post(path, data=data, follow_redirects=False)


def _error(page) -> str:
    found = re.search(r'id="form-error"><p>(.*?)</p>', page.text, re.S)
    assert found, page.text[:500]
    return unescape(found.group(1))


def _project(site, project_no: str):
    with transaction(site["engine"]) as session:
        project = get_project(session, project_no)
        session.expunge(project)
        return project


def test_a_viewer_gets_no_form(site):
    new = site["clients"]["wangfang"].get("/projects/new")
    posted = _post(site, "wangfang", "/projects/new", **FIELDS)

    assert new.status_code == 403 and "登记招商项目需要编辑权限" in new.text
    assert posted.status_code == 403


def test_an_editor_enters_edits_and_moves_a_project_an_admin_steps_it_back(site):
    entered = _post(site, "zhangwei", "/projects/new", **FIELDS)
    assert entered.status_code == 303
    path = entered.headers["location"]
    number = path.rsplit("/", 1)[1]
    project = _project(site, number)
    assert (project.stage, project.preferred_zones) == ("negotiating", ["产城新区"])
    assert project.land_need_m2 == pytest.approx(20 * 2000 / 3)

    wrong = _post(site, "zhangwei", f"{path}/edit", **(FIELDS | {"floor_need_m2": "-5"}))
    assert wrong.status_code == 200
    assert _error(wrong) == "厂房需求(㎡) 须大于 0。"
    assert 'name="floor_need_m2" value="-5"' in wrong.text
    edited = _post(site, "zhangwei", f"{path}/edit", **(FIELDS | {"floor_need_m2": "1,200"}))
    assert edited.status_code == 303 and _project(site, number).floor_need_m2 == 1200.0

    moved = _post(site, "zhangwei", f"{path}/stage", stage="signed", occurred_on="2024-05-06")
    assert moved.status_code == 303 and _project(site, number).stage == "signed"
    page = site["clients"]["zhangwei"].get(path)
    assert 'id="stage-back"' not in page.text and 'value="landed"' in page.text
    back = _post(site, "zhangwei", f"{path}/stage", stage="negotiating", reason="投资方撤回")
    assert back.status_code == 200 and "需要管理员权限" in _error(back)

    admin_page = site["clients"]["zhaoli"].get(path)
    assert 'id="stage-back"' in admin_page.text
    no_reason = _post(site, "zhaoli", f"{path}/stage", stage="negotiating")
    assert "须说明原因" in _error(no_reason)
    stepped = _post(site, "zhaoli", f"{path}/stage", stage="negotiating", reason="投资方撤回")
    assert stepped.status_code == 303
    project = _project(site, number)
    assert (project.stage, project.signed_on) == ("negotiating", None)
    assert "投资方撤回" in project.remarks


def test_a_match_with_no_candidate_is_refused_saying_why(site):
    path = _post(site, "zhangwei", "/projects/new", **FIELDS).headers["location"]

    refused = _post(site, "zhangwei", f"{path}/matches", case_no="QX-XZ-2023-007", code="x")
    bad_day = _post(
        site, "zhangwei", f"{path}/matches", case_no="QX-XZ-2023-013", occurred_on="2024-13-01"
    )

    assert refused.status_code == 200 and "不引入新用地单位" in _error(refused)
    assert "发生日期“2024-13-01”无法识别" in _error(bad_day)
    assert _project(site, path.rsplit("/", 1)[1]).stage == "negotiating"
