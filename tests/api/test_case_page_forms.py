"""The case page over HTTP, on a fresh demo county per backend: completing a case with less
area revitalized than is idle is asked about first (the form comes back saying how much
is left, in the page's language, until it is posted confirmed), no script needed; people
are named by their display names; a missing number reads "—"."""

from __future__ import annotations

import datetime as dt
import re
from html import unescape

import pytest
from fastapi.testclient import TestClient

from api.main import create_app
from api.web.i18n import COOKIE
from landgis.cases import case_values, get_case
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.units import m2_to_mu
from landgis.users import create_user

PASSWORD = "completion-password"
TODAY = dt.date.today().isoformat()
PARTLY_DONE = "QX-XZ-2023-005"  # 处置中: 20 of its 55 亩 revitalized
NOTHING_DONE = "QX-XZ-2023-013"  # 处置中: nothing revitalized yet
BY_FORM = "QX-XZ-2023-007"  # 处置中: for the revitalization form
SUSPECTED = "QX-XZ-2023-011"  # 疑似闲置: to 调查中 needs no evidence


@pytest.fixture(scope="module")
def site(databases, form_login):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        create_user(session, "zhangwei", PASSWORD, role="editor", display_name="张伟")
    url = engine.url.render_as_string(hide_password=False)
    settings = Settings(database_url=url, secret_key="completion-secret" * 2)
    with TestClient(create_app(settings)) as client:
        csrf = form_login(client, "zhangwei", PASSWORD)
        yield {"client": client, "engine": engine, "csrf": csrf}


def _case(site, case_no: str) -> dict:
    with transaction(site["engine"]) as session:
        return case_values(get_case(session, case_no))


def _post(site, case_no: str, path: str, lang: str = "zh", **fields: str):
    client = site["client"]
    client.cookies.set(COOKIE, lang)
    data = {"csrf_token": site["csrf"], "version": str(_case(site, case_no)["version"])}
    return client.post(f"/cases/{case_no}/{path}", data=data | fields, follow_redirects=False)


def _left_mu(case: dict) -> str:
    return f"{m2_to_mu(case['idle_area_m2'] - case['revitalized_area_m2']):,.2f}"


def _confirm_form(html: str) -> dict[str, str]:
    """The hidden inputs of the confirmation's form."""
    form = re.search(r'<form[^>]*data-form="confirm".*?</form>', html, re.S)
    assert form, "the page asks for a confirmation"
    inputs = re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form.group(0))
    return {name: unescape(value) for name, value in inputs}


def test_completing_with_area_left_asks_first_and_saves_once_confirmed(site):
    before = _case(site, PARTLY_DONE)
    assert before["status"] == "disposing"
    left = _left_mu(before)
    assert left == "35.00"
    asked = {"target": "revitalized", "field_revitalized_on": TODAY, "note": "收尾"}
    for lang, question in (
        ("zh", f"还有 {left} 亩未盘活，确定办结？"),
        ("en", f"{left} mu are not revitalized yet. Complete the case anyway?"),
    ):
        page = _post(site, PARTLY_DONE, "status", lang=lang, **asked)
        assert page.status_code == 200, page.text
        assert question in unescape(page.text)
        assert _case(site, PARTLY_DONE) == before, "nothing saved before the confirmation"
    # The confirmation posts the same form again, confirmed.
    again = _confirm_form(page.text)
    assert again["confirm"] == "1" and again["target"] == "revitalized"
    assert again["field_revitalized_on"] == TODAY and again["note"] == "收尾"
    done = site["client"].post(f"/cases/{PARTLY_DONE}/status", data=again, follow_redirects=False)
    assert done.status_code == 303, done.text
    after = _case(site, PARTLY_DONE)
    assert after["status"] == "revitalized" and after["version"] == before["version"] + 1
    assert after["revitalized_area_m2"] == before["revitalized_area_m2"]


def test_completing_with_nothing_left_asks_nothing(site):
    before = _case(site, NOTHING_DONE)
    whole = f"{m2_to_mu(before['idle_area_m2']):.6f}"
    done = _post(
        site,
        NOTHING_DONE,
        "status",
        target="revitalized",
        area_mu=whole,
        field_revitalized_on=TODAY,
    )
    assert done.status_code == 303, done.text
    assert _case(site, NOTHING_DONE)["status"] == "revitalized"


def test_the_revitalization_form_asks_too_when_it_completes(site):
    before = _case(site, BY_FORM)
    partial = _post(site, BY_FORM, "revitalizations", area_mu="5")  # not completing
    assert partial.status_code == 303
    asked = _post(site, BY_FORM, "revitalizations", area_mu="2", complete="1")
    assert asked.status_code == 200
    left = m2_to_mu(before["idle_area_m2"]) - 7
    assert f"还有 {left:,.2f} 亩未盘活，确定办结？" in unescape(asked.text)
    assert _case(site, BY_FORM)["status"] == "disposing"
    again = _confirm_form(asked.text)
    assert (again["area_mu"], again["complete"], again["confirm"]) == ("2", "1", "1")
    done = site["client"].post(f"/cases/{BY_FORM}/revitalizations", data=again)
    assert done.status_code == 200 and done.url.path == f"/cases/{BY_FORM}"
    after = _case(site, BY_FORM)
    assert after["status"] == "revitalized"
    assert round(m2_to_mu(after["revitalized_area_m2"]), 6) == 7


def test_history_names_people_by_their_display_names(site):
    moved = _post(site, SUSPECTED, "status", target="investigating")
    assert moved.status_code == 303, moved.text
    page = site["client"].get(f"/cases/{SUSPECTED}").text
    timeline = re.search(r'<ol class="timeline".*?</ol>', page, re.S).group(0)
    assert '<span class="person" title="zhangwei">张伟</span>' in timeline
    assert ">zhangwei<" not in timeline


def test_a_missing_number_reads_a_dash(site):
    with transaction(site["engine"]) as session:
        parcel = get_case(session, NOTHING_DONE).parcel
        parcel.plot_ratio, parcel.tax_per_mu = None, None
    page = unescape(site["client"].get(f"/cases/{NOTHING_DONE}").text)
    for label in ("容积率", "亩均税收"):
        shown = re.search(rf"<dt>{label}</dt><dd>([^<]*)</dd>", page).group(1)
        assert shown == "—", label
    assert "0.0<" not in page and "None<" not in page and "nan<" not in page
