"""The public idle-land list on the web, on both backends: ``/public/idle-land``, its
workbook and its PDF are open to anyone while reading the ledger needs a login, and
nothing else opens; they publish the list's columns and nothing private; the page is the
same for every reader (no cookie in, none out, cacheable); English with ``?lang=en``; the
staff API and the command line give the same workbook and PDF."""

from __future__ import annotations

import io
import re
import zipfile
from html import unescape

import openpyxl
import pytest
from fastapi.testclient import TestClient
from poppler import cjk_fonts, pdf_pages, unspaced
from sqlalchemy import select, update

from api.main import create_app
from landgis import wallclock
from landgis.cases import Actor, change_status, get_case
from landgis.db.models import Case, Parcel
from landgis.db.session import transaction
from landgis.disclosure import PUBLISHABLE_STATUSES, disclosure_for
from landgis.ledger_rules.totals import area_total
from landgis.settings import Settings
from landgis.workflow import Workflow

PASSWORD = "a-good-password"
DISMISSED = "QX-XZ-2023-012"
SUSPECTED = "QX-XZ-2023-011"
MARKED = "QX-XZ-2023-005"  # published (disposing): its private fields carry markers
PRIVATE = {
    "phone": "13800138000",
    "contact": "联系人王某某",
    "credit_code": "91519901PRIVATE00X",
    "remarks": "内部备注勿公开",
    "cause_detail": "原因说明勿公开",
    "next_step": "下一步计划勿公开",
    "responsible_unit": "责任单位勿公开",
    "determination_no": "青认〔2023〕勿公开号",
    "note": "处置理由勿公开",
}
OPEN_TO_ALL = {"/openapi.json", "/health", "/login", "/docs", "/favicon.ico"}
OPEN_WITH_PARAMETERS = {"/lang/{code}", "/static/docs/{name}"}
PUBLIC = {"/public/idle-land", "/public/idle-land.xlsx", "/public/idle-land.pdf"}


@pytest.fixture(scope="module")
def site(databases):
    demo = databases.demo({"viewer1": "viewer"}, password=PASSWORD, tokens=["viewer1"])
    with transaction(demo.engine) as session:
        case = get_case(session, DISMISSED)
        change_status(
            session,
            DISMISSED,
            "dismissed",
            version=case.version,
            actor=Actor("editor1", "editor"),
            occurred_on=wallclock.today(),
            note="复核后不构成闲置土地",
            workflow=Workflow(),
        )
        marked = get_case(session, MARKED)
        change_status(
            session,
            MARKED,
            "planned",
            version=marked.version,
            actor=Actor("editor1", "editor"),
            occurred_on=wallclock.today(),
            note=PRIVATE["note"],
            document_no="青府函〔2026〕勿公开号",
            workflow=Workflow(),
        )
        session.execute(
            update(Case)
            .where(Case.case_no == MARKED)
            .values(
                remarks=PRIVATE["remarks"],
                cause_detail=PRIVATE["cause_detail"],
                next_step=PRIVATE["next_step"],
                responsible_unit=PRIVATE["responsible_unit"],
                determination_no=PRIVATE["determination_no"],
            )
        )
        session.execute(
            update(Parcel)
            .where(Parcel.id == marked.parcel_id)
            .values(
                credit_code=PRIVATE["credit_code"],
                extra={"联系电话": PRIVATE["phone"], "联系人": PRIVATE["contact"]},
            )
        )
    return demo


@pytest.fixture
def private_site(site):
    """The app with reading behind a login."""
    settings = site.settings(read_requires_login=True, secret_key="disclosure-secret" * 2)
    with TestClient(create_app(settings)) as client:
        yield client


def _listed(site, **values):
    with transaction(site.engine, write=False) as session:
        return disclosure_for(session, site.settings(**values))


def _case_numbers(site) -> list[str]:
    with transaction(site.engine, write=False) as session:
        return list(session.scalars(select(Case.case_no)))


def _holder(site, case_no: str) -> str:
    with transaction(site.engine, write=False) as session:
        return session.scalar(select(Parcel.holder).join(Case).where(Case.case_no == case_no))


def _workbook_text(content: bytes) -> str:
    """Every XML part of an .xlsx, as text: what any reader of the file could see."""
    with zipfile.ZipFile(io.BytesIO(content)) as book:
        return "".join(book.read(name).decode("utf-8", "replace") for name in book.namelist())


def _pdf_text(content: bytes, tmp_path) -> str:
    """The words of a PDF, as pdftotext reads them."""
    path = tmp_path / f"list-{len(list(tmp_path.iterdir()))}.pdf"
    path.write_bytes(content)
    return "\f".join(pdf_pages(path))


def _sheet_rows(content: bytes) -> list[tuple]:
    book = openpyxl.load_workbook(io.BytesIO(content), data_only=True)
    return list(book.active.iter_rows(values_only=True))


def test_the_public_page_opens_without_a_login_and_nothing_else_does(site, private_site):
    for path in PUBLIC:
        answer = private_site.get(path)
        assert answer.status_code == 200, path
        assert answer.headers["cache-control"] == "public, max-age=300"
    page = private_site.get("/ledger", headers={"Accept": "text/html"}, follow_redirects=False)
    assert page.status_code == 303 and page.headers["location"].startswith("/login")
    staff = ("/api/exports/disclosure.xlsx", "/api/exports/disclosure.pdf")
    for path in ("/api/ledger", "/api/cases", "/api/stats", *staff):
        assert private_site.get(path).status_code == 401, path
    viewer = {"Authorization": f"Bearer {site.tokens['viewer1']}"}
    for path in staff:
        assert private_site.get(path, headers=viewer).status_code == 200, path
    # Every page and API read of the app, asked anonymously: only the public pages and the
    # doors that were open before answer.
    app = private_site.app
    checked = 0
    for route in _routes(app.routes):
        path = getattr(route, "path", None)
        if not path or "GET" not in (getattr(route, "methods", None) or ()):
            continue
        answer = private_site.get(
            re.sub(r"\{[^}]+\}", "x", path),
            headers={"Accept": "text/html"},
            follow_redirects=False,
        )
        checked += 1
        if path in PUBLIC:
            assert answer.status_code == 200, path
        elif path not in OPEN_TO_ALL | OPEN_WITH_PARAMETERS:
            assert answer.status_code in (401, 303), path
            if answer.status_code == 303:
                assert answer.headers["location"].startswith("/login?next="), path
    assert checked > 50


def _routes(routes):
    for route in routes:
        inner = getattr(route, "original_router", None)
        if inner is not None:
            yield from _routes(inner.routes)
        else:
            yield route


def test_the_page_shows_the_list_with_its_title_count_total_and_workbook_link(site, private_site):
    listed = _listed(site)
    answer = private_site.get("/public/idle-land")
    html = answer.text
    policy = answer.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy
    assert answer.headers["x-frame-options"] == "SAMEORIGIN"
    assert "<h1>青溪县闲置土地信息公开</h1>" in html
    today = wallclock.today()
    assert f"截至 {today.year}年{today.month}月{today.day}日" in html
    assert f"共 {listed.count} 宗,面积 {listed.total_mu:.2f} 亩" in html
    assert listed.count == 10
    assert 'href="/public/idle-land.xlsx"' in html
    assert 'href="/public/idle-land.pdf"' in html
    headers = re.findall(r'<th scope="col" data-column="([^"]+)"', html)
    assert headers == list(Settings.model_fields["disclosure_columns"].default_factory())
    body = re.search(r"<tbody>(.*)</tbody>", html, re.S).group(1)
    assert body.count("<tr>") == listed.count
    assert f'id="disclosure-total-mu">{listed.total_mu:,.2f}<' in html
    # Only the published cases: the dismissed and the suspected one are not there.
    assert _holder(site, DISMISSED) not in html and _holder(site, SUSPECTED) not in html
    assert _holder(site, MARKED) in html
    # No staff link, no navigation, no login link, no script.
    hrefs = set(re.findall(r'href="([^"]+)"', html))
    assert {unescape(h).split("?")[0] for h in hrefs} <= {
        "/public/idle-land",
        "/public/idle-land.xlsx",
        "/public/idle-land.pdf",
        "/static/app/app.css",
        "/static/app/favicon.svg",
        "#main",
    }
    assert "<script" not in html and "<form" not in html


def test_nothing_private_is_published_in_the_page_the_workbooks_or_the_pdfs(
    site, private_site, tmp_path
):
    viewer = {"Authorization": f"Bearer {site.tokens['viewer1']}"}
    published = {
        "pdf": _pdf_text(private_site.get("/public/idle-land.pdf").content, tmp_path),
        "pdf in English": _pdf_text(
            private_site.get("/public/idle-land.pdf?lang=en").content, tmp_path
        ),
        "staff pdf": _pdf_text(
            private_site.get("/api/exports/disclosure.pdf", headers=viewer).content, tmp_path
        ),
        "page": private_site.get("/public/idle-land").text,
        "page in English": private_site.get("/public/idle-land?lang=en").text,
        "workbook": _workbook_text(private_site.get("/public/idle-land.xlsx").content),
        "staff workbook": _workbook_text(
            private_site.get("/api/exports/disclosure.xlsx", headers=viewer).content
        ),
    }
    for where, text in published.items():
        for name, value in PRIVATE.items():
            assert value not in text, (where, name)
        for case_no in _case_numbers(site):
            assert case_no not in text, (where, case_no)
        assert "勿公开" not in text, where


def test_a_logged_in_reader_gets_the_same_page_and_keeps_no_cookie_from_it(
    site, private_site, form_login
):
    anonymous = private_site.get("/public/idle-land").text
    form_login(private_site, "viewer1", PASSWORD)
    assert private_site.get("/api/ledger").status_code == 200
    answer = private_site.get("/public/idle-land", headers={"Cookie": "landgis_lang=en"})
    assert answer.status_code == 200
    assert "set-cookie" not in answer.headers
    assert answer.text == anonymous  # no user name, no language from a cookie
    assert "viewer1" not in answer.text
    english = private_site.get("/public/idle-land?lang=en")
    assert "set-cookie" not in english.headers
    assert private_site.get("/api/ledger").status_code == 200, "the session lives on"


def test_the_page_in_english(site, private_site):
    listed = _listed(site)
    html = private_site.get("/public/idle-land", params={"lang": "en"}).text
    assert '<html lang="en">' in html
    assert "<h1>Idle land in 青溪县: public list</h1>" in html
    assert f"As of {wallclock.today().isoformat()}" in html
    assert f"{listed.count} parcels, {listed.total_mu:.2f} mu in all" in html
    for header in ("Location", "Parcel code", "Area (mu)", "Land-use right holder"):
        assert f">{header}</th>" in html
    assert "Cause of idleness" in html and "Disposal route" in html and "Progress" in html
    for name in ("Buyback", "Determined idle", "Government"):  # names of codes, in English
        assert f">{name}</td>" in html
    assert "已认定" not in html and "处置中" not in html
    assert 'href="/public/idle-land.xlsx?lang=en"' in html
    assert 'href="/public/idle-land.pdf?lang=en"' in html
    assert 'href="/public/idle-land" hreflang="zh"' in html
    workbook = private_site.get("/public/idle-land.xlsx", params={"lang": "en"}).content
    rows = _sheet_rows(workbook)
    assert rows[0][0] == "Idle land in 青溪县: public list"
    assert rows[2][:3] == ("Location", "Parcel code", "Area (mu)")


def test_the_workbook_reads_back_with_the_rows_and_the_total_by_the_rule(site, private_site):
    listed = _listed(site)
    answer = private_site.get("/public/idle-land.xlsx")
    assert answer.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = answer.headers["content-disposition"]
    assert f"idle-land_{listed.as_of.isoformat()}.xlsx" in disposition
    rows = _sheet_rows(answer.content)
    assert rows[0][0] == "青溪县闲置土地信息公开"
    assert rows[1][0].startswith("截至 ") and f"共 {listed.count} 宗" in rows[1][0]
    assert list(rows[2]) == listed.headers()
    data = rows[3 : 3 + listed.count]
    cells = listed.cells()
    area = listed.headers().index("面积(亩)")
    for got, expected in zip(data, cells, strict=True):
        assert got[area] == expected[area]
        assert got[:2] == tuple(expected[:2])
    total = rows[3 + listed.count]
    assert total[0] == f"合计:{listed.count} 宗"
    with transaction(site.engine, write=False) as session:
        stored = session.scalars(
            select(Case.idle_area_m2).where(Case.status.in_(PUBLISHABLE_STATUSES))
        ).all()
    assert total[area] == area_total(sum(stored), "mu") == listed.total_mu
    assert f"{total[area]:.2f}" == f"{listed.total_mu:.2f}"
    book = openpyxl.load_workbook(io.BytesIO(answer.content))
    sheet = book.active
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.sheet_properties.pageSetUpPr.fitToPage is True
    assert sheet.page_setup.fitToHeight == 0
    assert sheet.print_title_rows == "$3:$3"
    viewer = {"Authorization": f"Bearer {site.tokens['viewer1']}"}
    staff = private_site.get("/api/exports/disclosure.xlsx", headers=viewer)
    assert _sheet_rows(staff.content) == rows


def test_the_command_line_writes_the_same_workbook(site, private_site, cli_in, tmp_path):
    path = tmp_path / "公开清单.xlsx"
    done = cli_in(
        "zh",
        "export",
        "--format",
        "disclosure-xlsx",
        "--database-url",
        site.url,
        "--out",
        str(path),
    )
    assert done.exit_code == 0, done.output
    assert "已导出公开清单 10 宗" in done.output
    assert _sheet_rows(path.read_bytes()) == _sheet_rows(
        private_site.get("/public/idle-land.xlsx").content
    )
    refused = cli_in(
        "en", "export", "-f", "disclosure-xlsx", "--status", "planned", "--database-url", site.url
    )
    assert refused.exit_code != 0
    assert "--status" in refused.output and "public list" in refused.output


def test_the_columns_setting_decides_what_the_page_workbook_and_pdf_show(site, tmp_path):
    settings = site.settings(
        read_requires_login=True, disclosure_columns=["parcel_code", "area_mu"]
    )
    with TestClient(create_app(settings)) as client:
        html = client.get("/public/idle-land").text
        assert re.findall(r'data-column="([^"]+)"', html) == ["parcel_code", "area_mu"]
        assert _holder(site, MARKED) not in html
        rows = _sheet_rows(client.get("/public/idle-land.xlsx").content)
        assert rows[2] == ("宗地编号", "面积(亩)")
        assert rows[-1][0] == "合计:10 宗"
        path = tmp_path / "columns.pdf"
        path.write_bytes(client.get("/public/idle-land.pdf").content)
        text = unspaced("".join(pdf_pages(path)))
        assert "序号宗地编号面积(亩)1" in text
        assert unspaced(_holder(site, MARKED)) not in text
        assert "宗地位置" not in text and "土地使用权人" not in text


def test_the_pdf_shows_the_list_and_answers_without_a_login(site, private_site, tmp_path):
    listed = _listed(site)
    answer = private_site.get("/public/idle-land.pdf")
    assert answer.status_code == 200
    assert answer.headers["content-type"] == "application/pdf"
    assert answer.headers["cache-control"] == "public, max-age=300"
    assert "set-cookie" not in answer.headers
    disposition = answer.headers["content-disposition"]
    assert f"idle-land_{listed.as_of.isoformat()}.pdf" in disposition
    path = tmp_path / "public.pdf"
    path.write_bytes(answer.content)
    pages = [unspaced(p) for p in pdf_pages(path)]
    text = "".join(pages)
    today = wallclock.today()
    assert pages[0].startswith(
        f"青溪县闲置土地信息公开截至{today.year}年{today.month}月{today.day}日"
    )
    assert listed.count == 10
    for row in listed.rows:
        assert row["parcel_code"] in text and unspaced(row["location"]) in text
    assert unspaced(_holder(site, DISMISSED)) not in text
    assert unspaced(_holder(site, SUSPECTED)) not in text
    assert f"合计:{listed.count}宗{listed.total_mu:.2f}" in text
    assert cjk_fonts(path) and all(embedded for _name, embedded in cjk_fonts(path))
    viewer = {"Authorization": f"Bearer {site.tokens['viewer1']}"}
    staff = private_site.get("/api/exports/disclosure.pdf", headers=viewer)
    assert staff.headers["content-type"] == "application/pdf"
    staff_path = tmp_path / "staff.pdf"
    staff_path.write_bytes(staff.content)
    assert [unspaced(p) for p in pdf_pages(staff_path)] == pages


def test_the_command_line_writes_the_same_pdf(site, private_site, cli_in, tmp_path):
    path = tmp_path / "公开清单.pdf"
    done = cli_in(
        "zh", "export", "-f", "disclosure-pdf", "--database-url", site.url, "--out", str(path)
    )
    assert done.exit_code == 0, done.output
    assert "已导出公开清单 10 宗" in done.output
    public = tmp_path / "public.pdf"
    public.write_bytes(private_site.get("/public/idle-land.pdf").content)
    assert pdf_pages(path) == pdf_pages(public)
    english = tmp_path / "english.pdf"
    done = cli_in(
        "en", "export", "-f", "disclosure-pdf", "--database-url", site.url, "-o", str(english)
    )
    assert done.exit_code == 0, done.output
    assert pdf_pages(english)[0].startswith("Idle land in 青溪县: public list")
    refused = cli_in(
        "en", "export", "-f", "disclosure-pdf", "--paper", "A3", "--database-url", site.url
    )
    assert refused.exit_code != 0
    assert "--paper" in refused.output
