"""Logging in: guessing limited, the password checked with no database connection held,
a browser session started and the attempt written to the audit log.

Three short transactions: read the account (refusing a locked name or address), check the
password outside any transaction (argon2 takes a good fraction of a second), then record
the outcome. A burst of logins thus never holds the connection pool."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, select

from landgis import audit, browser_sessions
from landgis.db.models import User
from landgis.db.session import transaction
from landgis.errors import AuthenticationRequired, TooManyAttempts
from landgis.login_limits import (
    LoginLimits,
    check_not_locked,
    locked_error,
    record_failure,
    record_success,
)
from landgis.users import hash_password, needs_rehash, refused, verify_password


@dataclass(frozen=True)
class LoggedIn:
    """A successful login: the new session's key (for the cookie) and who logged in."""

    session_key: str
    user: browser_sessions.SessionUser


def log_in(
    engine: Engine,
    username: str,
    password: str,
    *,
    limits: LoginLimits,
    client_addr: str | None = None,
    user_agent: str | None = None,
) -> LoggedIn:
    """Start a session for these credentials.

    Raises :class:`TooManyAttempts` while the name or address is locked (the correct
    password included), :class:`AuthenticationRequired` for a wrong name or password."""
    with transaction(engine) as session:
        check_not_locked(session, username, client_addr, limits)
        user = session.scalars(select(User).where(User.username == username)).one_or_none()
        stored = user.password_hash if user is not None and user.is_active else None
    if verify_password(stored, password):
        return _succeeded(engine, username, password, limits, client_addr, user_agent)
    error: AuthenticationRequired | TooManyAttempts = refused()
    with transaction(engine) as session:
        locked_until = record_failure(session, username, client_addr, limits)
        subject = username[:64]
        audit.record(session, "login_failed", subject=subject, client_addr=client_addr)
        if locked_until is not None:
            audit.record(session, "login_locked", subject=subject, client_addr=client_addr)
            error = locked_error(locked_until)
    raise error


def _succeeded(
    engine: Engine,
    username: str,
    password: str,
    limits: LoginLimits,
    client_addr: str | None,
    user_agent: str | None,
) -> LoggedIn:
    with transaction(engine) as session:
        # A lock set by a concurrent guess while the password was checked still counts.
        check_not_locked(session, username, client_addr, limits)
        user = session.scalars(select(User).where(User.username == username)).one()
        if user.password_hash and needs_rehash(user.password_hash):
            user.password_hash = hash_password(password)
        record_success(session, username)
        key = browser_sessions.start(session, user, client_addr=client_addr, user_agent=user_agent)
        audit.record(session, "login", actor=username, subject=username, client_addr=client_addr)
        who = browser_sessions.SessionUser(0, user.username, user.role, user.display_name)
    return LoggedIn(key, who)


def log_out(engine: Engine, session_key: str, *, client_addr: str | None = None) -> None:
    """End the session with this key, for good."""
    with transaction(engine) as session:
        username = browser_sessions.end_by_key(session, session_key, "logout")
        if username is not None:
            audit.record(
                session, "logout", actor=username, subject=username, client_addr=client_addr
            )
