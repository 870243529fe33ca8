"""Uploading a year's enterprise figures: the report, the refusals, editors only, and
nothing written on any refusal."""

from __future__ import annotations

import io
from typing import Any

import openpyxl
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from landgis.db.models import EnterpriseFigures
from landgis.db.session import transaction

HONGYUAN = ("四川宏远新能源科技有限公司", "9151990174094332X6")
LIANCHUANG = ("四川联创金属制品有限公司", "915199019722851356")
WRONG_CODE = "915199019722851350"  # 联创's, its check character 6 written 0
URL = "/api/efficiency/imports"


@pytest.fixture(scope="module")
def site(databases):
    demo = databases.demo(
        {"importer": "editor", "looker": "viewer"},
        password="figures-password",
        tokens=["importer", "looker"],
    )
    with TestClient(create_app(demo.settings(import_max_mb=1))) as client:
        yield {
            "client": client,
            "engine": demo.engine,
            "editor": {"Authorization": f"Bearer {demo.tokens['importer']}"},
            "viewer": {"Authorization": f"Bearer {demo.tokens['looker']}"},
        }


def _xlsx(rows: list[list[Any]]) -> bytes:
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _rows(site, year: int = 2023) -> list[tuple]:
    with transaction(site["engine"]) as session:
        found = session.execute(
            select(EnterpriseFigures.year, EnterpriseFigures.name, EnterpriseFigures.tax_yuan)
            .where(EnterpriseFigures.year == year)
            .order_by(EnterpriseFigures.source_row)
        )
        return [tuple(row) for row in found]


HEADER = ["企业名称", "统一社会信用代码", "税收(万元)"]
GOOD = _xlsx(
    [HEADER, [*HONGYUAN, 12.5], [*LIANCHUANG, 3], ["四川联创金属制品有限责任公司", None, 1]]
)


def test_an_editor_imports_a_year_after_a_dry_run(site):
    client = site["client"]
    demo_2023, demo_2022 = _rows(site), _rows(site, 2022)  # the demo county's figures
    dry = client.post(
        URL,
        files={"file": ("2023年度.xlsx", GOOD)},
        data={"year": "2023", "dry_run": "true"},
        headers=site["editor"],
    )
    assert dry.status_code == 200, dry.text
    assert dry.json()["dry_run"] is True and dry.json()["stored"] == 3
    assert _rows(site) == demo_2023

    done = client.post(
        URL, files={"file": ("2023年度.xlsx", GOOD)}, data={"year": "2023"}, headers=site["editor"]
    )
    assert done.status_code == 200, done.text
    report = done.json()
    assert report["source"] == "2023年度.xlsx" and report["year"] == 2023
    assert [m["credit_code"] for m in report["matched_by_code"]] == [HONGYUAN[1], LIANCHUANG[1]]
    assert report["unmatched"] == [
        {
            "row": 4,
            "name": "四川联创金属制品有限责任公司",
            "credit_code": None,
            "matched_by": "none",
            "parcels": [],
            "near_misses": [LIANCHUANG[0]],
        }
    ]
    assert report["replaced"] == len(demo_2023)
    assert _rows(site) == [
        (2023, HONGYUAN[0], 125000.0),
        (2023, LIANCHUANG[0], 30000.0),
        (2023, "四川联创金属制品有限责任公司", 10000.0),
    ]
    assert _rows(site, 2022) == demo_2022  # another year untouched


def test_a_wrong_check_character_is_422_naming_the_row_and_the_character(site):
    before = _rows(site)
    body = _xlsx([HEADER, [*HONGYUAN, 1], [LIANCHUANG[0], WRONG_CODE, 1]])
    response = site["client"].post(
        URL, files={"file": ("wrong.xlsx", body)}, data={"year": "2023"}, headers=site["editor"]
    )
    assert response.status_code == 422, response.text
    refused = response.json()
    assert refused["message"].startswith(f"第 3 行:统一社会信用代码 {WRONG_CODE} 校验位不符")
    assert "should be 6, not 0" in refused["message_en"]
    assert refused["report"]["accepted"] is False
    assert refused["report"]["problems"][0]["row"] == 3
    assert _rows(site) == before


@pytest.mark.parametrize(
    ("name", "content", "fields", "status", "said"),
    [
        ("figures.pdf", b"%PDF-1.4", {"year": "2023"}, 415, "不支持的文件类型 .pdf"),
        ("big.csv", b"x" * (2 << 20), {"year": "2023"}, 413, "超过 1 MB"),
        ("empty.xlsx", b"", {"year": "2023"}, 422, "上传的文件是空的"),
        ("broken.xlsx", b"PK\x03\x04 not a workbook", {"year": "2023"}, 422, "已损坏"),
        ("figures.xlsx", GOOD, {}, 422, "year"),
        ("figures.xlsx", GOOD, {"year": "2999"}, 422, "年度应在 1990 至"),
        ("parcels.csv", "宗地编号,面积\nA,1\n".encode(), {"year": "2023"}, 422, "找不到表头"),
    ],
)
def test_a_bad_upload_is_4xx_with_a_clear_message_and_writes_nothing(
    site, name, content, fields, status, said
):
    before = _rows(site)
    response = site["client"].post(
        URL, files={"file": (name, content)}, data=fields, headers=site["editor"]
    )
    assert response.status_code == status, response.text
    body = response.json()
    assert said in body["message"] + str(body.get("problems", "")), body
    assert body["message_en"] and body["message_en"] != body["message"]
    assert _rows(site) == before


def test_a_mapping_file_comes_with_the_upload(site):
    mapping = "纳税人: name\n本年税金: {field: tax_yuan, unit: 千元}\n".encode()
    body = _xlsx([["纳税人", "本年税金"], [HONGYUAN[0], 7]])
    response = site["client"].post(
        URL,
        files={"file": ("2022.xlsx", body), "mapping": ("对照.yaml", mapping)},
        data={"year": "2022"},
        headers=site["editor"],
    )
    assert response.status_code == 200, response.text
    assert response.json()["matched_by_name"][0]["name"] == HONGYUAN[0]
    assert _rows(site, 2022) == [(2022, HONGYUAN[0], 7000.0)]  # the year replaced


def test_only_editors_import(site, form_login):
    client = site["client"]
    before = _rows(site)
    files = {"file": ("figures.xlsx", GOOD)}
    anonymous = client.post(URL, files=files, data={"year": "2023"})
    assert anonymous.status_code == 401
    viewer = client.post(URL, files=files, data={"year": "2023"}, headers=site["viewer"])
    assert viewer.status_code == 403 and viewer.json()["message_en"]
    browser = TestClient(client.app)
    csrf = form_login(browser, "importer", "figures-password")
    forged = browser.post(URL, files=files, data={"year": "2021"})
    assert forged.status_code == 403
    assert _rows(site) == before
    sent = browser.post(URL, files=files, data={"year": "2021", "csrf_token": csrf})
    assert sent.status_code == 200, sent.text
    assert len(_rows(site, 2021)) == 3


def test_the_route_is_documented(site):
    schema = site["client"].get("/openapi.json").json()
    operation = schema["paths"][URL]["post"]
    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert {"file", "mapping", "year", "dry_run", "skip_invalid"} <= set(body["properties"])
    assert {"file", "year"} <= set(body["required"])
    assert {"401", "403", "413", "415", "422"} <= set(operation["responses"])
