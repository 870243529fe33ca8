"""Fixtures of the staff UI tests: a fresh demo county with staff accounts, served on
127.0.0.1, and browser pages that refuse (and report) any request leaving landgis.

Test modules import what they use from here (the fixture ``ui_site`` as
``serve_ui_site``); the browser (Debian's Chromium, one per module) and the live server
come from ``conftest.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
from sqlalchemy import Engine

from api.main import create_app
from landgis.cases import case_values, get_case
from landgis.db.migrate import upgrade
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.settings import DEMO_DATA, Settings
from landgis.users import create_user

PASSWORD = "correct horse battery"
USERS = {
    # username: (role, display name)
    "editor1": ("editor", "张编辑"),
    "editor2": ("editor", "李编辑"),
    "viewer1": ("viewer", "王查看"),
    "admin1": ("admin", "赵管理"),
}
CAMPAIGN_TARGET_MU = 300.0
ATTACHMENT_MAX_MB = 1.0
DESKTOP = {"width": 1366, "height": 900}
TABLET = {"width": 820, "height": 1180}


@dataclass
class UISite:
    base: str
    url: str
    engine: Engine
    settings: Settings

    def case(self, case_no: str) -> dict[str, Any]:
        """The case as stored now."""
        with transaction(self.engine) as session:
            return case_values(get_case(session, case_no))


@pytest.fixture(scope="module", name="ui_site")
def serve_ui_site(databases, backend, live_server, tmp_path_factory) -> Iterator[UISite]:
    """A fresh demo county (written to by the tests of one module on one backend) with an
    editor, a second editor, a viewer and an administrator, served on 127.0.0.1."""
    url = databases.new_url()
    engine = databases.engine(url)
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
        for username, (role, display_name) in USERS.items():
            create_user(session, username, PASSWORD, role=role, display_name=display_name)
    settings = Settings(
        database_url=url,
        secret_key="ui-tests-secret",
        campaign_target_mu=CAMPAIGN_TARGET_MU,
        attachments_dir=tmp_path_factory.mktemp(f"attachments-{backend}"),
        attachment_max_mb=ATTACHMENT_MAX_MB,
    )
    with live_server(create_app(settings)) as base:
        yield UISite(base=base, url=url, engine=engine, settings=settings)


# --- a browser page that may only talk to landgis ------------------------------------------


@dataclass
class UIPage:
    """A page in its own browser context (its own cookies, so its own user) that records
    console errors and aborts every request outside the site."""

    page: Any
    base: str
    errors: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def route(self, route: Any) -> None:
        url = route.request.url
        if url.startswith(self.base + "/") or urlsplit(url).scheme in ("data", "blob"):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def goto(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("load")
        return response

    def login(self, username: str, next_path: str = "/") -> None:
        self.goto(f"/login?next={next_path}")
        self.page.fill("#username", username)
        self.page.fill("#password", PASSWORD)
        with self.page.expect_navigation():
            self.page.click("form.login-card button[type=submit]")
        assert "/login" not in self.page.url, self.page.locator("body").inner_text()

    def map_frame(self, selector: str) -> Any:
        """The map inside the iframe ``selector``, once Leaflet has drawn it."""
        frame = self.page.locator(selector)
        frame.scroll_into_view_if_needed()  # frames below the fold load lazily
        self.page.wait_for_function(
            """(selector) => {
                const frame = document.querySelector(selector);
                const inner = frame && frame.contentWindow;
                return !!(inner && inner.landgis && inner.document.readyState === "complete");
            }""",
            arg=selector,
        )
        return frame.element_handle().content_frame()

    def csrf(self) -> str:
        """The session's CSRF token, as the page carries it."""
        return self.page.locator("input[name=csrf_token]").first.get_attribute("value")

    def shot(self, artifacts: Path, name: str) -> None:
        self.page.screenshot(path=artifacts / f"ui-{name}.png", full_page=True)

    def assert_clean(self) -> None:
        assert self.outside == [], "requests outside landgis"
        assert self.errors == [], "console errors"


@contextmanager
def ui_page(browser: Any, site: UISite, *, viewport: dict | None = None) -> Iterator[UIPage]:
    """A fresh browser context (no cookies) on the site; every outside request fails."""
    context = browser.new_context(
        viewport=viewport or DESKTOP, locale="zh-CN", accept_downloads=True
    )
    page = context.new_page()
    recorder = UIPage(page=page, base=site.base)
    page.on("console", lambda m: m.type == "error" and recorder.errors.append(m.text))
    page.on("pageerror", lambda e: recorder.errors.append(f"pageerror: {e}"))
    context.route("**/*", recorder.route)
    try:
        yield recorder
    finally:
        context.close()


def text_of(locator: Any) -> str:
    """A locator's text with runs of white space folded."""
    return re.sub(r"\s+", " ", locator.inner_text()).strip()
