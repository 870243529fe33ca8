"""Rendering a page: the templates (with the layout's globals and the display filters),
the notices carried to the next page (:func:`flash`), and the page saying why a request
was refused.

Every page is rendered by :func:`render`; a ``?lang=`` choice is kept in a cookie.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from api.security import csp_nonce
from api.web import display
from api.web.i18n import LANGUAGES
from api.web.layout import UI, remember_language, ui_for
from landgis.errors import LandGISError
from landgis.maps import STATUS_COLOURS

WEB_DIR = Path(__file__).resolve().parent
TEMPLATES_DIR = WEB_DIR / "templates"
STATIC_DIR = WEB_DIR / "static"  # mounted at /static/app by create_app
templates = Jinja2Templates(directory=TEMPLATES_DIR)

# Every page (the login page too) extends the layout, which calls these.
templates.env.globals.update(ui_for=ui_for, status_colours=STATUS_COLOURS, csp_nonce=csp_nonce)
templates.env.filters.update(
    number=display.number,
    day=display.day,
    mu=display.mu,
    fit=display.fit,
    when=display.when,
)


def render(
    request: Request, name: str, context: dict[str, Any], status_code: int = 200
) -> HTMLResponse:
    """Render a page; a ``?lang=`` choice is kept in a cookie for the next pages."""
    ui = context.get("ui") or ui_for(request)
    flashes = request.session.pop("flash", None) or []
    response = templates.TemplateResponse(
        request, name, {"ui": ui, "flashes": flashes, **context}, status_code=status_code
    )
    chosen = request.query_params.get("lang")
    if chosen in LANGUAGES:
        remember_language(response, chosen)
    return response


def flash(request: Request, key: str, **values: Any) -> None:
    """A notice (a catalogue key and its values) shown on the next page rendered."""
    request.session.setdefault("flash", [])
    request.session["flash"] = [*request.session["flash"], {"key": key, "values": values}]


def refused(request: Request, ui: UI, error: LandGISError, status_code: int) -> HTMLResponse:
    """The error page, saying in the user's language why the request was refused."""
    return render(
        request, "error.html", {"ui": ui, "message": ui.t.message(error)}, status_code=status_code
    )
