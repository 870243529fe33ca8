"""Browser sessions kept in the database, so that the server can end them.

The signed cookie carries only a random session key; the database keeps its digest with
the account, the start, the last request and how it ended. Every request checks the row:
a logout, an ended session, a password change or a deactivated account takes effect on
the next request, on every worker and host. The role is read from the account each time,
so a role change does too. Sessions also end after an idle time and a lifetime."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from landgis.db.models import User, UserSession
from landgis.db.session import optional_write
from landgis.errors import NotFound
from landgis.i18n import Text, _
from landgis.wallclock import as_utc, utc_now

# How often the last-seen time of a session is written (not on every request).
TOUCH_EVERY = dt.timedelta(seconds=60)
END_REASONS: dict[str, Text] = {
    "logout": _("已退出登录"),
    "ended_by_user": _("由本人结束"),
    "ended_by_admin": _("由管理员结束"),
    "password_changed": _("密码已更改"),
    "deactivated": _("账户已停用"),
    "idle": _("长时间未操作"),
    "expired": _("已到最长时限"),
}


@dataclass(frozen=True)
class SessionRules:
    """A session ends after ``idle_minutes`` without a request, and ``lifetime_hours``
    after it started, whichever comes first."""

    idle_minutes: int = 120
    lifetime_hours: int = 12


@dataclass(frozen=True)
class SessionUser:
    """Who a live session belongs to, as the account stands now."""

    session_id: int
    username: str
    role: str
    display_name: str | None


def _digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start(
    session: Session,
    user: User,
    *,
    client_addr: str | None = None,
    user_agent: str | None = None,
) -> str:
    """A new session for ``user``; its key (for the cookie) is returned, only its digest
    is stored."""
    key = secrets.token_urlsafe(32)
    now = utc_now()
    session.add(
        UserSession(
            key_digest=_digest(key),
            user_id=user.id,
            created_at=now,
            last_seen_at=now,
            client_addr=(client_addr or None) and client_addr[:64],
            user_agent=(user_agent or None) and user_agent[:256],
        )
    )
    session.flush()
    return key


def _lapsed(row: UserSession, rules: SessionRules, now: dt.datetime) -> str | None:
    if as_utc(row.created_at) + dt.timedelta(hours=rules.lifetime_hours) <= now:
        return "expired"
    if as_utc(row.last_seen_at) + dt.timedelta(minutes=rules.idle_minutes) <= now:
        return "idle"
    return None


def check(session: Session, key: str, rules: SessionRules) -> SessionUser | None:
    """The user of a live session, or None when it ended, lapsed or its account is
    inactive. A lapsed session is marked ended; a live one has its last-seen time moved
    on (at most once a minute)."""
    row = session.execute(
        select(UserSession, User)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.key_digest == _digest(key))
    ).one_or_none()
    if row is None:
        return None
    record, user = row
    if record.ended_at is not None:
        return None
    now = utc_now()
    if not user.is_active:
        _end(session, [record.id], "deactivated", now)
        return None
    if reason := _lapsed(record, rules, now):
        _end(session, [record.id], reason, now)
        return None
    if now - as_utc(record.last_seen_at) >= TOUCH_EVERY:
        optional_write(  # a busy SpatiaLite: touched on a later request
            session,
            update(UserSession).where(UserSession.id == record.id).values(last_seen_at=now),
        )
    return SessionUser(record.id, user.username, user.role, user.display_name)


def _end(session: Session, ids: Sequence[int], reason: str, now: dt.datetime) -> int:
    if not ids:
        return 0
    result = session.execute(
        update(UserSession)
        .where(UserSession.id.in_(ids), UserSession.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def end_by_key(session: Session, key: str, reason: str = "logout") -> str | None:
    """End the session with this key; the account's name, or None when it was not live."""
    row = session.execute(
        select(UserSession.id, User.username)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.key_digest == _digest(key), UserSession.ended_at.is_(None))
    ).one_or_none()
    if row is None:
        return None
    _end(session, [row.id], reason, utc_now())
    return row.username


def end_one(session: Session, session_id: int, reason: str, *, username: str | None = None) -> str:
    """End one session by its id (of ``username``'s sessions only, when given); the name
    of its account."""
    stmt = (
        select(UserSession.id, User.username)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.id == session_id)
    )
    if username is not None:
        stmt = stmt.where(User.username == username)
    row = session.execute(stmt).one_or_none()
    if row is None:
        raise NotFound(_("没有这个会话。"))
    _end(session, [row.id], reason, utc_now())
    return row.username


def end_all(session: Session, user_id: int, reason: str, *, keep: int | None = None) -> int:
    """End every live session of an account (but ``keep``); how many were ended."""
    stmt = select(UserSession.id).where(
        UserSession.user_id == user_id, UserSession.ended_at.is_(None)
    )
    if keep is not None:
        stmt = stmt.where(UserSession.id != keep)
    return _end(session, list(session.scalars(stmt)), reason, utc_now())


def live(session: Session, rules: SessionRules, username: str | None = None) -> list[UserSession]:
    """Live sessions, newest first: of one account, or of everyone."""
    stmt = (
        select(UserSession)
        .join(User, User.id == UserSession.user_id)
        .where(UserSession.ended_at.is_(None), User.is_active.is_(True))
        .order_by(UserSession.last_seen_at.desc())
    )
    if username is not None:
        stmt = stmt.where(User.username == username)
    now = utc_now()
    return [row for row in session.scalars(stmt) if _lapsed(row, rules, now) is None]
