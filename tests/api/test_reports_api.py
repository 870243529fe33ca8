"""The monthly progress report (月度进展情况) over HTTP and from the command line."""

from __future__ import annotations

import io
import urllib.parse

import docx
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from landgis.cli import app as cli
from landgis.settings import Settings

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "青溪县低效闲置工业用地处置月度进展情况(2023年8月)"


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        test_client.database_url = url
        yield test_client


def test_the_word_document_downloads_with_the_month_in_its_name(client):
    response = client.get("/api/reports/monthly.docx", params={"month": "2023-08"})
    assert response.status_code == 200
    assert response.headers["content-type"] == DOCX
    disposition = response.headers["content-disposition"]
    assert 'filename="monthly_2023-08.docx"' in disposition
    assert urllib.parse.quote("月度进展_青溪县_2023-08.docx") in disposition
    document = docx.Document(io.BytesIO(response.content))
    assert document.paragraphs[0].text == TITLE
    assert len(document.tables[0].rows) == 1 + 13 + 1


def test_the_pdf_downloads_with_the_month_in_its_name(client):
    response = client.get("/api/reports/monthly.pdf", params={"month": "2023-08"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert 'filename="monthly_2023-08.pdf"' in response.headers["content-disposition"]


def test_the_report_speaks_english_when_asked(client):
    response = client.get("/api/reports/monthly.docx", params={"month": "2023-08", "lang": "en"})
    document = docx.Document(io.BytesIO(response.content))
    assert "monthly progress" in document.paragraphs[0].text
    assert document.tables[0].rows[0].cells[5].text == "Progress this month"


@pytest.mark.parametrize("ext", ["docx", "pdf"])
@pytest.mark.parametrize("month", ["2023-13", "2023/08", "soon"])
def test_a_bad_month_is_a_client_error_that_says_so(client, ext, month):
    response = client.get(f"/api/reports/monthly.{ext}", params={"month": month})
    assert response.status_code == 422  # InvalidInput, as every bad parameter
    assert "YYYY-MM" in response.text and month in response.text


def test_the_month_is_required(client):
    assert client.get("/api/reports/monthly.pdf").status_code == 422


def test_the_command_writes_either_format_by_the_extension(client, tmp_path):
    for name in ("august.docx", "august.pdf"):
        out = tmp_path / name
        result = CliRunner().invoke(
            cli,
            [
                *("report", "monthly", "--month", "2023-08", "--out", str(out)),
                "--database-url",
                client.database_url,
            ],
        )
        assert result.exit_code == 0, result.output
        assert "13 宗" in result.output and str(out) in result.output
    assert (tmp_path / "august.pdf").read_bytes().startswith(b"%PDF-")
    document = docx.Document(str(tmp_path / "august.docx"))
    assert document.paragraphs[0].text == TITLE


def test_the_command_refuses_a_bad_month_or_extension(client, tmp_path):
    for args in (["--month", "2023-13"], ["--month", "2023-08", "--out", str(tmp_path / "a.txt")]):
        result = CliRunner().invoke(
            cli, ["report", "monthly", *args, "--database-url", client.database_url]
        )
        assert result.exit_code != 0
        assert "YYYY-MM" in result.output or ".docx" in result.output
    assert not (tmp_path / "a.txt").exists()


WORK_TITLE = "青溪县低效闲置工业用地处置工作情况报告"
PERIOD = {"from": "2023-01-01", "to": "2023-08-31"}


def test_the_work_report_downloads_as_word_with_the_period_in_its_name(client):
    response = client.get("/api/reports/work.docx", params=PERIOD)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == DOCX
    disposition = response.headers["content-disposition"]
    assert 'filename="work_report_2023-01-01_2023-08-31.docx"' in disposition
    assert urllib.parse.quote("工作情况报告_青溪县_2023-01-01_2023-08-31.docx") in disposition
    document = docx.Document(io.BytesIO(response.content))
    texts = [p.text for p in document.paragraphs]
    assert texts[0] == WORK_TITLE
    assert any("建立13宗、539亩" in t and "盘活低效用地120亩" in t for t in texts)


def test_the_work_report_downloads_as_pdf_in_english(client):
    response = client.get("/api/reports/work.pdf", params={**PERIOD, "lang": "en"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    assert (
        'filename="work_report_2023-01-01_2023-08-31.pdf"'
        in response.headers["content-disposition"]
    )


@pytest.mark.parametrize(
    ("params", "words"),
    [
        ({"from": "2023-08-31", "to": "2023-01-01"}, "晚于"),
        ({"from": "2023-02-30"}, "from"),
        ({"to": "August"}, "to"),
    ],
)
def test_a_bad_period_is_a_client_error_that_says_so(client, params, words):
    response = client.get("/api/reports/work.docx", params=params)
    assert response.status_code == 422
    assert words in response.text


def test_the_work_report_command_writes_either_format_and_the_template(client, tmp_path):
    for name in ("work.docx", "work.pdf"):
        out = tmp_path / name
        result = CliRunner().invoke(
            cli,
            [
                *("report", "work", "--from", "2023-01-01", "--to", "2023-08-31"),
                *("--out", str(out), "--database-url", client.database_url),
            ],
        )
        assert result.exit_code == 0, result.output
        assert str(out) in result.output and "2023年1月1日至2023年8月31日" in result.output
    assert (tmp_path / "work.pdf").read_bytes().startswith(b"%PDF-")
    assert docx.Document(str(tmp_path / "work.docx")).paragraphs[0].text == WORK_TITLE
    template = tmp_path / "模板.docx"
    result = CliRunner().invoke(cli, ["report", "work-template", "--out", str(template)])
    assert result.exit_code == 0, result.output
    texts = "\n".join(p.text for p in docx.Document(str(template)).paragraphs)
    assert "{{ cases }}" in texts and "{{ ledger_mu }}" in texts
