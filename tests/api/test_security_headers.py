"""Security headers on each backend: every HTML page kind carries the Content Security
Policy (its inline scripts the response's nonce, images only from landgis and the
configured tile servers), the framing, referrer and nosniff headers; JSON, tiles and static
files get only the constant headers; attachments are sandboxed, and only PDFs and common
images are ever shown inline."""

from __future__ import annotations

import hashlib
import io
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.testclient import TestClient
from sqlalchemy import select

from api.main import create_app
from api.web import render
from landgis import attachments
from landgis.db.models import Attachment, Case, Parcel
from landgis.db.session import transaction
from landgis.errors import InvalidInput
from landgis.settings import Settings

XSS_HOLDER = '<img src=x onerror="window.__xss=1">'
XSS_PROJECT = "<script>window.__xss=2</script>"
TIANDITU_KEY = "test-key-0123"
PDF = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c63f8ffff3f0005fe02fea7d6a4a00000000049454e44ae426082"
)
TIFF = b"II*\x00\x08\x00\x00\x00" + b"\x00" * 32
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
SELF_IMAGES = {"'self'", "data:", "blob:"}
TILE_ORIGINS = {
    "none": set(),
    "osm": {"https://tile.openstreetmap.org"},
    "tianditu": {f"https://t{i}.tianditu.gov.cn" for i in range(8)},
    "amap": {f"https://webrd0{i}.is.autonavi.com" for i in range(1, 5)},
}


# --- the site -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def site(html_demo, tmp_path_factory) -> dict[str, Any]:
    """A fresh demo county (one ledger parcel's holder is HTML) whose case has a PDF, a
    PNG and a TIFF attached, and two rows no upload can make (an SVG and an HTML file, as
    an older version or a hand-made row might have left)."""
    url, engine, code = html_demo(XSS_HOLDER, XSS_PROJECT)
    folder = tmp_path_factory.mktemp("attachments")
    ids: dict[str, int] = {}
    with transaction(engine) as session:
        case_no = session.scalar(
            select(Case.case_no)
            .join(Parcel, Case.parcel_id == Parcel.id)
            .where(Parcel.parcel_code == code)
        )
        for name, content in (("scan.pdf", PDF), ("photo.png", PNG), ("map.tif", TIFF)):
            saved = attachments.save_attachment(
                session,
                case_no,
                io.BytesIO(content),
                filename=name,
                uploaded_by="editor1",
                folder=folder,
                max_bytes=1 << 20,
            )
            ids[name.rsplit(".", 1)[1]] = saved.id
        case_id = session.scalar(select(Case.id).where(Case.case_no == case_no))
        for name, media_type, content in (
            ("drawing.svg", "image/svg+xml", SVG),
            ("page.html", "text/html", b"<script>window.__xss=3</script>"),
        ):
            stored = f"{case_id}/forged-{name}"
            (folder / str(case_id)).mkdir(exist_ok=True)
            (folder / stored).write_bytes(content)
            row = Attachment(
                case_id=case_id,
                filename=name,
                media_type=media_type,
                size_bytes=len(content),
                sha256=hashlib.sha256(content).hexdigest(),
                stored_name=stored,
                uploaded_by="editor1",
            )
            session.add(row)
            session.flush()
            ids[name.rsplit(".", 1)[1]] = row.id
    return {
        "url": url,
        "engine": engine,
        "code": code,
        "case_no": case_no,
        "folder": folder,
        "ids": ids,
    }


def client_for(site: dict[str, Any], **settings: Any) -> TestClient:
    defaults = {
        "database_url": site["url"],
        "attachments_dir": site["folder"],
        "tianditu_key": TIANDITU_KEY,
    }
    return TestClient(create_app(Settings(**(defaults | settings))))


@pytest.fixture(scope="module")
def client(site):
    with client_for(site) as test_client:
        yield test_client


# --- reading a response ---------------------------------------------------------------------


def policy(response: Any) -> dict[str, list[str]]:
    """The response's Content-Security-Policy as {directive: [sources]}."""
    header = response.headers["content-security-policy"]
    directives: dict[str, list[str]] = {}
    for part in header.split(";"):
        name, *sources = part.split()
        assert name not in directives, f"{name} given twice"
        directives[name] = sources
    return directives


class _Markup(HTMLParser):
    """The scripts of a page (their attributes) and every event handler attribute."""

    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.handlers: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.scripts.append(dict(attrs))
        self.handlers += [(tag, name) for name, _ in attrs if name.startswith("on")]


def markup(page: str) -> _Markup:
    parser = _Markup()
    parser.feed(page)
    return parser


def assert_page_headers(response: Any, image_origins: set[str] = frozenset()) -> str | None:
    """The headers of a landgis page, checked; returns the policy's nonce (None if none)."""
    assert response.headers["content-type"].startswith("text/html"), response.url
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert response.headers["referrer-policy"] == "strict-origin-when-cross-origin"
    csp = policy(response)
    assert csp["default-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'", "'unsafe-inline'"]
    assert set(csp["img-src"]) == SELF_IMAGES | set(image_origins)
    assert csp["connect-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'self'"]
    assert csp["base-uri"] == ["'self'"]
    assert csp["form-action"] == ["'self'"]
    assert csp["object-src"] == ["'none'"]
    script = csp["script-src"]
    assert script[0] == "'self'" and len(script) <= 2, script
    assert "'unsafe-inline'" not in script and "'unsafe-eval'" not in script
    nonces = [s[len("'nonce-") : -1] for s in script[1:] if s.startswith("'nonce-")]
    assert len(nonces) == len(script) - 1, "only a nonce besides 'self'"
    nonce = nonces[0] if nonces else None
    # Every inline script of the page carries this response's nonce; no event handler
    # attribute anywhere (the policy would block it).
    found = markup(response.text)
    for attributes in found.scripts:
        if "src" not in attributes:
            assert nonce and attributes.get("nonce") == nonce, attributes
        elif "nonce" in attributes:
            assert attributes["nonce"] == nonce
    assert found.handlers == []
    return nonce


def assert_only_constant_headers(response: Any) -> None:
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["x-frame-options"] == "SAMEORIGIN"
    assert "content-security-policy" not in response.headers
    assert "referrer-policy" not in response.headers


# --- pages ----------------------------------------------------------------------------------


def page_paths(site: dict[str, Any]) -> dict[str, tuple[str, int]]:
    code, case_no = site["code"], site["case_no"]
    return {
        "dashboard": ("/", 200),
        "ledger": ("/ledger?q=QX", 200),
        "case": (f"/cases/{case_no}", 200),
        "map page": ("/map-page", 200),
        "login": ("/login", 200),
        "import (refused: a viewer's page)": ("/import", 403),
        "error page": ("/cases/NO-SUCH-CASE", 404),
        "ledger map": ("/map", 200),
        "parcel map": (f"/map/parcels/{code}", 200),
        "popup fragment": (f"/map/parcels/{code}/popup", 200),
        "api docs": ("/docs", 200),
    }


def test_every_html_page_kind_carries_the_policy_and_headers(client, site):
    for kind, (path, status) in page_paths(site).items():
        response = client.get(path)
        assert response.status_code == status, kind
        assert_page_headers(response)


def test_the_maps_inline_script_runs_by_the_responses_own_nonce(client, site):
    for path in ("/map", f"/map/parcels/{site['code']}"):
        first, second = client.get(path), client.get(path)
        nonce = assert_page_headers(first)
        assert nonce and len(nonce) >= 16
        assert assert_page_headers(second) != nonce, "a new nonce for each response"
        inline = [s for s in markup(first.text).scripts if "src" not in s]
        assert len(inline) == 1 and inline[0]["nonce"] == nonce
        # The user's text is escaped, not a script or an element.
        assert XSS_PROJECT not in first.text and XSS_HOLDER not in first.text


def test_a_template_that_writes_an_inline_script_gets_the_responses_nonce(site):
    app = create_app(Settings(database_url=site["url"]))
    template = render.templates.env.from_string(
        '<!doctype html><script nonce="{{ csp_nonce(request) }}">document.title = 1;</script>'
    )

    @app.get("/inline")
    def inline(request: Request) -> HTMLResponse:
        return HTMLResponse(template.render(request=request))

    with TestClient(app) as test_client:
        response = test_client.get("/inline")
    nonce = assert_page_headers(response)
    assert nonce and f'<script nonce="{nonce}">' in response.text


def test_a_page_that_writes_no_inline_script_gets_no_nonce(client, site):
    for path in ("/", f"/cases/{site['case_no']}", "/login", "/docs"):
        response = client.get(path)
        assert assert_page_headers(response) is None, path
        assert policy(response)["script-src"] == ["'self'"]
        assert all("src" in s for s in markup(response.text).scripts)


def test_the_tiled_map_carries_the_nonce_too(site):
    with client_for(site, map_inline_max_parcels=10) as tiled:
        response = tiled.get("/map")
        assert "/tiles/parcels/" in response.text, "the tiled map"
        nonce = assert_page_headers(response)
        inline = [s for s in markup(response.text).scripts if "src" not in s]
        assert len(inline) == 1 and inline[0]["nonce"] == nonce


# --- everything else ------------------------------------------------------------------------


def test_json_tiles_and_files_get_only_the_constant_headers(client):
    for path in (
        "/api/stats",
        "/api/parcels?limit=1",
        "/health",
        "/openapi.json",
        "/ogc/collections",
        "/tiles/parcels/14/13152/6834.mvt",
        "/static/app/app.js",
        "/static/app/app.css",
        "/static/vendor/leaflet/leaflet.js",
        "/static/docs/swagger-ui-bundle.js",
        "/api/cases/NO-SUCH-CASE",
    ):
        response = client.get(path)
        assert response.status_code in (200, 204, 404), path
        assert not response.headers.get("content-type", "").startswith("text/html"), path
        assert_only_constant_headers(response)


def test_the_openapi_description_is_still_served(client):
    schema = client.get("/openapi.json").json()
    assert schema["openapi"].startswith("3.") and "/api/cases" in schema["paths"]


def test_the_docs_page_loads_swagger_ui_from_landgis_itself(client):
    page = client.get("/docs").text
    assert "http://" not in page and "https://" not in page
    assert 'data-openapi="/openapi.json"' in page
    urls = [s["src"] for s in markup(page).scripts]
    urls += _links(page)
    assert set(urls) >= {
        "/static/docs/swagger-ui-bundle.js",
        "/static/docs/swagger-ui.css",
        "/static/app/docs.js",
    }
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert response.content, url
    assert client.get("/static/docs/index.html").status_code == 404, "only the files used"
    assert client.get("/redoc").status_code == 404, "ReDoc would load from a CDN"


def _links(page: str) -> list[str]:
    found: list[str] = []

    class Links(HTMLParser):
        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "link":
                found.append(dict(attrs)["href"] or "")

    Links().feed(page)
    return found


def test_an_unexpected_error_still_says_nosniff(site):
    app = create_app(Settings(database_url=site["url"]))

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("boom")

    with TestClient(app, raise_server_exceptions=False) as test_client:
        response = test_client.get("/boom")
    assert response.status_code == 500
    assert response.json()["error"] == "InternalError"
    assert_only_constant_headers(response)


# --- maps on each background ------------------------------------------------------------------


@pytest.mark.parametrize("basemap", ["none", "osm", "tianditu", "amap"])
def test_map_images_come_only_from_the_configured_backgrounds_tile_servers(site, basemap):
    origins = TILE_ORIGINS[basemap]
    with client_for(site, basemap=basemap) as configured:
        for path in ("/map", f"/map/parcels/{site['code']}"):
            response = configured.get(path)
            assert response.status_code == 200, path
            assert_page_headers(response, origins)
            for origin in origins:
                host = origin.removeprefix("https://")
                if "tianditu" in host or "autonavi" in host:
                    host = host.split(".", 1)[1]  # the page names the hosts by a template
                assert host in response.text, (path, origin)
        # Pages embed the maps in frames: they themselves load no tile.
        for path in ("/", f"/cases/{site['case_no']}", "/map-page", "/login"):
            assert_page_headers(configured.get(path))
    with client_for(site, basemap=basemap, map_inline_max_parcels=10) as tiled:
        response = tiled.get("/map")
        assert "/tiles/parcels/" in response.text
        assert_page_headers(response, origins)


def test_a_background_chosen_in_the_query_allows_that_backgrounds_servers(client, site):
    for basemap, origins in TILE_ORIGINS.items():
        for path in ("/map", f"/map/parcels/{site['code']}"):
            response = client.get(path, params={"basemap": basemap})
            assert_page_headers(response, origins)


def test_a_refused_background_is_still_a_clear_error(site):
    with client_for(site, tianditu_key=None) as test_client:
        response = test_client.get("/map", params={"basemap": "tianditu"})
    assert response.status_code == 422
    assert "密钥" in response.json()["message"]
    assert_only_constant_headers(response)


# --- attachments ----------------------------------------------------------------------------


def attachment(client: TestClient, site: dict[str, Any], kind: str, **params: str) -> Any:
    response = client.get(
        f"/cases/{site['case_no']}/attachments/{site['ids'][kind]}", params=params
    )
    assert response.status_code == 200, kind
    assert response.headers["x-content-type-options"] == "nosniff"
    csp = policy(response)
    assert "sandbox" in csp and csp["sandbox"] == [], "sandboxed, no exception"
    assert csp["default-src"] == ["'none'"]
    assert "script-src" not in csp
    return response


@pytest.mark.parametrize(("kind", "media_type"), [("pdf", "application/pdf"), ("png", "image/png")])
def test_pdfs_and_images_are_shown_inline_in_a_sandbox(client, site, kind, media_type):
    response = attachment(client, site, kind)
    assert response.headers["content-type"] == media_type
    assert response.headers["content-disposition"].startswith("inline;")
    downloaded = attachment(client, site, kind, download="true")
    assert downloaded.headers["content-disposition"].startswith("attachment;")
    assert downloaded.content == response.content == {"pdf": PDF, "png": PNG}[kind]


def test_other_types_are_downloaded(client, site):
    response = attachment(client, site, "tif")
    assert response.headers["content-type"] == "image/tiff"
    assert response.headers["content-disposition"].startswith("attachment;")


@pytest.mark.parametrize("kind", ["svg", "html"])
def test_an_active_document_is_never_shown_inline(client, site, kind):
    response = attachment(client, site, kind)
    assert response.headers["content-disposition"].startswith("attachment;")
    assert "inline" not in response.headers["content-disposition"]


def test_an_svg_or_html_file_cannot_be_uploaded(site, tmp_path: Path):
    with transaction(site["engine"]) as session:
        for content in (SVG, b"<!doctype html><script>alert(1)</script>"):
            with pytest.raises(InvalidInput, match="PDF"):
                attachments.save_attachment(
                    session,
                    site["case_no"],
                    io.BytesIO(content),
                    filename="drawing.svg",
                    uploaded_by="editor1",
                    folder=tmp_path,
                    max_bytes=1 << 20,
                )
