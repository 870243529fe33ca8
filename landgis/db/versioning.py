"""The data version (bumped by database triggers on every change to parcels, zones, cases,
case events, factory space and projects), the land version (parcels and zones only) and
counts cached under the data version.

Every worker on every host reads the same row, so nothing is cached in a process: a count
is cached in ``count_cache`` together with the version it was taken at, and is used only
while that version is current. Reading the version is one primary-key lookup.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Iterator
from typing import Any

from sqlalchemy import Row, func, select, true
from sqlalchemy.orm import Session

from landgis.db.backends import backend_for
from landgis.db.models import CountCache, DataVersion
from landgis.db.query_types import AnySelect
from landgis.db.session import optional_write


def data_version(session: Session) -> int:
    """The current data version (it grows with every committed change)."""
    stmt = select(DataVersion.version).where(DataVersion.id == 1)
    return int(session.connection().execute(stmt).scalar() or 0)


def land_version(session: Session) -> int:
    """The land version: it grows with every committed change to parcels and zones."""
    stmt = select(DataVersion.land_version).where(DataVersion.id == 1)
    return int(session.connection().execute(stmt).scalar() or 0)


def cache_key(*parts: Any) -> str:
    """A fixed-length key for a cached value from what identifies it."""
    return hashlib.sha256(repr(parts).encode()).hexdigest()[:64]


def rows_and_count(
    session: Session,
    key: str,
    rows: AnySelect,
    counted: AnySelect,
    *,
    batch: int | None = None,
) -> tuple[Iterator[Row[Any]], int]:
    """The rows of ``rows`` (ordered by its first column, which must never be NULL) and the
    number of rows ``counted`` selects, cached under ``key`` once per data version.

    When the count is cached this is one round trip to the database: the version, the
    cached count and the rows come back from one statement. With ``batch`` the rows are
    fetched that many at a time (a server-side cursor on PostgreSQL) as they are consumed,
    within the session's transaction.
    """
    stmt = versioned_rows(key, rows)
    options = {"yield_per": batch} if batch else {}
    # Core rather than the ORM: rows of two strings need none of its machinery.
    result = iter(session.connection().execute(stmt, execution_options=options))
    head = next(result, None)
    if head is None:
        raise RuntimeError("the data_version row is missing: run `landgis init`")
    matched = head.cached_matched
    if matched is None:
        matched = count_and_store(session, key, int(head.version), counted)
    # An empty page is one row of NULLs beside the version.
    found = itertools.chain((head,), result) if head[2] is not None else iter(())
    return found, int(matched)


def versioned_rows(key: str, rows: AnySelect) -> AnySelect:
    """One statement for :func:`rows_and_count`: the data version, the count cached under
    ``key`` at that version (NULL when there is none) and the columns of ``rows``, on
    every row; one row of NULLs beside the version when ``rows`` selects none."""
    version = select(DataVersion.version.label("version")).where(DataVersion.id == 1).cte("current")
    cached = (
        select(CountCache.matched)
        .where(CountCache.key == key, CountCache.data_version == version.c.version)
        .scalar_subquery()
    )
    page = rows.subquery("page")
    first = next(iter(page.c))
    return (
        select(version.c.version, cached.label("cached_matched"), *page.c)
        .select_from(version.outerjoin(page, true()))
        .order_by(first)
    )


def count_and_store(session: Session, key: str, version: int, counted: AnySelect) -> int:
    """The number of rows ``counted`` selects, cached under ``key`` at ``version``."""
    matched = int(session.scalar(select(func.count()).select_from(counted.subquery())) or 0)
    _store(session, key, version, matched)
    return matched


def _store(session: Session, key: str, version: int, matched: int) -> None:
    values = {"key": key, "data_version": version, "matched": matched}
    stmt = backend_for(session).insert(CountCache).values(**values)
    stmt = stmt.on_conflict_do_update(
        index_elements=[CountCache.key],
        set_={"data_version": version, "matched": matched},
        # Never replace a count taken at a newer version.
        where=CountCache.data_version <= version,
    )
    optional_write(session, stmt)  # refused for another writer: counted again next time
