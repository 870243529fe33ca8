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

from landgis.db.models import AuditEntry
from landgis.io.spreadsheet_text import spreadsheet_safe
from landgis.wallclock import as_utc, utc_now

# Action code -> (Chinese, English) label.
ACTIONS: dict[str, tuple[str, str]] = {
    "login": ("登录", "login"),
    "login_failed": ("登录失败", "failed login"),
    "login_locked": ("登录被锁定", "login locked"),
    "logout": ("退出登录", "logout"),
    "session_ended": ("会话被结束", "session ended"),
    "user_created": ("新建用户", "user created"),
    "role_changed": ("角色变更", "role changed"),
    "password_changed": ("密码变更", "password changed"),
    "user_deactivated": ("停用用户", "user deactivated"),
    "user_activated": ("启用用户", "user activated"),
    "token_issued": ("签发访问令牌", "token issued"),
    "tokens_revoked": ("吊销访问令牌", "tokens revoked"),
    "backup": ("备份", "backup"),
    "restore": ("恢复备份", "restore"),
}
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
            label = ACTIONS.get(entry.action, (entry.action, entry.action))
            writer.writerow(
                [
                    as_utc(entry.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                    f"{label[0]} {label[1]}",
                    *(
                        spreadsheet_safe(value or "")
                        for value in (entry.actor, entry.subject, entry.client_addr, entry.detail)
                    ),
                ]
            )
