"""The audit log: who logged in, failed to, logged out, changed a role, got a token.

Entries are written in the same transaction as the change they record, and read or
exported by administrators."""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis import vocab
from landgis.db.models import AuditEntry
from landgis.i18n import term
from landgis.io.spreadsheet_text import spreadsheet_safe
from landgis.wallclock import as_utc, utc_now

# Action code -> (Chinese, English) label.
# The actions recorded, by code; their names are the vocabulary's (``term("audit_action", …)``).
ACTIONS = vocab.AUDIT_ACTIONS
MAX_DETAIL = 500
COLUMNS = (
    "时间 time (UTC)",
    "操作 action",
    "操作人 actor",
    "对象 subject",
    "地址 address",
    "说明 detail",
)


def record(
    session: Session,
    action: str,
    *,
    actor: str | None = None,
    subject: str | None = None,
    client_addr: str | None = None,
    detail: str | None = None,
) -> None:
    """Add an entry to the log (in the caller's transaction)."""
    if action not in ACTIONS:
        raise ValueError(f"unknown audit action {action!r}")
    session.add(
        AuditEntry(
            occurred_at=utc_now(),
            action=action,
            actor=actor,
            subject=subject,
            client_addr=(client_addr or None) and client_addr[:64],
            detail=(detail or None) and detail[:MAX_DETAIL],
        )
    )


def entries(
    session: Session,
    *,
    since: dt.date | None = None,
    until: dt.date | None = None,
    action: str | None = None,
    subject: str | None = None,
    limit: int | None = 1000,
) -> Sequence[AuditEntry]:
    """Entries, newest first, narrowed by day range (UTC), action and account."""
    stmt = select(AuditEntry).order_by(AuditEntry.occurred_at.desc(), AuditEntry.id.desc())
    if since is not None:
        stmt = stmt.where(AuditEntry.occurred_at >= _start_of(since))
    if until is not None:
        stmt = stmt.where(AuditEntry.occurred_at < _start_of(until + dt.timedelta(days=1)))
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if subject:
        stmt = stmt.where(AuditEntry.subject == subject)
    if limit is not None:
        stmt = stmt.limit(limit)
    return session.scalars(stmt).all()


def _start_of(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)


def write_csv(rows: Sequence[AuditEntry], target: Path) -> None:
    """The entries as a CSV file Excel opens (UTF-8 with BOM), formulas neutralised."""
    with target.open("w", encoding="utf-8-sig", newline="") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for entry in rows:
            label = term("audit_action", entry.action)
            writer.writerow(
                [
                    as_utc(entry.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                    f"{label.render('zh')} {label.render('en')}",
                    *(
                        spreadsheet_safe(value or "")
                        for value in (entry.actor, entry.subject, entry.client_addr, entry.detail)
                    ),
                ]
            )
