"""Units of work: one session, one transaction, committed only when all went well."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from landgis.db.engine import make_sessionmaker


@contextmanager
def transaction(engine: Engine) -> Iterator[Session]:
    """A session in one transaction: committed on success, rolled back on any error."""
    with make_sessionmaker(engine).begin() as session:
        yield session
