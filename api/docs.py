"""The API's documentation page, ``/docs``: Swagger UI served by landgis itself.

FastAPI's own page loads Swagger UI from a CDN and starts it with an inline script; this
one takes Swagger UI from the ``swagger-ui-bundle-v2`` package (served under
:data:`ASSETS_URL`, only the files the page uses) and starts it from ``docs.js``, a file
of the app's static folder, so the page needs no outside request and no inline script.
The OpenAPI description stays at ``app.openapi_url`` (``/openapi.json``).
"""

from __future__ import annotations

import html
from pathlib import Path

from fastapi import FastAPI, HTTPException, Request
from fastapi.responses import FileResponse, HTMLResponse
from swagger_ui_bundle import swagger_ui_path

DOCS_URL = "/docs"
ASSETS_URL = "/static/docs"
ASSETS: dict[str, str] = {
    "swagger-ui-bundle.js": "text/javascript",
    "swagger-ui.css": "text/css",
    "favicon-32x32.png": "image/png",
}
STARTER_URL = "/static/app/docs.js"

_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css">
<link rel="icon" type="image/png" href="{assets}/favicon-32x32.png">
<script src="{assets}/swagger-ui-bundle.js" defer></script>
<script src="{starter}" defer></script>
</head>
<body>
<div id="swagger-ui" data-openapi="{openapi}"></div>
</body>
</html>
"""


def install_docs(app: FastAPI) -> None:
    """Serve the documentation page at :data:`DOCS_URL` and its assets.

    Build ``app`` with ``docs_url=None`` (FastAPI's CDN page) and ``redoc_url=None``;
    ``app.docs_url`` then names this page, for the links that point to it."""
    folder = Path(swagger_ui_path)

    @app.get(DOCS_URL, include_in_schema=False)
    def docs_page(request: Request) -> HTMLResponse:
        """Swagger UI on the app's OpenAPI description."""
        root = request.scope.get("root_path", "").rstrip("/")
        page = _PAGE.format(
            title=html.escape(f"{app.title} · API"),
            assets=root + ASSETS_URL,
            starter=root + STARTER_URL,
            openapi=html.escape(root + (app.openapi_url or ""), quote=True),
        )
        return HTMLResponse(page)

    @app.get(ASSETS_URL + "/{name}", include_in_schema=False)
    def docs_asset(name: str) -> FileResponse:
        """One of the Swagger UI files the page loads."""
        if name not in ASSETS:
            raise HTTPException(404)
        return FileResponse(folder / name, media_type=ASSETS[name])

    app.docs_url = DOCS_URL
