"""The rows an import refuses, on the import page in Debian's Chromium, on a county of the
demo's zones only (the file's parcels are the demo's own): a file of good and bad rows is
refused with the choice to skip the bad ones suggested; ticked, the second check imports
the rows that pass; either check links to the refused rows, downloaded through the
browser's session; the preview map is the one drawn at the check, the file not read again."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.error import HTTPError
from urllib.request import urlopen

import openpyxl
import pyogrio
import pytest
from messy_files import BadRows, bad_rows_among_good
from sqlalchemy import select
from test_ui_import import _without_refusals
from ui_conftest import PASSWORD, UISite, text_of, ui_page

from api.main import create_app
from api.web.i18n import Translator
from api.web.import_preview import PAGE
from api.web.import_staging import STAGING
from landgis import imports
from landgis.db.migrate import upgrade
from landgis.db.models import Parcel
from landgis.db.session import transaction
from landgis.demo import load_zones
from landgis.imports.rejects import ROW_COLUMN, SHEET
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user

pytestmark = pytest.mark.filterwarnings("ignore:'crs' was not provided")

ZH = Translator("zh")


@pytest.fixture(scope="module")
def zones_site(databases: Any, live_server: Any) -> Iterator[UISite]:
    """The demo county's zones and no parcel, an editor, served on 127.0.0.1."""
    url = databases.new_url()
    engine = databases.engine(url)
    upgrade(engine)
    with transaction(engine) as session:
        load_zones(session, DEMO_DATA)
        create_user(session, "editor1", PASSWORD, role="editor", display_name="张编辑")
    settings = Settings(database_url=url, secret_key="ui-tests-secret")
    with live_server(create_app(settings)) as base:
        yield UISite(base=base, url=url, engine=engine, settings=settings)


@pytest.fixture
def checks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Each file the pages read and check (the server runs in this process)."""
    seen: list[str] = []
    check_file = imports.check_file

    def counted(session: Any, path: Any, *args: Any, **kwargs: Any) -> imports.Checked:
        seen.append(str(path))
        return check_file(session, path, *args, **kwargs)

    monkeypatch.setattr(imports, "check_file", counted)
    return seen


def _refused_rows(bad: BadRows) -> list[int]:
    _first, again = bad.duplicated
    return sorted({*bad.overlapping, bad.empty, again})


def _stored_codes(site: UISite) -> list[str]:
    with transaction(site.engine) as session:
        return sorted(session.scalars(select(Parcel.parcel_code)))


def _workbook_rows(path: Path) -> list[int]:
    sheet = openpyxl.load_workbook(path)[SHEET]
    header, *rows = sheet.iter_rows(values_only=True)
    return [int(str(row[header.index(ROW_COLUMN)])) for row in rows]


def _download(p: Any, selector: str, folder: Path) -> tuple[str, Path]:
    """Click a download link; the name the browser was given and the file saved."""
    with p.page.expect_download() as info:
        p.page.locator(selector).click()
    download = info.value
    path = folder / f"browser-{download.suggested_filename}"
    download.save_as(path)
    return download.suggested_filename, path


def _token(p: Any) -> str:
    """The staged file's token, as the form to check it again posts to."""
    action = p.page.locator("#import-recheck").get_attribute("action")
    return action.split("/")[2]


def _submit(p: Any, selector: str) -> int:
    with p.page.expect_navigation() as navigation:
        p.page.locator(selector).click()
    return navigation.value.status


def test_bad_rows_are_skipped_on_request_and_handed_back(
    browser: Any,
    zones_site: UISite,
    backend: str,
    artifacts: Path,
    tmp_path: Path,
    checks: list[str],
) -> None:
    bad = bad_rows_among_good(tmp_path)
    refused_rows = _refused_rows(bad)
    good_codes = sorted(
        str(code)
        for row, code in enumerate(pyogrio.read_dataframe(bad.path)["宗地编号"], start=1)
        if row not in refused_rows
    )
    with ui_page(browser, zones_site) as p:
        p.login("editor1", "/import")
        form = p.page.locator("#import-form")
        assert not form.locator("input[name=skip_invalid]").is_checked()
        form.locator("input[name=file]").set_input_files(str(bad.path))
        assert _submit(p, "#import-form button[type=submit]") == 422
        assert len(checks) == 1
        token = _token(p)
        assert not (STAGING / token / PAGE).exists(), "a refused file has no preview"

        # Refused: the rows with errors named, skipping them suggested (not chosen).
        errors = p.page.locator("#import-problems tr.severity-error")
        assert errors.count() == len(refused_rows)
        notice = text_of(p.page.locator("#import-suggested"))
        skip = ZH(
            "也可勾选“跳过有错误的行,只导入通过检查的行”,先导入通过检查的 {count} 行", count=4
        )
        assert skip in notice
        recheck = p.page.locator("#import-recheck")
        assert recheck.locator("label.suggested input[name=skip_invalid]").count() == 1
        assert not recheck.locator("input[name=skip_invalid]").is_checked()
        assert p.page.locator("#import-confirm").count() == 0

        # The refused rows, downloaded through the browser's session.
        said = text_of(p.page.locator("#import-rejects"))
        assert (
            ZH(
                "有错误的 {rows} 行已写入退回文件(保留 {hours} 小时),改正后可再次导入:",
                rows=len(refused_rows),
                hours=24,
            )
            in said
        )
        name, path = _download(p, "#import-rejects-workbook", tmp_path)
        assert name == "宗地_含问题行_退回.xlsx"
        assert _workbook_rows(path) == refused_rows
        p.shot(artifacts, f"import-rejects-refused-{backend}")

        # Ticked and checked again: the rows that pass go in, the others are counted.
        recheck.locator("input[name=skip_invalid]").check()
        assert _submit(p, "#import-recheck button[type=submit]") == 200
        assert len(checks) == 2
        assert text_of(p.page.locator("#import-count")) == "4"
        assert text_of(p.page.locator("#import-skipped")) == ZH(
            "通过检查的 {count} 行将导入,有错误的 {refused} 行不导入。", count=4, refused=4
        )
        assert ZH("跳过有错误的行") in text_of(p.page.locator("#import-chosen"))
        assert p.page.locator("#import-recheck input[name=skip_invalid]").is_checked()
        assert p.page.locator("#import-suggested").count() == 0
        name, path = _download(p, "#import-rejects-workbook", tmp_path)
        assert _workbook_rows(path) == refused_rows
        # The GeoPackage, fetched with the browser's cookies; not without them.
        link = p.page.locator("#import-rejects-geopackage").get_attribute("href")
        fetched = p.page.context.request.get(zones_site.base + link)
        assert fetched.status == 200
        assert "%E9%80%80%E5%9B%9E.gpkg" in fetched.headers["content-disposition"]  # 退回
        gpkg = tmp_path / "fetched.gpkg"
        gpkg.write_bytes(fetched.body())
        assert sorted(pyogrio.read_dataframe(gpkg)[ROW_COLUMN]) == refused_rows
        with pytest.raises(HTTPError) as anonymous:
            urlopen(zones_site.base + link)
        assert anonymous.value.code == 401

        # The preview is the map drawn at the check: the file is not read again.
        assert (STAGING / token / PAGE).is_file()
        preview = p.map_frame("#import-preview")
        drawn = preview.evaluate("() => Object.keys(window.landgis.parcels).sort()")
        assert drawn == good_codes
        nonces = []
        for _ in range(2):  # served as drawn, with each response's own nonce
            served = p.page.context.request.get(f"{zones_site.base}/import/{token}/preview")
            nonce = re.search(r'<script nonce="([^"]+)">', served.text()).group(1)
            assert f"'nonce-{nonce}'" in served.headers["content-security-policy"]
            assert served.headers["x-frame-options"] == "SAMEORIGIN"
            nonces.append(nonce)
        assert nonces[0] != nonces[1]
        assert len(checks) == 2
        p.shot(artifacts, f"import-rejects-skipped-{backend}")
        p.page.locator("#import-report").screenshot(
            path=artifacts / f"ui-import-rejects-report-{backend}.png"
        )

        # Confirmed: the good rows are stored, the others said to be left out.
        assert _submit(p, "#import-confirm button[type=submit]") == 200
        assert len(checks) == 3
        flashes = [text_of(f) for f in p.page.locator(".flash").all()]
        assert ZH("另有 {refused} 行有错误,未导入。", refused=4) in flashes
        assert _stored_codes(zones_site) == good_codes
        assert not (STAGING / token).exists()
        p.errors = _without_refusals(p.errors, 422)
        p.assert_clean()
