"""Excel round trip: a ledger workbook exported, edited in a spreadsheet program and
imported back changes exactly the edited cases, through the workflow, all or nothing."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess

import openpyxl
import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.main import create_app
from landgis.cases import Actor
from landgis.cli import app as cli
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.errors import Conflict, InvalidInput
from landgis.io.exports import export_ledger
from landgis.io.ledger_import import import_ledger_workbook
from landgis.ledger import current_states
from landgis.ledger_service import LedgerService
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user, issue_token

CLERK = Actor("liting", "editor")
SETTINGS = Settings()


@pytest.fixture
def engine(databases):
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
    return engine


def _export(engine, path) -> None:
    with transaction(engine) as session:
        export_ledger(session, "xlsx", out=path)


def _edit(path, edits: dict[str, dict[str, object]]) -> None:
    """Change cells of the case rows named in ``edits`` by header, as a clerk would."""
    book = openpyxl.load_workbook(path)
    sheet = book["台账"]
    headers = {cell.value: cell.column for cell in sheet[2] if cell.value}
    for row in sheet.iter_rows(min_row=3):
        case_no = row[headers["台账编号"] - 1].value
        for header, value in edits.get(case_no, {}).items():
            row[headers[header] - 1].value = value
    book.save(path)


def _states(engine):
    with transaction(engine) as session:
        return current_states(session).set_index("case_no")


def test_edited_workbook_changes_exactly_the_edited_cases(engine, tmp_path):
    path = tmp_path / "ledger.xlsx"
    _export(engine, path)
    before = _states(engine)
    today = dt.date.today()
    _edit(
        path,
        {
            "QX-XZ-2023-012": {
                "处置状态": "方案已批复",
                "处置方式": "依法回购",
                "方案批复文号": "青府函〔2026〕3号",
            },
            "QX-XZ-2023-005": {
                "盘活面积(亩)": 30.0,
                "盘活日期": today,
                "承接企业": "四川新材料有限公司",
            },
            "QX-XZ-2023-001": {"处置状态": "已销号", "销号日期": today},
        },
    )
    if shutil.which("soffice"):  # saved again by a real spreadsheet program
        profile = tmp_path / "profile"
        subprocess.run(
            [
                "soffice",
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "xlsx",
                "--outdir",
                str(tmp_path / "saved"),
                str(path),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
        path = tmp_path / "saved" / "ledger.xlsx"

    with transaction(engine) as session:
        report = import_ledger_workbook(LedgerService(session, SETTINGS, CLERK), path)

    assert set(report.changed) == {"QX-XZ-2023-012", "QX-XZ-2023-005", "QX-XZ-2023-001"}
    after = _states(engine)
    changed = [n for n in before.index if not before.loc[n].equals(after.loc[n])]
    assert sorted(changed) == sorted(report.changed)
    assert after.loc["QX-XZ-2023-012", "status"] == "planned"
    assert after.loc["QX-XZ-2023-012", "route"] == "buyback"
    assert after.loc["QX-XZ-2023-005", "revitalized_area_m2"] == pytest.approx(30 * 2000 / 3)
    assert after.loc["QX-XZ-2023-005", "status"] == "disposing"
    assert after.loc["QX-XZ-2023-001", "status"] == "closed"
    assert after.loc["QX-XZ-2023-001", "closed_on"] == today
    for case_no in report.changed:
        assert after.loc[case_no, "version"] > before.loc[case_no, "version"]


def test_a_stale_row_refuses_the_whole_workbook(engine, tmp_path):
    path = tmp_path / "ledger.xlsx"
    _export(engine, path)
    with transaction(engine) as session:  # someone changes a case after the export
        from landgis.cases import edit_case, get_case

        version = get_case(session, "QX-XZ-2023-009").version
        edit_case(
            session,
            "QX-XZ-2023-009",
            version=version,
            actor=CLERK,
            occurred_on=dt.date.today(),
            fields={"responsible_unit": "县自然资源局"},
        )
    _edit(
        path,
        {"QX-XZ-2023-009": {"责任单位": "园区管委会"}, "QX-XZ-2023-010": {"备注": "已约谈企业"}},
    )
    before = _states(engine)

    with pytest.raises(Conflict) as raised, transaction(engine) as session:
        import_ledger_workbook(LedgerService(session, SETTINGS, CLERK), path)

    assert [p["case_no"] for p in raised.value.problems] == ["QX-XZ-2023-009"]
    assert _states(engine).equals(before)


def test_bad_values_and_forbidden_steps_are_reported_by_row(engine, tmp_path):
    path = tmp_path / "ledger.xlsx"
    _export(engine, path)
    _edit(path, {"QX-XZ-2023-011": {"处置状态": "已盘活"}, "QX-XZ-2023-010": {"完成时限": "明年"}})
    with pytest.raises(Conflict) as raised, transaction(engine) as session:
        import_ledger_workbook(LedgerService(session, SETTINGS, CLERK), path)
    kinds = {p["case_no"]: p["kind"] for p in raised.value.problems}
    assert kinds == {"QX-XZ-2023-011": "ForbiddenTransition", "QX-XZ-2023-010": "InvalidInput"}


def test_dry_run_reports_and_writes_nothing(engine, tmp_path):
    path = tmp_path / "ledger.xlsx"
    _export(engine, path)
    _edit(path, {"QX-XZ-2023-010": {"备注": "已约谈企业"}})
    before = _states(engine)
    with transaction(engine) as session:
        report = import_ledger_workbook(LedgerService(session, SETTINGS, CLERK), path, dry_run=True)
    assert list(report.changed) == ["QX-XZ-2023-010"]
    assert _states(engine).equals(before)


def test_not_a_ledger_workbook_is_refused(engine, tmp_path):
    path = tmp_path / "other.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["宗地编号", "面积"])
    book.save(path)
    with pytest.raises(InvalidInput, match="no 台账编号"), transaction(engine) as session:
        import_ledger_workbook(LedgerService(session, SETTINGS, CLERK), path)
    (tmp_path / "junk.xlsx").write_bytes(b"not a zip")
    with pytest.raises(InvalidInput, match="xlsx"), transaction(engine) as session:
        import_ledger_workbook(LedgerService(session, SETTINGS, CLERK), tmp_path / "junk.xlsx")


def test_the_round_trip_over_http_and_the_command_line(engine, tmp_path):
    url = engine.url.render_as_string(hide_password=False)
    with transaction(engine) as session:
        create_user(session, "liting", "a-good-password", role="editor")
        token = issue_token(session, "liting")
    path = tmp_path / "ledger.xlsx"
    _export(engine, path)
    _edit(path, {"QX-XZ-2023-010": {"备注": "现场核查完毕"}})
    with TestClient(create_app(Settings(database_url=url))) as client:
        files = {"file": ("台账.xlsx", path.read_bytes())}
        anonymous = client.post("/api/imports/ledger", files=files)
        assert anonymous.status_code == 401
        response = client.post(
            "/api/imports/ledger", files=files, headers={"Authorization": f"Bearer {token}"}
        )
        assert response.status_code == 200, response.text
        assert response.json()["cases_changed"] == 1
        again = client.post(
            "/api/imports/ledger", files=files, headers={"Authorization": f"Bearer {token}"}
        )
        assert again.json()["cases_changed"] == 0  # nothing differs any more
        _edit(path, {"QX-XZ-2023-010": {"备注": "另一处修改"}})
        stale = client.post(
            "/api/imports/ledger",
            files={"file": ("台账.xlsx", path.read_bytes())},
            headers={"Authorization": f"Bearer {token}"},
        )
        assert stale.status_code == 409, stale.text  # the workbook's version is now old
        assert stale.json()["problems"][0]["kind"] == "StaleVersion"
        events = client.get("/api/cases/QX-XZ-2023-010/events").json()
        assert events[-1]["actor"] == "liting"
    _export(engine, path)
    _edit(path, {"QX-XZ-2023-010": {"备注": "补充材料"}})
    dry = CliRunner().invoke(
        cli, ["import-ledger", str(path), "--dry-run", "--json", "--database-url", url]
    )
    assert dry.exit_code == 0, dry.output
    assert '"cases_changed": 1' in dry.output
