"""Absolute URLs of named routes, as ``request.url_for`` makes them, kept per app.

Starlette finds a route's path by walking the app's routes and then builds the absolute
URL from the request's base URL: a few hundred microseconds, on every OGC document's
links. The answer depends only on the base URL (scheme, host, root path), the route's name
and its path parameters, so it is kept, for a bounded number of them, and reused.
"""

from __future__ import annotations

from typing import Any

from starlette.datastructures import URL
from starlette.requests import Request

KEEP_MAX = 1024  # URLs kept per app; past it the kept ones are forgotten and kept anew
_STATE = "route_urls"


def url_for(request: Request, name: str, /, **path_params: Any) -> URL:
    """``request.url_for(name, **path_params)``, from what this app kept when it can."""
    state = request.app.state
    kept: dict[tuple[Any, ...], URL] | None = getattr(state, _STATE, None)
    if kept is None:
        kept = {}
        setattr(state, _STATE, kept)
    key = (str(request.base_url), name, *sorted(path_params.items()))
    url = kept.get(key)
    if url is None:
        url = request.url_for(name, **path_params)
        if len(kept) >= KEEP_MAX:
            kept.clear()
        kept[key] = url
    return url
