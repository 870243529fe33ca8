"""Reads from a streaming replica of the PostGIS database, writes on the primary.

An :class:`EnginePair` holds the primary's engine and, when ``read_database_url`` names
one, a :class:`Replica`. :meth:`EnginePair.read_bind` gives what a read should run on:
a connection of the replica when it is fit to answer, else the primary's engine.

**Read-your-writes.** After a write, the caller keeps :meth:`EnginePair.write_position`
(the primary's WAL position once the write is committed) for the user who wrote; that
user's next read passes it as ``since``, and is served by the replica only once the
replica has replayed up to it (``pg_last_wal_replay_lsn()``), waited for at most
``replica_wait_s``; otherwise by the primary. Where the position is kept (a signed
cookie, a header, memory) is for the caller to decide: the library knows no requests.

**Never an error.** A replica that cannot be reached, is not in recovery, or is more
than ``replica_max_lag_s`` behind the primary is passed over for the primary, with one
log line when that starts and one when it ends; an unreachable replica is tried again
after ``retry_s`` (:data:`RETRY_S`). Its connections are marked read-only
(:func:`is_read_only`), so a read's optional writes are skipped there
(:func:`landgis.db.session.optional_write`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from sqlalchemy import Connection, Engine, event, text
from sqlalchemy.exc import DBAPIError

from landgis.db.backends import backend_for
from landgis.db.backends.postgis_engine import make_postgis_engine
from landgis.errors import ConfigurationError
from landgis.i18n import _
from landgis.settings import Settings

__all__ = ["EnginePair", "Replica", "is_read_only", "lsn_value", "make_engines"]

log = logging.getLogger(__name__)

READ_ONLY = "landgis_read_only"  # key of a replica connection's ``info``
RETRY_S = 5.0  # an unreachable replica is tried again after this long
CHECK_EVERY_S = 1.0  # how often the replica's lag is measured (per process)
POLL_S = 0.01  # how often a read waiting for the replica asks it again


def lsn_value(lsn: str) -> int:
    """A WAL position as PostgreSQL writes it (``16/B374D848``) as a number, for
    comparing; ValueError for anything else."""
    high, sep, low = lsn.partition("/")
    if not sep:
        raise ValueError(f"not a WAL position: {lsn!r}")
    return (int(high, 16) << 32) | int(low, 16)


def is_read_only(connection: Connection) -> bool:
    """Whether ``connection`` is a replica's (where nothing can be written)."""
    return bool(connection.info.get(READ_ONLY))


@dataclass
class Replica:
    """A streaming replica and what this process knows of its health."""

    engine: Engine
    primary: Engine
    wait_s: float
    max_lag_s: float
    retry_s: float = RETRY_S
    _lock: threading.Lock = field(default_factory=threading.Lock)
    _down_until: float = 0.0
    _checked_at: float = float("-inf")
    _behind: bool = False
    _samples: deque[tuple[float, int]] = field(default_factory=deque)
    _passed_over: str | None = None

    def connect(self, since: str | None = None) -> Connection | None:
        """A connection to the replica fit to serve a read that must see the write at
        WAL position ``since``; None when the primary should serve it instead."""
        if time.monotonic() < self._down_until:
            return None
        try:
            conn = self.engine.connect()  # pinged: a replica just stopped is seen here
        except DBAPIError as error:
            self._pass_over("unreachable", error)
            self._down_until = time.monotonic() + self.retry_s
            return None
        try:
            fit = self._current(conn) and (since is None or self._replayed(conn, since))
            conn.rollback()
        except DBAPIError as error:
            conn.close()
            self._pass_over("unreachable", error)
            self._down_until = time.monotonic() + self.retry_s
            return None
        if not fit:
            conn.close()
            return None
        return conn

    def _replayed(self, conn: Connection, since: str) -> bool:
        deadline = time.monotonic() + self.wait_s
        query = text("SELECT pg_last_wal_replay_lsn() >= CAST(:since AS pg_lsn)")
        while not conn.scalar(query, {"since": since}):
            if time.monotonic() >= deadline:
                log.info("the replica has not replayed %s yet: read from the primary", since)
                return False
            time.sleep(POLL_S)
        return True

    def _current(self, conn: Connection) -> bool:
        """Whether the replica is within ``max_lag_s`` of the primary, measured at most
        once every :data:`CHECK_EVERY_S` (by the first read to ask)."""
        now = time.monotonic()
        if now - self._checked_at < CHECK_EVERY_S or not self._lock.acquire(blocking=False):
            return not self._behind
        try:
            self._checked_at = now
            in_recovery, replayed = conn.execute(
                text("SELECT pg_is_in_recovery(), pg_last_wal_replay_lsn()::text")
            ).one()
            if not in_recovery or replayed is None:
                self._behind = True
                self._pass_over("not a standby", None)
                return False
            lag = self._lag(now, lsn_value(replayed))
            self._behind = lag > self.max_lag_s
            if self._behind:
                self._pass_over(f"{lag:.0f} s behind the primary", None)
            elif self._passed_over is not None:
                log.warning("the replica serves reads again (was %s)", self._passed_over)
                self._passed_over = None
            return not self._behind
        finally:
            self._lock.release()

    def _lag(self, now: float, replayed: int) -> float:
        """How long ago the primary was at a position the replica has not replayed yet
        (0: replayed all the primary had at the oldest sample kept)."""
        try:
            with self.primary.connect() as conn:
                position = conn.scalar(text("SELECT pg_current_wal_insert_lsn()::text"))
            self._samples.append((now, lsn_value(str(position))))
        except DBAPIError as error:  # the primary away: the replica is all there is
            log.warning("could not ask the primary its WAL position: %s", error.orig)
        while self._samples and self._samples[0][1] <= replayed:
            self._samples.popleft()
        return now - self._samples[0][0] if self._samples else 0.0

    def _pass_over(self, why: str, error: DBAPIError | None) -> None:
        if self._passed_over != why:
            detail = f": {error.orig}" if error is not None else ""
            log.warning("replica %s, reads go to the primary%s", why, detail)
        self._passed_over = why


@dataclass
class EnginePair:
    """The primary's engine, where everything is written, and maybe a replica's."""

    primary: Engine
    replica: Replica | None = None

    @contextmanager
    def read_bind(self, since: str | None = None) -> Iterator[Engine | Connection]:
        """What a read runs on: a replica connection (closed afterwards) when the replica
        is fit to serve it and has replayed WAL position ``since``, else the primary."""
        conn = self.replica.connect(since) if self.replica is not None else None
        if conn is None:
            yield self.primary
            return
        with conn:
            yield conn

    def write_position(self) -> str | None:
        """The primary's WAL position now (after a committed write), for a later
        ``read_bind(since=…)``; None without a replica or when the primary does not say."""
        if self.replica is None:
            return None
        try:
            with self.primary.connect() as conn:
                return str(conn.scalar(text("SELECT pg_current_wal_insert_lsn()::text")))
        except DBAPIError as error:
            log.warning("could not ask the primary its WAL position: %s", error.orig)
            return None

    def dispose(self) -> None:
        """Close the pooled connections of both engines."""
        self.primary.dispose()
        if self.replica is not None:
            self.replica.engine.dispose()


def make_engines(settings: Settings, primary: Engine) -> EnginePair:
    """The pair for ``settings``: ``primary`` and, with ``read_database_url``, a replica
    engine whose connections are marked read-only and fail fast when it is down."""
    if not settings.read_database_url:
        return EnginePair(primary)
    if (
        backend_for(primary).name != "postgis"
        or backend_for(settings.read_database_url).name != "postgis"
    ):
        raise ConfigurationError(
            _("只读副本(read_database_url)仅支持 PostGIS:主库和副本都须是 PostgreSQL。")
        )
    engine = make_postgis_engine(settings, settings.read_database_url, connect_wait_s=0)

    @event.listens_for(engine, "connect")
    def _mark(_dbapi: object, record: object) -> None:
        record.info[READ_ONLY] = True  # type: ignore[attr-defined]

    return EnginePair(
        primary,
        Replica(engine, primary, settings.replica_wait_s, settings.replica_max_lag_s),
    )
