"""Which encoding an OGC API - Features resource is answered in: JSON (GeoJSON for
features) or HTML, and the ``self``/``alternate`` links that go with it.

An explicit ``f`` decides (``json``, ``geojson`` where features are served, ``html``);
without one, the ``Accept`` header does: HTML only when it prefers ``text/html`` to JSON,
as a browser's does (``text/html,application/xhtml+xml,…,*/*;q=0.8``). No header,
``*/*`` and the JSON media types keep JSON, so QGIS, GDAL and OWSLib are answered as before.
The choice is kept on the request (``request.state``) for the links of the document.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import URL

from landgis.errors import InvalidInput
from landgis.i18n import _

HTML = "text/html"
JSON = "application/json"
GEOJSON = "application/geo+json"
JSON_FORMATS = ("json", "geojson")
_STATE = "ogc_html"
_HTML_TYPES = (HTML, "application/xhtml+xml")
_JSON_TYPES = (JSON, GEOJSON)


def wants_html(request: Request, f: str | None) -> bool:
    """Whether to answer in HTML: by ``f``, else by the ``Accept`` header. An ``f`` other
    than json, geojson or html is refused (InvalidInput)."""
    if f is None:
        html = _prefers_html(request.headers.get("accept", ""))
    elif f == "html":
        html = True
    elif f in JSON_FORMATS:
        html = False
    else:
        raise InvalidInput(
            _("不支持的格式 f={value};可用:json(JSON/GeoJSON)、html(网页)。", value=f)
        )
    setattr(request.state, _STATE, html)
    return html


def is_html(request: Request) -> bool:
    """Whether this request is answered in HTML (as :func:`wants_html` decided)."""
    return bool(getattr(request.state, _STATE, False))


def _prefers_html(accept: str) -> bool:
    """Whether the ``Accept`` header rates HTML above JSON (ties go to JSON)."""
    ranges = [_media_range(part) for part in accept.split(",") if part.strip()]
    return _quality(ranges, _HTML_TYPES) > _quality(ranges, _JSON_TYPES)


def _media_range(part: str) -> tuple[str, float]:
    kind, *parameters = (p.strip() for p in part.split(";"))
    quality = 1.0
    for parameter in parameters:
        name, _sep, value = parameter.partition("=")
        if name.strip().lower() == "q":
            try:
                quality = min(max(float(value), 0.0), 1.0)
            except ValueError:
                quality = 0.0
    return kind.lower(), quality


def _quality(ranges: list[tuple[str, float]], types: tuple[str, ...]) -> float:
    """The best quality the header gives any of ``types``, each rated by its most specific
    matching range (``type/subtype``, then ``type/*``, then ``*/*``)."""
    best = 0.0
    for media_type in types:
        family = media_type.split("/")[0] + "/*"
        for candidate in (media_type, family, "*/*"):
            found = [q for kind, q in ranges if kind == candidate]
            if found:
                best = max(best, max(found))
                break
    return best


def link(href: Any, rel: str, media_type: str, title: str | None = None) -> dict[str, str]:
    """A link of an OGC document."""
    member = {"href": str(href), "rel": rel, "type": media_type}
    if title:
        member["title"] = title
    return member


def encoding_links(
    request: Request, url: URL | str, json_type: str, title: str
) -> list[dict[str, str]]:
    """``self`` (the encoding returned) and ``alternate`` (the other one) of the resource
    at ``url``."""
    url = url if isinstance(url, URL) else URL(url)
    as_html = link(url.include_query_params(f="html"), "self", HTML, f"{title} (HTML)")
    if is_html(request):
        as_json = link(url.include_query_params(f="json"), "alternate", json_type, title)
        return [as_html, as_json]
    return [link(url, "self", json_type, title), {**as_html, "rel": "alternate"}]
