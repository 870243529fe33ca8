"""The HTML encoding of OGC API - Features (``f=html``, or a browser's ``Accept``): the
landing page, conformance, collections, one collection, a page of items and one item as
pages of the staff UI (its layout, language and Content Security Policy nonce).

The routes build the JSON documents as always (:mod:`api.routers.ogc`); the functions here
show them. The features' maps are drawn inside the pages by :mod:`landgis.maps` with
Leaflet from landgis itself; the map's one inline script carries the response's nonce.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Mapping, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.datastructures import URL

from api.ogc_format import GEOJSON, HTML, JSON
from api.security import allow_images_from, csp_nonce
from api.web.i18n import label_of as web_label_of
from api.web.i18n import map_labels
from api.web.layout import ui_for
from api.web.render import render
from landgis import features, schema
from landgis.efficiency.imports.columns import LABELS as FIGURE_LABELS
from landgis.efficiency.indicators import INDICATORS
from landgis.i18n import Localizable, Text, _, pgettext, term
from landgis.i18n.values import Label
from landgis.maps import resolve_basemap, tile_origins
from landgis.maps.features_map import extent_map, features_map
from landgis.maps.page import MapParts, render_parts
from landgis.ogc_crs import DEFAULT_CRS, Crs
from landgis.settings import Settings

# How the OpenAPI definition lists the HTML encoding of a 200 response.
HTML_CONTENT: dict[str, Any] = {HTML: {"schema": {"type": "string"}}}
HTML_RESPONSE: dict[int | str, dict[str, Any]] = {200: {"content": HTML_CONTENT}}

# The properties a page of items shows in its table (one item's page shows them all).
COLUMNS: dict[str, tuple[str, ...]] = {
    "parcels": ("project_name", "holder", "zone_name", "area_mu", "status", "case_no"),
    "cases": ("parcel_code", "status", "category", "route", "idle_area_mu", "deadline", "holder"),
    "zones": ("name", "kind", "parent_code", "area_ha"),
    "efficiency": ("year", "parcel_code", "name", "parcel_area_mu", "tax_per_mu", "score", "class"),
    "buildings": ("name", "kind", "state", "owner", "floor_area_m2", "zone_name", "occupancy_rate"),
    "projects": ("name", "investor", "industry", "land_need_mu", "floor_need_m2", "stage"),
}
# Properties whose values are codes of a vocabulary, shown by name.
VOCABULARY_OF = {
    "status": "status",
    "category": "category",
    "cause": "cause",
    "route": "route",
    "kind": "zone_kind",
}
# The same, where a collection's property of that name holds codes of another vocabulary.
COLLECTION_VOCABULARIES: dict[str, dict[str, str]] = {
    "buildings": {"kind": "building_kind", "state": "building_state"},
    "projects": {"stage": "project_stage"},
}
LABELS: dict[str, Localizable] = {
    "area_m2": schema.PARCEL_AREA,
    "parcel_area_m2": schema.PARCEL_AREA,
    "geodesic_area_m2": _("椭球面积"),
    "overdue": pgettext("column", "逾期"),
    "updated_at": _("更新时间"),
    "last_event_on": _("最近处置日期"),
    "kind_name": _("类型名称"),
}
ZONE_LABELS: dict[str, Localizable] = {
    "area_m2": _("片区面积"),
    "kind_name": LABELS["kind_name"],
}
EFFICIENCY_LABELS: dict[str, Localizable] = {
    **FIGURE_LABELS,
    **{indicator.key: indicator.label for indicator in INDICATORS},
    "parcel_count": _("宗地数"),
    "matched_by": _("匹配方式"),
    "area_mu": _("企业用地面积(亩)"),
    "score": _("得分"),
    "class": _("类别"),
    "previous_score": _("上年得分"),
    "previous_class": _("上年类别"),
    "trend": _("变化"),
}
BUILDING_LABELS: dict[str, Localizable] = {
    "id": _("厂房编号"),
    "name": _("厂房名称"),
    "kind": _("厂房类型"),
    "state": _("厂房状态"),
    "owner": _("产权人"),
    "owner_credit_code": _("统一社会信用代码"),
    "floors": _("层数"),
    "floor_area_m2": _("建筑面积"),
    "footprint_area_m2": _("占地面积"),
    "zone": _("片区编号"),
    "vacant_m2": _("空置面积"),
    "leased_m2": _("已出租面积"),
    "owner_occupied_m2": _("自用面积"),
    "under_construction_m2": _("在建面积"),
    "occupancy_rate": _("出租率"),
}
PROJECT_LABELS: dict[str, Localizable] = {
    "project_no": _("项目编号"),
    "name": _("项目名称"),
    "investor": _("投资方"),
    "investor_credit_code": _("统一社会信用代码"),
    "industry": _("产业类别"),
    "investment_wan_yuan": _("计划投资(万元)"),
    "land_need_m2": _("用地需求"),
    "floor_need_m2": _("厂房需求"),
    "preferred_zones": _("意向片区"),
    "stage": _("阶段"),
    "negotiating_on": _("洽谈日期"),
    "signed_on": _("签约日期"),
    "landed_on": _("落地日期"),
    "producing_on": _("投产日期"),
    "staff": _("招商负责人"),
    "case_nos": _("匹配台账编号"),
    "lease_nos": _("匹配租赁编号"),
}
OWN_LABELS: dict[str, dict[str, Localizable]] = {
    "buildings": BUILDING_LABELS,
    "projects": PROJECT_LABELS,
}
UNITS: dict[str, Text] = {
    "_m2": _("{label}(㎡)"),
    "_mu": _("{label}(亩)"),
    "_ha": _("{label}(公顷)"),
}
# Links shown as anchors to another page of this API (asked for in HTML).
PAGE_RELS = frozenset({"conformance", "data", "collection", "items", "next", "prev"})


def label(collection_id: str, name: str) -> Localizable:
    """The label of a feature property, with its unit (the name itself for a property
    landgis has no label for)."""
    found = _plain_label(collection_id, name)
    if isinstance(found, Label):
        for suffix in ("_mu", "_ha"):
            stem = name.removesuffix(suffix)
            base = _plain_label(collection_id, f"{stem}_m2") if stem != name else found
            if not isinstance(base, Label):
                return Text(UNITS[suffix].msgid, {"label": base})
        return found
    return Text(UNITS["_m2"].msgid, {"label": found}) if name.endswith("_m2") else found


def _plain_label(collection_id: str, name: str) -> Localizable:
    if collection_id == "zones":
        return ZONE_LABELS.get(name) or schema.label_of(name, schema.ZONE)
    if collection_id == "efficiency" and name in EFFICIENCY_LABELS:
        return EFFICIENCY_LABELS[name]
    if name in OWN_LABELS.get(collection_id, {}):
        return OWN_LABELS[collection_id][name]
    if name in LABELS:
        return LABELS[name]
    found = web_label_of(name)
    return found if not isinstance(found, Label) else schema.label_of(name, schema.PARCEL)


def page_href(link: Mapping[str, str]) -> str:
    """Where an anchor for ``link`` goes: pages of this API in HTML, anything else as it is."""
    if link.get("type") in (JSON, GEOJSON) and link.get("rel") in PAGE_RELS:
        return str(URL(link["href"]).include_query_params(f="html"))
    return link["href"]


def _page(
    request: Request,
    template: str,
    document: Mapping[str, Any],
    context: dict[str, Any],
    links: Sequence[Mapping[str, str]] | None = None,
) -> HTMLResponse:
    own = list(links if links is not None else document.get("links", ()))
    return render(
        request,
        template,
        {
            "document": document,
            "links": own,
            "alternates": [link for link in own if link["rel"] == "alternate"],
            "page_href": page_href,
            **context,
        },
    )


def _map(request: Request, draw: Any, *args: Any, **kwargs: Any) -> MapParts:
    """A map drawn by ``draw`` on the configured background, inside this response's page."""
    settings: Settings = request.app.state.settings
    background = resolve_basemap(settings.basemap, settings.tianditu_key)
    allow_images_from(request, tile_origins(background))
    fmap = draw(
        *args,
        basemap=settings.basemap,
        tianditu_key=settings.tianditu_key,
        labels=map_labels(ui_for(request).lang),
        **kwargs,
    )
    return render_parts(fmap, nonce=csp_nonce(request))


def landing(request: Request, document: Mapping[str, Any]) -> HTMLResponse:
    """The landing page: its title, description and links."""
    return _page(request, "ogc_landing.html", document, {})


def conformance(request: Request, document: Mapping[str, Any]) -> HTMLResponse:
    """The conformance classes."""
    return _page(request, "ogc_conformance.html", document, {})


def collections(request: Request, document: Mapping[str, Any]) -> HTMLResponse:
    """The collections, one row each."""
    return _page(request, "ogc_collections.html", document, {})


def collection(request: Request, document: Mapping[str, Any]) -> HTMLResponse:
    """One collection, with a map of its extent."""
    spatial = document.get("extent", {}).get("spatial")
    bbox = spatial["bbox"][0] if spatial else None
    return _page(request, "ogc_collection.html", document, {"map": _map(request, extent_map, bbox)})


def items(
    request: Request,
    collection_id: str,
    page: features.Page,
    links: list[dict[str, str]],
    crs: Crs,
) -> HTMLResponse:
    """A page of features: a table of their main properties, and a map of them."""
    found = [json.loads(text) for text in page.features]
    chosen = (
        COLUMNS.get(collection_id)
        or tuple(dict.fromkeys(name for f in found[:1] for name in f.get("properties") or {}))[:6]
    )
    collection_doc = features.get_collection(collection_id)
    title = collection_doc.title
    context = {
        "collection": collection_doc,
        "features": found,
        "columns": [(name, label(collection_id, name)) for name in chosen],
        "page": page,
        "item_href": lambda feature_id: _item_href(request, collection_id, feature_id),
        "value": functools.partial(value, collection=collection_id),
        "map": _features_map(request, found, crs, title),
        "crs": crs,
    }
    return _page(request, "ogc_items.html", {"links": links}, context)


def item(
    request: Request,
    collection_id: str,
    feature_text: str,
    links: list[dict[str, str]],
    crs: Crs,
) -> HTMLResponse:
    """One feature: its properties, labelled, and a map of it."""
    feature = json.loads(feature_text)
    properties = feature.get("properties") or {}
    collection_doc = features.get_collection(collection_id)
    context = {
        "collection": collection_doc,
        "feature": feature,
        "rows": [(name, label(collection_id, name), properties[name]) for name in properties],
        "value": functools.partial(value, collection=collection_id),
        "map": _features_map(request, [feature], crs, str(feature.get("id", ""))),
        "crs": crs,
    }
    return _page(request, "ogc_item.html", {"links": links}, context)


def _features_map(
    request: Request, found: Sequence[Mapping[str, Any]], crs: Crs, name: str
) -> MapParts | None:
    """The features on a map; None when their coordinates are not longitude/latitude."""
    if crs.uri != DEFAULT_CRS.uri:
        return None
    return _map(request, features_map, found, name=name)


def _item_href(request: Request, collection_id: str, feature_id: Any) -> str:
    url = request.url_for("ogc_item", collection_id=collection_id, feature_id=str(feature_id))
    return str(url.include_query_params(f="html"))


def value(name: str, raw: Any, lang: str, collection: str | None = None) -> str:
    """A property's value as shown: names of vocabulary codes (those of the
    ``collection``'s own vocabularies where it has them), yes or no, numbers with
    thousands separators; an em dash when there is none."""
    if raw is None or raw == "":
        return "—"
    if isinstance(raw, bool):
        return (_("是") if raw else _("否")).render(lang)
    vocabularies = VOCABULARY_OF | COLLECTION_VOCABULARIES.get(collection or "", {})
    if name in vocabularies and isinstance(raw, str):
        return term(vocabularies[name], raw).render(lang)
    if isinstance(raw, float):
        digits = 4 if name.endswith("_ha") else 2
        return f"{raw:,.{digits}f}"
    if isinstance(raw, int):
        return f"{raw:,}" if name.endswith(("_m2", "_mu")) else str(raw)
    if isinstance(raw, dict | list):
        return json.dumps(raw, ensure_ascii=False)
    return str(raw)
