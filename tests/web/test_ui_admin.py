"""The administrator's backup page in Debian's Chromium: the link in the navigation, the
备份数据库 button downloading an archive, and the restore form putting it back; editors
see neither the link nor the page."""

from __future__ import annotations

import datetime as dt
import json
import zipfile
from pathlib import Path

from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from api.web.i18n import Translator
from landgis.cases import Actor, edit_case, get_case
from landgis.db.migrate import head_revision
from landgis.db.session import transaction

ZH, EN = Translator("zh"), Translator("en")
CASE_NO = "QX-XZ-2023-011"


def _edit_remarks(site: UISite, remarks: str) -> None:
    with transaction(site.engine) as session:
        case = get_case(session, CASE_NO)
        edit_case(
            session,
            CASE_NO,
            version=case.version,
            actor=Actor("editor1", "editor"),
            occurred_on=dt.date.today(),
            fields={"remarks": remarks},
        )


def test_an_administrator_backs_up_with_the_button_and_restores_with_the_form(
    browser, ui_site: UISite, backend: str, artifacts: Path, tmp_path: Path
):
    before = ui_site.case(CASE_NO)
    with ui_page(browser, ui_site) as p:
        p.login("admin1")
        p.page.click(f"nav.nav >> text={ZH('系统管理')}")
        p.page.wait_for_load_state("load")
        assert p.page.url.endswith("/admin")
        assert text_of(p.page.locator("h1")) == ZH("系统管理")
        assert text_of(p.page.locator("#admin-revision")) == head_revision()
        p.shot(artifacts, f"admin-zh-{backend}")

        with p.page.expect_download() as download_info:
            p.page.click(f"#backup-form button >> text={ZH('备份数据库')}")
        download = download_info.value
        assert download.suggested_filename.startswith("landgis-backup-")
        archive = tmp_path / download.suggested_filename
        download.save_as(archive)
        with zipfile.ZipFile(archive) as z:
            manifest = json.loads(z.read("manifest.json"))
        assert manifest["counts"]["cases"] == 13 and manifest["counts"]["users"] == 4
        assert manifest["backend"] == backend

        _edit_remarks(ui_site, "备份之后的改动")
        assert ui_site.case(CASE_NO)["remarks"] == "备份之后的改动"

        p.page.set_input_files("#restore-form input[type=file]", archive)
        p.page.check("#restore-form input[name=confirm]")
        with p.page.expect_navigation():
            p.page.click(f"#restore-form button >> text={ZH('恢复备份')}")
        assert "已恢复" in text_of(p.page.locator("#restored .flash"))
        assert ui_site.case(CASE_NO) == before
        p.shot(artifacts, f"admin-restored-{backend}")

        # Every session ended with the restore: the link leads to the login page.
        p.page.click(f"#restored a >> text={ZH('登录')}")
        p.page.wait_for_load_state("load")
        assert "/login" in p.page.url
        p.login("admin1", "/admin")
        p.goto("/admin?lang=en")
        assert text_of(p.page.locator("h1")) == EN("系统管理")
        assert EN("备份数据库") in text_of(p.page.locator("#backup-form"))
        p.shot(artifacts, f"admin-en-{backend}")
        p.assert_clean()


def test_an_editor_has_no_link_and_no_page(browser, ui_site: UISite):
    with ui_page(browser, ui_site) as p:
        p.login("editor1")
        assert ZH("系统管理") not in text_of(p.page.locator("nav.nav"))
        response = p.goto("/admin")
        assert response.status == 403
        assert "管理员权限" in text_of(p.page.locator("main"))
        assert p.outside == []  # (the 403 itself is the one console error)
