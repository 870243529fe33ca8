"""Alembic environment: runs migrations on the engine handed over by landgis.db.migrate."""

from __future__ import annotations

from alembic import context
from geoalchemy2 import alembic_helpers

from landgis.db.backends import backend_for
from landgis.db.migrations.env_helpers import include_object
from landgis.db.models import Base

engine = context.config.attributes["engine"]

with engine.begin() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        render_as_batch=backend_for(connection).alters_by_rebuilding,
        include_object=include_object,
        process_revision_directives=alembic_helpers.writer,
        render_item=alembic_helpers.render_item,
    )
    context.run_migrations()
