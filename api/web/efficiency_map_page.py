"""The map of a year's per-mu evaluation (``/efficiency/map?year=``): the class map
(``/api/maps/efficiency.html``) full screen in an iframe, with the year picker and the
evaluation's tabs."""

from __future__ import annotations

from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from api.deps import ReaderDep, SessionDep
from api.web.efficiency_year import chosen_year
from api.web.layout import ui_for
from api.web.render import render

router = APIRouter(tags=["pages"], include_in_schema=False)

MAP_URL = "/api/maps/efficiency.html"


@router.get("/efficiency/map", response_class=HTMLResponse)
def efficiency_map_page(request: Request, session: SessionDep, _reader: ReaderDep) -> HTMLResponse:
    """The class map of the year chosen (the latest with figures by default)."""
    ui = ui_for(request)
    chosen = chosen_year(session, request.query_params.get("year"))
    context = {
        "ui": ui,
        "year": chosen.year,
        "years": chosen.years,
        "error": ui.t.message(chosen.error) if chosen.error is not None else None,
        "efficiency_tab": "map",
        "picker_action": "/efficiency/map",
        "map_src": f"{MAP_URL}?{urlencode({'year': chosen.year})}" if chosen.year else None,
    }
    return render(request, "efficiency_map.html", context, status_code=chosen.status_code)
