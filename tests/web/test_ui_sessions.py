"""Sessions in Chromium: a form submitted after the session ended keeps what the clerk
typed through the login; a clerk ends a session of theirs elsewhere; an administrator
demotes an editor, logs them out, and reads the audit log."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import update
from ui_conftest import UISite, serve_ui_site, text_of, ui_page  # noqa: F401

from landgis.db.models import UserSession
from landgis.db.session import transaction

CASE = "QX-XZ-2023-011"


def _end_every_session(site: UISite) -> None:
    """What an idle timeout does, at once: every session ended on the server."""
    with transaction(site.engine) as session:
        session.execute(
            update(UserSession)
            .where(UserSession.ended_at.is_(None))
            .values(ended_at=UserSession.created_at, end_reason="idle")
        )


def test_a_form_sent_after_the_session_ended_comes_back_filled_in(
    browser, ui_site: UISite, artifacts: Path
):
    before = ui_site.case(CASE)
    typed = "现场核查:厂房已部分出租,需补充租赁合同(会话过期后提交)"
    with ui_page(browser, ui_site) as p:
        p.login("editor1", f"/cases/{CASE}")
        panel = p.page.locator("details#edit, details.edit").first
        if panel.get_attribute("open") is None:
            panel.locator("summary").click()
        form = p.page.locator(f"form[action='/cases/{CASE}/edit']")
        form.locator("[name=field_remarks]").fill(typed)
        _end_every_session(ui_site)
        with p.page.expect_navigation():
            form.locator("button[type=submit]").click()
        assert "/login" in p.page.url
        assert "尚未提交" in text_of(p.page.locator("main"))
        assert ui_site.case(CASE)["remarks"] == before["remarks"]
        p.page.fill("#username", "editor1")
        p.page.fill("#password", "correct horse battery")
        with p.page.expect_navigation():
            p.page.click("form.login-card button[type=submit]")
        p.page.wait_for_selector(".resumed")
        assert p.page.url.endswith(f"/cases/{CASE}")  # the #resume mark is gone
        restored = p.page.locator(f"form[action='/cases/{CASE}/edit'] [name=field_remarks]")
        assert restored.input_value() == typed
        assert ui_site.case(CASE)["remarks"] == before["remarks"]  # still not applied
        p.shot(artifacts, "session-resumed-form")
        with p.page.expect_navigation():
            p.page.locator(f"form[action='/cases/{CASE}/edit'] button[type=submit]").click()
        assert ui_site.case(CASE)["remarks"] == typed
        p.page.reload()
        assert p.page.locator(".resumed").count() == 0  # kept input is used once only
        p.assert_clean()


def test_a_clerk_ends_their_session_on_another_computer(browser, ui_site: UISite):
    with ui_page(browser, ui_site) as office, ui_page(browser, ui_site) as home:
        office.login("editor2", "/account")
        home.login("editor2", "/")
        office.goto("/account")
        rows = office.page.locator("#sessions tbody tr")
        assert rows.count() == 2
        other = office.page.locator("#sessions tbody tr:not(.current)")
        with office.page.expect_navigation():
            other.locator("button[type=submit]").click()
        assert office.page.locator("#sessions tbody tr").count() == 1
        home.goto("/account")
        assert "/login" in home.page.url
        office.assert_clean()


def test_an_administrator_demotes_an_editor_and_reads_the_audit_log(
    browser, ui_site: UISite, artifacts: Path
):
    with ui_page(browser, ui_site) as admin, ui_page(browser, ui_site) as editor:
        editor.login("editor2", f"/cases/{CASE}")
        assert editor.page.locator("#actions details").count() > 0
        admin.login("admin1", "/admin/users")
        row = admin.page.locator("tr[data-user=editor2]")
        row.locator("select[name=role]").select_option("viewer")
        with admin.page.expect_navigation():
            row.locator("form:has(select) button[type=submit]").click()
        assert "已更新" in text_of(admin.page.locator("main"))
        editor.goto(f"/cases/{CASE}")
        assert editor.page.locator("#actions details").count() == 0  # a viewer now
        row = admin.page.locator("tr[data-user=editor2]")
        with admin.page.expect_navigation():
            row.locator("button[value=logout]").click()
        editor.goto("/account")
        assert "/login" in editor.page.url
        admin.shot(artifacts, "admin-users")
        admin.goto("/admin/audit?user=editor2")
        actions = {
            r.get_attribute("data-action")
            for r in admin.page.locator("#audit-table tbody tr").all()
        }
        assert {"login", "role_changed", "session_ended"} <= actions
        admin.shot(artifacts, "admin-audit")
        admin.assert_clean()
        editor.assert_clean()
