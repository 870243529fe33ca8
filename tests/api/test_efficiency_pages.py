"""The per-mu evaluation on the staff pages: the dashboard's section of the latest year
(its classes' enterprises and 亩, by zone, as ``evaluate`` counts them; no section
without figures) and the import form of a year's figures (check only, import, refusals,
editors only), on a demo county of each backend."""

from __future__ import annotations

import csv
import io
import re

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, func, select

from api.main import create_app
from landgis.db.migrate import upgrade
from landgis.db.models import EnterpriseFigures
from landgis.db.session import transaction
from landgis.efficiency.evaluation import evaluate
from landgis.efficiency.holdings import parcel_holdings
from landgis.efficiency.indicators import CLASSES
from landgis.efficiency.summary import class_summary
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user

PASSWORD = "figures-pages-password"
DEMO_CSV = DEMO_DATA.parent / "demo_county" / "enterprise_figures_2023.csv"
DEMO_2023 = {"A": 22, "B": 15, "C": 16, "D": 13}


@pytest.fixture(scope="module")
def site(databases, form_login):
    demo = databases.demo({"clerk": "editor", "looker": "viewer"}, password=PASSWORD)
    with TestClient(create_app(demo.settings(secret_key="pages-secret"))) as client:
        token = form_login(client, "clerk", PASSWORD)
        yield {"client": client, "engine": demo.engine, "csrf": token, "url": demo.url}


def _doc(html: str):
    return lxml.html.fromstring(html)


def _number(text: str) -> float:
    return float(re.sub(r"[^\d.]", "", text.split("(")[0]))


def _count_2023(site) -> int:
    with transaction(site["engine"]) as session:
        return session.scalar(
            select(func.count(EnterpriseFigures.id)).where(EnterpriseFigures.year == 2023)
        )


def test_the_dashboard_shows_the_latest_years_classes_as_evaluate_counts_them(site):
    with transaction(site["engine"]) as session:
        evaluation = evaluate(session, Settings().efficiency, 2023)
    items = evaluation.items
    page = site["client"].get("/")
    assert page.status_code == 200
    section = _doc(page.text).get_element_by_id("efficiency-summary")

    assert "2023" in section.findtext(".//h2")
    assert section.xpath(".//a[@id='efficiency-summary-link']/@href") == ["/efficiency?year=2023"]
    for name in CLASSES:
        figure = section.get_element_by_id(f"eff-class-{name}")
        count = int(figure.get("data-count"))
        assert count == evaluation.class_counts()[name] == DEMO_2023[name]
        area = items.loc[items["class"] == name, "area_mu"].sum()
        shown = _number(figure.find_class("figure-note")[0].text_content())
        assert shown == pytest.approx(area, abs=0.005)

    table = section.get_element_by_id("efficiency-by-zone")
    rows = table.xpath("./tbody/tr")
    assert [row.get("data-zone") for row in rows] == ["白鹤工业区", "产城新区", "临江工业区"]
    for row in rows:
        zone = row.get("data-zone")
        held = items[items["zone"] == zone]  # every demo enterprise holds land in one zone
        for cell in row.xpath("./td[@data-class]"):
            name = cell.get("data-class")
            area = held.loc[held["class"] == name, "area_mu"].sum()
            assert _number(cell.text_content()) == pytest.approx(area, abs=0.005)
            assert f"({(held['class'] == name).sum()})" in cell.text_content()
    totals = table.xpath("./tfoot/tr/td")
    assert _number(totals[-1].text_content()) == pytest.approx(items["area_mu"].sum(), abs=0.005)
    assert "(66)" in totals[-1].text_content()

    english = _doc(site["client"].get("/", params={"lang": "en"}).text)
    title = english.get_element_by_id("efficiency-summary").findtext(".//h2")
    assert "2023" in title and "evaluation" in title.lower()
    site["client"].get("/", params={"lang": "zh"})


def test_the_api_answers_the_same_summary_by_zone(site):
    body = site["client"].get("/api/efficiency", params={"year": 2023}).json()
    with transaction(site["engine"]) as session:
        evaluation = evaluate(session, Settings().efficiency, 2023)
        summary = class_summary(evaluation, parcel_holdings(session))
    assert body["by_zone"] == summary.to_dict()["by_zone"]
    assert [zone["zone"] for zone in body["by_zone"]] == ["白鹤工业区", "产城新区", "临江工业区"]
    for name in CLASSES:
        assert sum(zone["counts"][name] for zone in body["by_zone"]) == DEMO_2023[name]
        zones_area = sum(zone["area_mu"][name] for zone in body["by_zone"])
        assert zones_area == pytest.approx(body["class_area_mu"][name])
        area = evaluation.items.loc[evaluation.items["class"] == name, "area_mu"].sum()
        assert body["class_area_mu"][name] == pytest.approx(area)


def test_a_county_without_figures_shows_no_evaluation_on_the_dashboard(databases, form_login):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        create_user(session, "clerk", PASSWORD, role="editor")
    url = engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url, secret_key="s"))) as client:
        form_login(client, "clerk", PASSWORD)
        page = client.get("/")
    assert page.status_code == 200
    assert 'id="efficiency-summary"' not in page.text
    assert 'id="fig-cases"' in page.text


def _post(site, content: bytes, name: str = "2023年度.csv", **fields: str):
    data = {"csrf_token": site["csrf"], "year": "2023"} | fields
    return site["client"].post("/efficiency/import", files={"file": (name, content)}, data=data)


def _messy_csv() -> bytes:
    """The demo's 2023 table with line 6's credit code's check character wrong and line
    8's enterprise without its code, its name written 有限责任公司 for 有限公司."""
    rows = list(csv.reader(io.StringIO(DEMO_CSV.read_text(encoding="utf-8-sig"))))
    code = rows[5][1]
    rows[5][1] = code[:17] + ("0" if code[17] != "0" else "1")
    assert rows[7][0].endswith("有限公司")
    rows[7][0], rows[7][1] = rows[7][0].removesuffix("有限公司") + "有限责任公司", ""
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode("utf-8")


def test_the_import_form_checks_then_imports_the_demo_year(site):
    client = site["client"]
    form = client.get("/efficiency/import", params={"year": 2023})
    assert form.status_code == 200
    doc = _doc(form.text)
    assert doc.xpath("//form[@id='figures-form']//input[@name='year']/@value") == ["2023"]
    assert doc.xpath("//input[@name='dry_run']/@checked")  # check only, unless unticked

    with transaction(site["engine"]) as session:
        session.execute(delete(EnterpriseFigures).where(EnterpriseFigures.year == 2023))
    checked = _post(site, DEMO_CSV.read_bytes(), dry_run="1")
    assert checked.status_code == 200, checked.text
    report = _doc(checked.text).get_element_by_id("figures-report")
    counts = {dd.get("id"): dd.text_content().strip() for dd in report.xpath(".//dd")}
    assert counts["figures-rows"] == "66"
    assert counts["figures-by-code"] == "64" and counts["figures-by-name"] == "2"
    assert counts["figures-unmatched"] == counts["figures-invalid-codes"] == "0"
    names = report.get_element_by_id("figures-name-matches").text_content()
    assert "四川福瑞物流有限公司" in names and "519901001003GB00017" in names
    assert _count_2023(site) == 0, "a check writes nothing"

    done = _post(site, DEMO_CSV.read_bytes())
    assert done.status_code == 200, done.text
    head = _doc(done.text).get_element_by_id("figures-head").text_content()
    assert "已导入 2023 年度企业数据 66 家" in head
    assert _count_2023(site) == 66
    links = _doc(done.text).xpath("//a[@id='figures-evaluation-link']/@href")
    assert links == ["/efficiency?year=2023"]
    dashboard = _doc(client.get("/").text).get_element_by_id("efficiency-summary")
    shown = {
        n: int(dashboard.get_element_by_id(f"eff-class-{n}").get("data-count")) for n in CLASSES
    }
    assert shown == DEMO_2023


def test_a_refused_file_shows_the_form_again_with_its_problems_by_line(site):
    before = _count_2023(site)
    answer = _post(site, _messy_csv())
    assert answer.status_code == 422
    doc = _doc(answer.text)
    error = doc.get_element_by_id("figures-error").text_content()
    assert error.startswith("第 6 行:统一社会信用代码") and "未导入任何企业数据" in error
    assert doc.xpath("//form[@id='figures-form']//input[@name='year']/@value") == ["2023"]
    invalid = doc.get_element_by_id("figures-invalid-code-list").xpath("./tbody/tr")
    assert [row.findtext("td") for row in invalid] == ["6"]
    unmatched = doc.get_element_by_id("figures-unmatched-list").xpath("./tbody/tr")
    assert unmatched[0].xpath("td")[0].text_content() == "8"
    assert unmatched[0].xpath("td")[3].text_content().endswith("有限公司")  # the near miss
    assert _count_2023(site) == before, "nothing written"

    english = site["client"].post(
        "/efficiency/import?lang=en",
        files={"file": ("2023.csv", _messy_csv())},
        data={"csrf_token": site["csrf"], "year": "2023"},
    )
    message = _doc(english.text).get_element_by_id("figures-error").text_content()
    assert message.startswith("Row 6") or "row 6" in message.lower()
    site["client"].get("/", params={"lang": "zh"})


@pytest.mark.parametrize(
    ("name", "content", "fields", "status", "said"),
    [
        ("figures.txt", b"a,b\n", {}, 415, "不支持的文件类型 .txt"),
        (
            "figures.csv",
            "企业名称,税收(万元)\n甲,1\n".encode(),
            {"year": ""},
            422,
            "请填写数据所属年度",
        ),
        ("figures.csv", "企业名称,税收(万元)\n甲,1\n".encode(), {"year": "2999"}, 422, "年度应在"),
        ("figures.csv", "甲,乙\n1,2\n".encode(), {}, 422, "找不到表头"),
    ],
)
def test_what_cannot_be_read_shows_the_form_with_what_to_change(
    site, name, content, fields, status, said
):
    answer = _post(site, content, name=name, **fields)
    assert answer.status_code == status, answer.text
    doc = _doc(answer.text)
    assert said in doc.get_element_by_id("figures-error").text_content()
    assert doc.get_element_by_id("figures-form") is not None
    assert not doc.xpath("//*[@id='figures-report']")


def test_only_editors_import_figures(site, form_login, databases):
    with TestClient(create_app(Settings(database_url=site["url"], secret_key="pages-secret"))) as c:
        token = form_login(c, "looker", PASSWORD)
        assert c.get("/efficiency/import").status_code == 403
        answer = c.post(
            "/efficiency/import",
            files={"file": ("a.csv", DEMO_CSV.read_bytes())},
            data={"csrf_token": token, "year": "2023"},
        )
        assert answer.status_code == 403
    before = _count_2023(site)
    no_token = site["client"].post(
        "/efficiency/import",
        files={"file": ("a.csv", DEMO_CSV.read_bytes())},
        data={"year": "2023"},
    )
    assert no_token.status_code == 403
    assert _count_2023(site) == before
