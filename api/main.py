"""The landgis web application: ``create_app(settings)`` builds it; nothing runs at import."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles
from starlette.concurrency import run_in_threadpool

from api.body_limit import BodyLimit
from api.docs import install_docs
from api.errors import install_error_handlers
from api.import_rejects import clean_rejects
from api.ogc_methods import ReadOnlyMethods
from api.public import PublicPaths
from api.read_routing import RecordWrites
from api.routers import (
    accounts,
    admin,
    building_imports,
    cases,
    efficiency,
    efficiency_imports,
    efficiency_suggestions,
    exports,
    health,
    imports,
    leases,
    maps,
    ogc,
    ogc_queryables,
    ogc_tiles,
    parcels,
    projects,
    reports,
    session,
    space,
    space_exports,
    stats,
    tiles,
)
from api.security import SecurityHeadersMiddleware
from api.session_cookie import COOKIE_NAME, LazyKeySessionMiddleware
from api.uploads import clean_leftovers
from api.warmup import freeze_startup_objects, visit_routes, warm_up
from api.web import account_pages, admin_page, pages, public_pages
from api.web.import_staging import STAGING, STAGING_HOURS
from api.web.render import STATIC_DIR
from landgis.assets import VENDOR_PACKAGES, VENDOR_URL
from landgis.db.engine import make_engine
from landgis.db.replica import make_engines
from landgis.server_secret import session_secret
from landgis.settings import Settings, get_settings


def serve_app() -> FastAPI:
    """The app as ``landgis serve`` runs it in each worker: warmed up before it answers
    (see :mod:`api.warmup`)."""
    return create_app(warm=True)


def create_app(settings: Settings | None = None, *, warm: bool = False) -> FastAPI:
    """The FastAPI app on the configured database; ``warm``: at startup, open the pool's
    connections ready for maps and freeze what startup left to the garbage collector
    (for a server process: the freeze is for the whole process)."""
    settings = settings or get_settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        clean_leftovers(STAGING, STAGING_HOURS)  # what a crashed process left
        clean_rejects()  # refused rows kept past their age
        if warm:
            await run_in_threadpool(warm_up, app.state.engine, settings.db_pool_size)
            await visit_routes(app)
            freeze_startup_objects()
        yield
        app.state.engines.dispose()

    app = FastAPI(
        title="landgis",
        summary="低效闲置工业用地 GIS 管理 · idle and low-efficiency industrial land",
        version="0.1.0",
        lifespan=lifespan,
        docs_url=None,  # FastAPI's page loads Swagger UI from a CDN: install_docs serves one
        redoc_url=None,
    )
    app.state.settings = settings
    engine = app.state.engine = make_engine(settings)  # connects lazily, on first request
    app.state.engines = make_engines(settings, engine)  # and a replica's, when configured
    app.add_middleware(ReadOnlyMethods, prefix="/ogc")  # HEAD and OPTIONS on the OGC API
    app.add_middleware(RecordWrites)  # inside the session: keeps where a write left the WAL
    app.add_middleware(
        LazyKeySessionMiddleware,
        key_source=lambda: session_secret(settings, engine),
        session_cookie=COOKIE_NAME,
        max_age=settings.session_lifetime_hours * 3600,
        same_site="lax",
        https_only=settings.secure_cookies,
    )
    app.add_middleware(PublicPaths)  # outside the session: public pages see no cookie
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(BodyLimit, max_bytes=int(settings.request_max_mb * (1 << 20)))
    install_error_handlers(app)
    # A request is matched against the routes in this order, 10-20 us per router passed:
    # the map's tiles and the OGC API, asked for most often, come first (no other route
    # shares their paths).
    for module in (
        tiles,
        ogc,
        ogc_queryables,
        ogc_tiles,
        health,
        session,
        stats,
        parcels,
        cases,
        exports,
        space_exports,
        reports,
        efficiency,
        imports,
        efficiency_imports,
        efficiency_suggestions,
        building_imports,
        space,
        leases,
        projects,
        maps,
        pages,
        public_pages,
        accounts,
        account_pages,
        admin,
        admin_page,
    ):
        app.include_router(module.router)
    install_docs(app)
    for name, directory in VENDOR_PACKAGES.items():
        app.mount(f"{VENDOR_URL}/{name}", StaticFiles(directory=directory), name=f"vendor-{name}")
    app.mount("/static/app", StaticFiles(directory=STATIC_DIR), name="app-static")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        """The icon, for pages that do not name one (browsers ask for /favicon.ico)."""
        return FileResponse(STATIC_DIR / "favicon.svg", media_type="image/svg+xml")

    return app
