"""Folium maps served as HTML pages."""

from __future__ import annotations

from typing import Annotated, Literal
from urllib.parse import urlencode

import folium
from fastapi import APIRouter, Cookie, Path, Query, Request
from fastapi.responses import HTMLResponse

from api.deps import ReaderDep, ReadSessionDep, SessionDep, SettingsDep
from api.query_filters import FilterDep
from api.security import allow_images_from, csp_nonce
from api.web.i18n import COOKIE, language_of, map_labels
from landgis.db.repository import zones_frame
from landgis.efficiency.evaluation import FIRST_YEAR, LAST_YEAR, evaluate
from landgis.maps import (
    MapLabels,
    parcel_map,
    parse_view,
    render,
    resolve_basemap,
    tile_origins,
    with_nonce,
)
from landgis.maps.efficiency import efficiency_map
from landgis.maps.projects import project_map
from landgis.parcel_view import parcel_view
from landgis.parcels import parcels_frame
from landgis.projects.candidates import candidates
from landgis.projects.records import get_project
from landgis.tiled_map import ledger_page_map, parcel_popup

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


def map_response(
    request: Request, fmap: folium.Map, basemap: str, tianditu_key: str | None
) -> HTMLResponse:
    """``fmap`` as a page: its inline script carries this response's nonce, and its
    Content Security Policy allows images from the tile servers of ``basemap`` only."""
    allow_images_from(request, tile_origins(resolve_basemap(basemap, tianditu_key)))
    return HTMLResponse(render(fmap, nonce=csp_nonce(request)))


def kept_map_response(
    request: Request, page: str, placeholder: str, basemap: str, tianditu_key: str | None
) -> HTMLResponse:
    """A map page drawn earlier (:func:`landgis.maps.render_for_later`, its placeholder
    nonce ``placeholder``) served as :func:`map_response` serves a map: its inline script
    carries this response's nonce, images come from the tile servers of ``basemap`` only."""
    allow_images_from(request, tile_origins(resolve_basemap(basemap, tianditu_key)))
    return HTMLResponse(with_nonce(page, placeholder, csp_nonce(request)))


def _popup_url(lang: str | None, cookie: str | None) -> str:
    """Where the tiled map fetches a parcel's popup, in the page's language."""
    return f"/map/parcels/{{code}}/popup?{urlencode({'lang': language_of(lang, cookie)})}"


@router.get(
    "/map", summary="The ledger map (parcels coloured by status)", response_class=HTMLResponse
)
def ledger_map_page(
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    filters: FilterDep,
    _: ReaderDep,
    basemap: BasemapQuery = None,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
    view: Annotated[
        str | None,
        Query(
            max_length=60,
            description="lat,lon,zoom where the map opens (default: the filtered parcels)",
        ),
    ] = None,
) -> HTMLResponse:
    """A map of the filtered parcels by disposal status, with zones, legend and popups.

    Above `map_inline_max_parcels` filtered parcels the page draws them from the vector
    tiles (`/tiles/parcels/…`, same filters) from zoom 12 on, and fetches popups on click."""
    background = basemap or settings.basemap
    fmap = ledger_page_map(
        session,
        filters,
        inline_max_parcels=settings.map_inline_max_parcels,
        popup_url=_popup_url(lang, lang_cookie),
        basemap=background,
        tianditu_key=settings.tianditu_key,
        labels=_labels(lang, lang_cookie),
        view=parse_view(view),
    )
    return map_response(request, fmap, background, settings.tianditu_key)


@router.get(
    "/map/parcels/{code}/popup",
    summary="The popup of one parcel on the ledger map (an HTML fragment)",
    response_class=HTMLResponse,
    responses={404: {"description": "No parcel has this code"}},
)
def parcel_popup_fragment(
    code: Annotated[str, Path(description="宗地编号", max_length=64)],
    session: SessionDep,
    _: ReaderDep,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> HTMLResponse:
    """The case summary and link (or the parcel's facts and link), every value escaped."""
    return HTMLResponse(parcel_popup(session, code, _labels(lang, lang_cookie)))


@router.get(
    "/map/parcels/{code}",
    summary="One parcel with its neighbours and factory buildings",
    response_class=HTMLResponse,
    responses={404: {"description": "No parcel has this code"}},
)
def parcel_map_page(
    code: Annotated[str, Path(description="宗地编号", max_length=64)],
    request: Request,
    session: SessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    basemap: BasemapQuery = None,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> HTMLResponse:
    """The parcel highlighted, parcels within 200 m greyed, its buildings by state."""
    background = basemap or settings.basemap
    fmap = parcel_map(
        parcel_view(session, code),
        basemap=background,
        tianditu_key=settings.tianditu_key,
        labels=_labels(lang, lang_cookie),
    )
    return map_response(request, fmap, background, settings.tianditu_key)


@router.get(
    "/api/maps/efficiency.html",
    summary="The map of a year's per-mu evaluation (parcels coloured by class)",
    response_class=HTMLResponse,
    responses={404: {"description": "The year has no enterprises' figures"}},
)
def efficiency_map_page(
    request: Request,
    session: ReadSessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    year: Annotated[
        int, Query(ge=FIRST_YEAR, le=LAST_YEAR, description="The year evaluated", examples=[2023])
    ],
    basemap: BasemapQuery = None,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> HTMLResponse:
    """Every parcel held by an enterprise evaluated that year filled by its enterprise's
    class (A green, B blue, C orange, D red; grey without figures), one overlay per class,
    zones, a legend with each class's enterprises, parcels and 亩, and popups linking the
    evaluation's table and the parcel's case. 404 when the year has no figures."""
    background = basemap or settings.basemap
    evaluation = evaluate(session, settings.efficiency, year)
    fmap = efficiency_map(
        parcels_frame(session),
        zones_frame(session),
        evaluation,
        basemap=background,
        tianditu_key=settings.tianditu_key,
        labels=_labels(lang, lang_cookie),
    )
    return map_response(request, fmap, background, settings.tianditu_key)


@router.get(
    "/api/maps/project.html",
    summary="The map of a project's candidates (coloured by score band)",
    response_class=HTMLResponse,
    responses={
        404: {"description": "No project has this number"},
        409: {"description": "The project has neither a land nor a floor need"},
    },
)
def project_map_page(
    request: Request,
    session: ReadSessionDep,
    settings: SettingsDep,
    _: ReaderDep,
    project: Annotated[str, Query(max_length=32, description="项目编号", examples=["ZS-2024-001"])],
    basemap: BasemapQuery = None,
    lang: LangQuery = None,
    lang_cookie: LangCookie = None,
) -> HTMLResponse:
    """The project's candidates as :func:`landgis.projects.candidates.candidates` ranks
    them: the parcels of the cases offered and the standard buildings with vacant units
    (their footprints, else their parcels), filled by score band (80 and above green,
    60–80 orange, below 60 red), with zones, a legend, and popups with the score's parts,
    their reasons and a link to the case or the building."""
    background = basemap or settings.basemap
    language = language_of(lang, lang_cookie)
    chosen = get_project(session, project)
    found = candidates(session, chosen, settings.zone_industries)
    fmap = project_map(
        chosen.project_no,
        [item.to_dict(language) for item in found],
        zones_frame(session),
        basemap=background,
        tianditu_key=settings.tianditu_key,
        labels=map_labels(language),
    )
    return map_response(request, fmap, background, settings.tianditu_key)
