"""Folium maps served as HTML pages."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import HTMLResponse

from api.deps import SessionDep, SettingsDep
from api.routers.parcels import FilterDep
from landgis.db.repository import zones_frame
from landgis.maps import ledger_map
from landgis.parcels import parcels_frame

router = APIRouter(tags=["maps"])


@router.get(
    "/map", summary="The ledger map (parcels coloured by status)", response_class=HTMLResponse
)
def ledger_map_page(session: SessionDep, settings: SettingsDep, filters: FilterDep) -> HTMLResponse:
    """A folium map of the filtered parcels with a legend and zone boundaries."""
    fmap = ledger_map(
        parcels_frame(session, filters), zones_frame(session), basemap=settings.basemap
    )
    return HTMLResponse(fmap.get_root().render())
