"""What a restore keeps of the live server instead of taking it from the archive.

Restoring puts the county's data back as it was at the backup, accounts included. Some
tables are not the county's data but the server's own record of what is happening now,
and rolling them back would be wrong:

- **browser sessions** in the archive are ended (as by an administrator): a session
  someone ended after the backup must not come back to life, and whoever is logged in
  logs in again against the restored accounts;
- **the audit log** keeps the entries written since the backup was taken, and gains one
  for the restore itself;
- **login locks** (failed-login counters) stay as they are now;
- **the key signing session cookies** stays the server's own: archives never carry it
  (see :mod:`landgis.server_secret`), and the live one is put back.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, cast

from sqlalchemy import Engine, Table, delete, inspect, select, update

from landgis import audit
from landgis.backup.manifest import BackupManifest
from landgis.db.models import AuditEntry, LoginThrottle, ServerSecret, UserSession
from landgis.db.session import transaction
from landgis.wallclock import utc_now

# Each declarative class maps one Table, though SQLAlchemy types __table__ as a FromClause.
AUDIT = cast(Table, AuditEntry.__table__)
THROTTLE = cast(Table, LoginThrottle.__table__)
SECRETS = cast(Table, ServerSecret.__table__)
SESSIONS = cast(Table, UserSession.__table__)


@dataclass
class ServerState:
    """The live rows a restore keeps."""

    audit: list[dict[str, Any]] = field(default_factory=list)
    throttle: list[dict[str, Any]] = field(default_factory=list)
    secrets: list[dict[str, Any]] = field(default_factory=list)


def _rows(conn: Any, table: Table, *where: Any) -> list[dict[str, Any]]:
    columns = [c for c in table.columns if not (c.primary_key and c.name == "id")]
    return [dict(row._mapping) for row in conn.execute(select(*columns).where(*where))]


def read_server_state(engine: Engine, since: dt.datetime) -> ServerState:
    """The live server's state: audit entries written after ``since`` (a little before
    the backup's time: entries the backup holds too are left out when put back), login
    locks and server secrets."""
    state = ServerState()
    with engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        if AUDIT.name in tables:
            state.audit = _rows(conn, AUDIT, AUDIT.c.occurred_at > since)
            state.audit.sort(key=lambda row: row["occurred_at"])
        if THROTTLE.name in tables:
            state.throttle = _rows(conn, THROTTLE)
        if SECRETS.name in tables:
            state.secrets = _rows(conn, SECRETS)
    return state


def settle_after_restore(
    engine: Engine,
    state: ServerState,
    manifest: BackupManifest,
    *,
    actor: str | None,
    client_addr: str | None = None,
) -> None:
    """End the restored browser sessions, put back the live audit entries, login locks
    and secrets, and record the restore, in one transaction."""
    with transaction(engine) as session:
        tables = set(inspect(session.connection()).get_table_names())
        if SESSIONS.name in tables:
            session.execute(
                update(SESSIONS)
                .where(SESSIONS.c.ended_at.is_(None))
                .values(ended_at=utc_now(), end_reason="ended_by_admin")
            )
        if THROTTLE.name in tables:
            session.execute(delete(THROTTLE))
            if state.throttle:
                session.execute(THROTTLE.insert(), state.throttle)
        if SECRETS.name in tables:
            present = set(session.scalars(select(SECRETS.c.name)))
            missing = [row for row in state.secrets if row["name"] not in present]
            if missing:
                session.execute(SECRETS.insert(), missing)
        if AUDIT.name in tables:
            if fresh := _not_restored(session.connection(), state.audit):
                session.execute(AUDIT.insert(), fresh)
            audit.record(
                session,
                "restore",
                actor=actor,
                client_addr=client_addr,
                detail=restore_detail(manifest),
            )


def _audit_key(row: dict[str, Any]) -> tuple:
    return tuple(row[c] for c in ("occurred_at", "action", "actor", "subject", "detail"))


def _not_restored(conn: Any, kept: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The kept audit entries the restored log does not hold already."""
    if not kept:
        return []
    since = AUDIT.c.occurred_at >= kept[0]["occurred_at"]
    restored = {_audit_key(row) for row in _rows(conn, AUDIT, since)}
    return [row for row in kept if _audit_key(row) not in restored]


def restore_detail(manifest: BackupManifest) -> str:
    """The audit log's description of a backup."""
    return (
        f"{manifest.created_at:%Y-%m-%d %H:%M:%S} UTC, {manifest.backend}, schema "
        f"{manifest.schema_revision}, landgis {manifest.landgis_version}, "
        f"{manifest.counts.cases} cases, {manifest.counts.events} events, "
        f"{len(manifest.attachment_members)} attachment files"
    )


def record_backup(
    engine: Engine, manifest: BackupManifest, *, actor: str | None, client_addr: str | None
) -> None:
    """Write the backup to the audit log (when the database has one)."""
    with transaction(engine) as session:
        if AUDIT.name in inspect(session.connection()).get_table_names():
            audit.record(
                session,
                "backup",
                actor=actor,
                client_addr=client_addr,
                detail=restore_detail(manifest),
            )
