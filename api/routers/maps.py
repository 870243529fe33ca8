"""Folium maps served as HTML pages."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Cookie, Path, Query
from fastapi.responses import HTMLResponse

from api.deps import ReaderDep, SessionDep, SettingsDep
from api.routers.parcels import FilterDep
from api.web.i18n import COOKIE, language_of, map_labels
from landgis.db.repository import zones_frame
from landgis.maps import MapLabels, ledger_map, parcel_map, render
from landgis.parcel_view import parcel_view
from landgis.parcels import parcels_frame

router = APIRouter(tags=["maps"])

BasemapName = Literal["none", "osm", "tianditu", "amap"]
BasemapQuery = Annotated[
    BasemapName | None,
    Query(
        description="底图: none (无底图, 不访问外网), osm, tianditu (需配置密钥), "
        "amap (高德; 图形仅在显示时转换为 GCJ-02). Default: the `basemap` setting."
    ),
]

LangQuery = Annotated[
    str | None,
    Query(description="Language of the map's own texts: zh (default) or en."),
]
LangCookie = Annotated[str | None, Cookie(alias=COOKIE, include_in_schema=False)]


def _labels(lang: str | None, cookie: str | None) -> MapLabels:
    """The map texts in the language the pages use: ``lang``, else their cookie, else 中文."""
    return map_labels(language_of(lang, cookie))


@router.get(
    "/map", summary="The ledger map (parcels coloured by status)", response_class=HTMLResponse
)
def ledger_map_page(
    session: SessionDep,
    settings: SettingsDep,
    filters: FilterDep,
    _: ReaderDep,
    basemap: BasemapQuery = None,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> HTMLResponse:
    """A map of the filtered parcels by disposal status, with zones, legend and popups."""
    fmap = ledger_map(
        parcels_frame(session, filters),
        zones_frame(session),
        basemap=basemap or settings.basemap,
        tianditu_key=settings.tianditu_key,
        labels=_labels(lang, lang_cookie),
    )
    return HTMLResponse(render(fmap))


@router.get(
    "/map/parcels/{code}",
    summary="One parcel with its neighbours and factory buildings",
    response_class=HTMLResponse,
    responses={404: {"description": "No parcel has this code"}},
)
def parcel_map_page(
    code: Annotated[str, Path(description="宗地编号", max_length=64)],
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    basemap: BasemapQuery = None,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> HTMLResponse:
    """The parcel highlighted, parcels within 200 m greyed, its buildings by state."""
    fmap = parcel_map(
        parcel_view(session, code),
        basemap=basemap or settings.basemap,
        tianditu_key=settings.tianditu_key,
        labels=_labels(lang, lang_cookie),
    )
    return HTMLResponse(render(fmap))
