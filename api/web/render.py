"""Rendering a page: the templates (with the layout's globals and the display filters),
the notices carried to the next page (:func:`flash`), and the page saying why a request
was refused.

Every page is rendered by :func:`render`; a ``?lang=`` choice is kept in a cookie. In a
template, ``_("中文 {x}", x=…)`` and ``pgettext(context, "中文")`` are the page's texts
in the request's language (the layout's :class:`~api.web.i18n.Translator`); templates
whose macros use them are imported ``with context``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from jinja2 import pass_context
from jinja2.runtime import Context

from api.security import csp_nonce
from api.web import display
from api.web.i18n import LANGUAGES
from api.web.layout import UI, remember_language, ui_for
from landgis.errors import LandGISError
from landgis.i18n import Text, listing
from landgis.maps import STATUS_COLOURS

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"  # mounted at /static/app by create_app
templates = Jinja2Templates(directory=TEMPLATES_DIR)


def _ui(context: Context) -> UI:
    ui = context.get("ui")
    return ui if isinstance(ui, UI) else ui_for(context["request"])


@pass_context
def _gettext(context: Context, message: Any, /, **values: Any) -> str:
    """``_`` in a template: a message in the language of the page's request."""
    return _ui(context).t(message, **values)


@pass_context
def _pgettext(context: Context, message_context: str, msgid: str, /, **values: Any) -> str:
    """``pgettext`` in a template: a message translated by where it is shown."""
    return _ui(context).t.pgettext(message_context, msgid, **values)


@pass_context
def _listed(context: Context, items: Any) -> str:
    """``|listed`` in a template: values as one list in the page's language (甲、乙; a, b)."""
    return _ui(context).t(listing(items))


# Every page (the login page too) extends the layout, which calls these.
templates.env.globals.update(
    ui_for=ui_for,
    status_colours=STATUS_COLOURS,
    csp_nonce=csp_nonce,
    severities=display.SEVERITIES,
    _=_gettext,
    pgettext=_pgettext,
)
templates.env.filters.update(
    number=display.number,
    day=display.day,
    mu=display.mu,
    fit=display.fit,
    when=display.when,
    listed=_listed,
)


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a page; a ``?lang=`` choice is kept in a cookie for the next pages."""
    ui = context.get("ui") or ui_for(request)
    flashes = [
        Text(item["msgid"], item.get("values") or {}, item.get("context"))
        for item in request.session.pop("flash", None) or []
        if isinstance(item, dict) and isinstance(item.get("msgid"), str)
    ]
    response = templates.TemplateResponse(
        request, name, {"ui": ui, "flashes": flashes, **context}, status_code=status_code
    )
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        remember_language(response, chosen)
    return response


def flash(request: Request, text: Text) -> None:
    """A notice shown on the next page rendered, in that page's language: kept in the
    session as its message, context and (plain) values."""
    notice = {"msgid": text.msgid, "values": dict(text.values), "context": text.context}
    request.session["flash"] = [*(request.session.get("flash") or []), notice]


def refused(request: Request, ui: UI, error: LandGISError, status_code: int) -> HTMLResponse:
    """The error page, saying in the user's language why the request was refused."""
    return render(
        request, "error.html", {"ui": ui, "message": ui.t.message(error)}, status_code=status_code
    )
