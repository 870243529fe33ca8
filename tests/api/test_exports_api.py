"""Ledger downloads over HTTP and from the command line, read back by openpyxl and GDAL."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
import urllib.parse
import zipfile
from pathlib import Path

import lxml.html
import openpyxl
import pyogrio
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from landgis.cli import app as cli
from landgis.settings import Settings


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        test_client.database_url = url
        yield test_client


def _case_numbers(workbook) -> list[str]:
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[2]]
    column = headers.index("台账编号")
    return [row[column] for row in sheet.iter_rows(min_row=3, values_only=True) if row[column]]


def test_the_workbook_downloads_with_its_name_and_rows(client):
    response = client.get("/api/exports/ledger.xlsx", params={"as_of": "2023-08-31"})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = response.headers["content-disposition"]
    assert "attachment" in disposition
    assert urllib.parse.quote("台账_青溪县_2023-08-31.xlsx") in disposition
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    assert len(_case_numbers(workbook)) == 13
    assert workbook.sheetnames[:3] == ["台账", "核心数据", "处置记录"]


def test_filters_narrow_every_format(client, tmp_path):
    disposing = client.get(
        "/api/exports/ledger.xlsx", params={"as_of": "2023-08-31", "status": "disposing"}
    )
    numbers = _case_numbers(openpyxl.load_workbook(io.BytesIO(disposing.content)))
    assert 0 < len(numbers) < 13
    csv = client.get("/api/exports/ledger.csv", params={"status": "disposing"})
    assert csv.content.startswith(b"\xef\xbb\xbf")
    shapefile = client.get("/api/exports/ledger.shp.zip", params={"encoding": "gbk"})
    names = zipfile.ZipFile(io.BytesIO(shapefile.content)).namelist()
    assert any(n.endswith(".cpg") for n in names) and any(n.endswith(".prj") for n in names)
    package = client.get("/api/exports/ledger.gpkg", params={"epsg": "4544"})
    (tmp_path / "ledger.gpkg").write_bytes(package.content)
    info = pyogrio.read_info(tmp_path / "ledger.gpkg")
    assert info["crs"] == "EPSG:4544"
    assert info["features"] == len(client.get("/api/cases").json()["items"])


@pytest.mark.parametrize(
    ("path", "params"),
    [
        ("/api/exports/ledger.docx", {}),
        ("/api/exports/ledger.gpkg", {"epsg": "3857"}),
        ("/api/exports/ledger.shp.zip", {"encoding": "latin-1"}),
    ],
)
def test_bad_formats_and_options_are_422(client, path, params):
    response = client.get(path, params=params)
    assert response.status_code == 422
    assert response.json()["message"]


def test_cli_export_writes_the_file(client, tmp_path):
    out = tmp_path / "ledger.xlsx"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "--as-of",
            "2023-08-31",
            "--out",
            str(out),
            "--database-url",
            client.database_url,
        ],
    )
    assert result.exit_code == 0, result.output
    assert len(_case_numbers(openpyxl.load_workbook(out))) == 13
    bad = CliRunner().invoke(cli, ["export", "-f", "docx", "--database-url", client.database_url])
    assert bad.exit_code == 2


def test_cli_export_into_a_folder_that_does_not_exist_creates_it(client, tmp_path, cli_in):
    out = tmp_path / "导出" / "2023" / "ledger.xlsx"
    args = ("export", "--as-of", "2023-08-31", "--out", str(out))
    result = cli_in("zh", *args, "--database-url", client.database_url)
    assert result.exit_code == 0, result.output
    assert f"已创建文件夹 {out.parent}" in result.output
    assert len(_case_numbers(openpyxl.load_workbook(out))) == 13
    public = tmp_path / "public" / "list.xlsx"
    args = ("export", "-f", "disclosure-xlsx", "--out", str(public))
    result = cli_in("en", *args, "--database-url", client.database_url)
    assert result.exit_code == 0, result.output
    assert f"Created the folder {public.parent}" in result.output
    assert openpyxl.load_workbook(public).sheetnames


def test_downloads_come_from_a_temporary_file_deleted_after_sending(client, tmp_path, monkeypatch):
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))
    for ext in ("xlsx", "csv", "gpkg"):
        response = client.get(f"/api/exports/ledger.{ext}", params={"as_of": "2023-08-31"})
        assert response.status_code == 200
        assert int(response.headers["content-length"]) == len(response.content) > 0
        if ext == "xlsx":
            assert len(_case_numbers(openpyxl.load_workbook(io.BytesIO(response.content)))) == 13
    refused = client.get("/api/exports/ledger.gpkg", params={"epsg": "3857"})
    assert refused.status_code == 422
    assert list(tmp_path.iterdir()) == []


def test_cli_export_without_out_names_the_file_by_county_and_date(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(
        cli,
        ["export", "-f", "csv", "--as-of", "2023-08-31", "--database-url", client.database_url],
    )
    assert result.exit_code == 0, result.output
    written = tmp_path / "台账_青溪县_2023-08-31.csv"
    assert written.read_bytes().startswith(b"\xef\xbb\xbf")
    assert len(written.read_text(encoding="utf-8-sig").splitlines()) == 14
    assert [p.name for p in tmp_path.iterdir()] == [written.name]


# --- the printed ledger (PDF) -----------------------------------------------------------

ZONE, ZONE_NAME = "QX-KFQ-LJ", "临江工业区"


def _pdf_text(content: bytes, tmp_path: Path, name: str = "printed.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(content)
    pdftotext = shutil.which("pdftotext")
    assert pdftotext, "pdftotext not found: run `scripts/system-deps.sh --test` (poppler-utils)"
    done = subprocess.run(
        [pdftotext, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return done.stdout


def _totals_line(text: str, label: str) -> list[str]:
    line = next(line for line in text.splitlines() if line.strip().startswith(label))
    return re.findall(r"\d+\.\d{2}", line)


def test_the_printed_ledger_downloads_as_a_pdf_with_the_stats_totals(client, tmp_path):
    response = client.get("/api/exports/ledger.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert 'filename="ledger_' in disposition and ".pdf" in disposition
    assert urllib.parse.quote("台账_青溪县_") in disposition
    text = _pdf_text(response.content, tmp_path)
    stats = client.get("/api/stats").json()
    assert _totals_line(text, f"合计:{stats['cases']} 宗") == [
        f"{stats['ledger_area_mu']:.2f}",
        f"{stats['revitalized_total_area_mu']:.2f}",
    ]
    for item in client.get("/api/cases").json()["items"]:
        assert item["parcel_code"] in text

    a4 = client.get("/api/exports/ledger.pdf", params={"as_of": "2023-08-31", "paper": "A4"})
    assert a4.status_code == 200
    assert urllib.parse.quote("台账_青溪县_2023-08-31.pdf") in a4.headers["content-disposition"]
    refused = client.get("/api/exports/ledger.pdf", params={"paper": "A5"})
    assert refused.status_code == 422


def test_a_zone_filter_gives_only_that_zones_rows_and_totals(client, tmp_path):
    response = client.get(
        "/api/exports/ledger.pdf", params={"as_of": "2023-08-31", "zone": ZONE, "lang": "zh"}
    )
    assert response.status_code == 200
    text = _pdf_text(response.content, tmp_path)
    stats = client.get("/api/stats", params={"zone": ZONE, "to": "2023-08-31"}).json()
    assert f"筛选条件:园区:{ZONE_NAME}" in text
    zone_cases = client.get("/api/cases", params={"zone": ZONE}).json()["items"]
    others = client.get("/api/cases").json()["items"]
    codes = {c["parcel_code"] for c in zone_cases}
    assert codes and len(codes) < len(others)
    for case in others:
        assert (case["parcel_code"] in text) == (case["parcel_code"] in codes)
    subtotals = [line.split()[0] for line in text.splitlines() if "小计:" in line]
    assert subtotals == [f"小计:{ZONE_NAME}"]
    assert _totals_line(text, f"合计:{stats['cases']} 宗") == [
        f"{stats['ledger_area_mu']:.2f}",
        f"{stats['revitalized_total_area_mu']:.2f}",
    ]
    english = client.get("/api/exports/ledger.pdf", params={"zone": ZONE, "lang": "en"})
    text = _pdf_text(english.content, tmp_path, "en.pdf")
    assert f"Filters: Zone: {ZONE_NAME}" in text and f"Total: {stats['cases']} cases" in text


def test_cli_exports_the_printed_ledger(client, tmp_path):
    out = tmp_path / "printed.pdf"
    result = CliRunner().invoke(
        cli,
        [
            "export",
            "-f",
            "pdf",
            "--as-of",
            "2023-08-31",
            "--zone",
            ZONE,
            "--paper",
            "A4",
            "--out",
            str(out),
            "--database-url",
            client.database_url,
        ],
    )
    assert result.exit_code == 0, result.output
    text = _pdf_text(out.read_bytes(), tmp_path, "read.pdf")
    assert "青溪县低效闲置工业用地处置台账" in text and f"小计:{ZONE_NAME}" in text
    assert out.read_bytes().startswith(b"%PDF-")
    bad = CliRunner().invoke(
        cli, ["export", "-f", "pdf", "--paper", "B5", "--database-url", client.database_url]
    )
    assert bad.exit_code != 0 and "B5" in bad.output


@pytest.mark.parametrize(
    ("lang", "label"), [("zh", "打印版台账(PDF)"), ("en", "Printed ledger (PDF)")]
)
def test_the_ledger_page_links_the_printed_ledger_with_its_filters(client, lang, label):
    page = client.get(
        "/ledger", params={"zone": ZONE, "status": "disposing", "as_of": "2023-08-31", "lang": lang}
    )
    assert page.status_code == 200
    links = lxml.html.fromstring(page.text).xpath('//div[@class="exports"]/a[@data-format="pdf"]')
    assert len(links) == 1
    link = links[0]
    assert link.text_content().strip() == label
    href = urllib.parse.urlsplit(link.get("href"))
    assert href.path == "/api/exports/ledger.pdf"
    assert urllib.parse.parse_qs(href.query) == {
        "zone": [ZONE],
        "status": ["disposing"],
        "as_of": ["2023-08-31"],
    }
    formats = lxml.html.fromstring(page.text).xpath('//div[@class="exports"]/a/@data-format')
    assert formats.index("pdf") == formats.index("kml") + 1  # next to the other exports
