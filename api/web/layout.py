"""What every page knows: the language, who is logged in, the navigation and the links.

:func:`ui_for` reads them from the request (the language from ``?lang=``, else its cookie);
``/lang/{code}`` switches the language and goes back to the page.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from api.auth import Principal, csrf_token, resolve_principal
from api.web.i18n import COOKIE, LANGUAGES, Translator, language_of
from landgis.i18n import Text, _
from landgis.settings import Settings
from landgis.workflow import role_allows

router = APIRouter(tags=["pages"], include_in_schema=False)

LANG_COOKIE_MAX_AGE = 365 * 24 * 3600
NAV: tuple[tuple[str, Text, str], ...] = (
    # (path, label, least role; "" for everyone who may read)
    ("/", _("总览"), ""),
    ("/ledger", _("台账"), ""),
    ("/map-page", _("地图"), ""),
    ("/efficiency", _("亩均评价"), ""),
    ("/space", _("厂房租赁"), ""),
    ("/projects", _("招商项目"), ""),
    ("/import", _("导入宗地"), "editor"),
    ("/admin/users", _("用户管理"), "admin"),
    ("/admin", _("系统管理"), "admin"),
)


@dataclass
class UI:
    """What the layout needs on every page: the translator, who is logged in, the links."""

    request: Request
    t: Translator
    user: Principal | None
    county: str
    read_requires_login: bool

    @property
    def lang(self) -> str:
        return self.t.lang

    @property
    def html_lang(self) -> str:
        return "zh-CN" if self.t.lang == "zh" else "en"

    @property
    def can_edit(self) -> bool:
        return self.user is not None and role_allows(self.user.role, "editor")

    @property
    def csrf(self) -> str:
        return csrf_token(self.request)

    @property
    def path(self) -> str:
        query = [(k, v) for k, v in self.request.query_params.multi_items() if k != "lang"]
        return self.request.url.path + (f"?{urlencode(query)}" if query else "")

    @property
    def nav(self) -> list[dict[str, Any]]:
        if self.user is None and self.read_requires_login:
            return []
        here = self.request.url.path
        # The longest path this page is under: /admin/users is "users", not "admin".
        under = [p for p, _label, _role in NAV if here == p or (p != "/" and here.startswith(p))]
        chosen = max(under, key=len, default=None)
        items = []
        for path, label, role in NAV:
            if role and not (self.user and role_allows(self.user.role, role)):
                continue
            items.append({"href": path, "label": label, "current": path == chosen})
        return items

    def with_lang(self, url: str) -> str:
        """``url`` with this page's language, for the maps the page embeds in iframes."""
        return f"{url}{'&' if '?' in url else '?'}{urlencode({'lang': self.t.lang})}"

    def lang_url(self, code: str) -> str:
        return f"/lang/{code}?{urlencode({'next': self.path})}"

    @property
    def other_languages(self) -> list[tuple[str, str]]:
        return [(code, name) for code, name in LANGUAGES.items() if code != self.t.lang]

    @property
    def login_url(self) -> str:
        return "/login?" + urlencode({"next": self.path})


def ui_for(request: Request) -> UI:
    """The layout's view of ``request``: language (query, then cookie), user, county."""
    settings: Settings = request.app.state.settings
    lang = language_of(request.query_params.get("lang"), request.cookies.get(COOKIE))
    return UI(
        request=request,
        t=Translator(lang),
        user=resolve_principal(request),
        county=settings.county_name,
        read_requires_login=settings.read_requires_login,
    )


def remember_language(response: Response, code: str) -> None:
    """Keep the chosen language in a cookie for the next pages."""
    response.set_cookie(
        COOKIE, code, max_age=LANG_COOKIE_MAX_AGE, samesite="lax", httponly=True, path="/"
    )


def safe_next(target: str | None, default: str = "/") -> str:
    """Only a path on this site: never send the user elsewhere (``//host``, ``/\\host``)."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return default


@router.get("/lang/{code}")
def choose_language(code: str, next: str | None = None) -> RedirectResponse:
    """Switch the interface language and go back to the page."""
    response = RedirectResponse(safe_next(next), status_code=303)
    if code in LANGUAGES:
        remember_language(response, code)
    return response
