"""A server worker readies itself before its first request (api.warmup): pooled
connections opened and used, every router built, startup's objects frozen."""

from __future__ import annotations

import asyncio
import gc

from fastapi.testclient import TestClient
from sqlalchemy import event

from api.main import create_app
from api.warmup import EMPTY_TILE, visit_routes, warm_up
from landgis.db.engine import make_engine
from landgis.settings import Settings


def test_warm_up_opens_the_connections_and_draws_empty_tiles(databases):
    site = databases.demo()
    engine = make_engine(Settings(database_url=site.url, db_pool_size=3))
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: sent.append(a[2]))
    try:
        assert warm_up(engine, 3) == 3
        assert engine.pool.checkedin() == 3  # held at once, so the pool opened three
        # on each connection: the data version and a statement per layer at least
        assert len(sent) >= 3 * 3
        assert EMPTY_TILE.z == 13
    finally:
        engine.dispose()


def test_warm_up_of_a_database_without_tables_is_refused_quietly(databases, caplog):
    engine = make_engine(Settings(database_url=databases.new_url()))
    try:
        assert warm_up(engine, 2) == 0
        assert "warm-up stopped after 0" in caplog.text
    finally:
        engine.dispose()


def test_a_warm_app_answers_as_usual_and_freezes_startup(databases):
    site = databases.demo()
    app = create_app(Settings(database_url=site.url, db_pool_size=2), warm=True)
    try:
        with TestClient(app) as client:
            assert gc.get_freeze_count() > 0
            assert app.state.engine.pool.checkedin() == 2
            assert client.get("/health").status_code == 200
            assert client.get("/tiles/parcels/13/0/0.mvt").status_code == 204
    finally:
        gc.unfreeze()
        app.state.engine.dispose()


def test_visit_routes_reaches_the_app_and_gets_a_404(databases):
    site = databases.demo()
    app = create_app(Settings(database_url=site.url))
    try:
        assert asyncio.run(visit_routes(app)) == 404
    finally:
        app.state.engine.dispose()
