"""Staff accounts: roles, passwords (argon2) and bearer tokens for programs."""

from __future__ import annotations

import hashlib
import os
import re
import secrets
import threading
from collections.abc import Iterable

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis import audit, browser_sessions
from landgis.db.models import ApiToken, User
from landgis.errors import AuthenticationRequired, Conflict, InvalidInput, NotFound
from landgis.i18n import _, listing, term
from landgis.i18n.values import in_both
from landgis.vocab import ROLES

MIN_PASSWORD_LENGTH = 8
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
_HASHER = PasswordHasher()
# argon2 takes tens of MB and most of a core per hash: as many at once as there are cores,
# so that a burst of logins queues here instead of exhausting memory.
PASSWORD_CHECKS_AT_ONCE = max(2, os.cpu_count() or 2)
_HASHING = threading.BoundedSemaphore(PASSWORD_CHECKS_AT_ONCE)
# Verified against when the account does not exist, so that both cases take as long.
_ABSENT_HASH = _HASHER.hash(secrets.token_urlsafe(16))


def verify_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches the stored hash (an absent hash never matches, after
    the same work as a real check)."""
    with _HASHING:
        try:
            return _HASHER.verify(password_hash or _ABSENT_HASH, password) and bool(password_hash)
        except (VerificationError, InvalidHashError):
            return False


def needs_rehash(password_hash: str) -> bool:
    """Whether the hash was made with weaker parameters than today's."""
    return _HASHER.check_needs_rehash(password_hash)


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``, refusing passwords too short to be safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            _(
                "密码至少需要 {count} 个字符。",
                count=MIN_PASSWORD_LENGTH,
            ),
        )
    with _HASHING:
        return _HASHER.hash(password)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(
            _(
                "未知角色 {role}:可选 {roles}。",
                role=role,
                roles=listing(term("role", code) for code in ROLES),
            )
        )


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.username)))


def get_user(session: Session, username: str) -> User:
    """The user with this name; NotFound otherwise."""
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise NotFound(_("没有用户 {username}。", username=username))
    return user


def display_names(session: Session, usernames: Iterable[str | None]) -> dict[str, str]:
    """Each of ``usernames`` as staff read it: the user's display name, else the login name
    itself (also for a name no account has, such as a script's)."""
    wanted = {name for name in usernames if name}
    if not wanted:
        return {}
    rows = session.execute(
        select(User.username, User.display_name).where(User.username.in_(wanted))
    ).all()
    known = {username: display for username, display in rows if display}
    return {name: known.get(name, name) for name in wanted}


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str = "viewer",
    display_name: str | None = None,
    *,
    actor: str | None = None,
) -> User:
    """A new active user."""
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            _("用户名只能包含字母、数字、下划线、点和连字符,长度 2-64。"),
        )
    _check_role(role)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(_("用户 {username} 已存在。", username=username))
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
        is_active=True,
    )
    session.add(user)
    session.flush()
    audit.record(session, "user_created", actor=actor, subject=username, detail=f"role={role}")
    return user


def set_password(
    session: Session,
    username: str,
    password: str,
    *,
    actor: str | None = None,
    keep_session: int | None = None,
) -> None:
    """Replace a user's password; every browser session of the account ends (but
    ``keep_session``, the one the user changed it from)."""
    user = get_user(session, username)
    user.password_hash = hash_password(password)
    browser_sessions.end_all(session, user.id, "password_changed", keep=keep_session)
    session.flush()
    audit.record(session, "password_changed", actor=actor, subject=username)


def set_role(session: Session, username: str, role: str, *, actor: str | None = None) -> None:
    """Change a user's role (open sessions carry the new role from their next request)."""
    _check_role(role)
    user = get_user(session, username)
    before, user.role = user.role, role
    session.flush()
    audit.record(session, "role_changed", actor=actor, subject=username, detail=f"{before}→{role}")


def set_active(session: Session, username: str, active: bool, *, actor: str | None = None) -> None:
    """Deactivate (every session and token stops working at once) or reactivate a user."""
    user = get_user(session, username)
    user.is_active = active
    if not active:
        browser_sessions.end_all(session, user.id, "deactivated")
    session.flush()
    audit.record(
        session, "user_activated" if active else "user_deactivated", actor=actor, subject=username
    )


def refused() -> AuthenticationRequired:
    """The one answer to a wrong name or a wrong password (which of the two, it never says)."""
    return AuthenticationRequired(_("用户名或密码不正确。"))


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with these credentials; AuthenticationRequired otherwise.

    (The server's login uses :func:`landgis.login.log_in`, which also limits guessing and
    holds no database connection while the password is checked.)"""
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    usable = user is not None and user.is_active and user.password_hash
    if not verify_password(user.password_hash if usable and user else None, password):
        raise refused()
    assert user is not None and user.password_hash
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(
    session: Session, username: str, name: str = "api", *, actor: str | None = None
) -> str:
    """A new bearer token for the user; shown once, stored as a digest only."""
    user = get_user(session, username)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, digest=_digest(token), revoked=False))
    session.flush()
    audit.record(session, "token_issued", actor=actor, subject=username, detail=name)
    return token


def user_for_token(session: Session, token: str) -> User | None:
    """The active user a token belongs to, or None for an unknown or revoked token."""
    stmt = (
        select(User)
        .join(ApiToken, ApiToken.user_id == User.id)
        .where(ApiToken.digest == _digest(token), ApiToken.revoked.is_(False))
    )
    user = session.scalars(stmt).one_or_none()
    return user if user is not None and user.is_active else None


def revoke_tokens(session: Session, username: str, *, actor: str | None = None) -> int:
    """Revoke every token of a user; how many were revoked."""
    user = get_user(session, username)
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    for token in tokens:
        token.revoked = True
    session.flush()
    audit.record(session, "tokens_revoked", actor=actor, subject=username, detail=str(len(tokens)))
    return len(tokens)


def change_own_password(
    session: Session,
    username: str,
    current_password: str,
    new_password: str,
    *,
    keep_session: int | None = None,
) -> None:
    """A user's own password change: the current password must be right; every other
    browser session of theirs ends."""
    user = get_user(session, username)
    if not verify_password(user.password_hash, current_password):
        raise InvalidInput(
            _("当前密码不正确,密码未更改。"),
            problems=[{"field": "current_password", **in_both("problem", _("不正确"))}],
        )
    set_password(session, username, new_password, actor=username, keep_session=keep_session)


def end_sessions(
    session: Session,
    username: str,
    *,
    actor: str,
    session_id: int | None = None,
    keep_session: int | None = None,
) -> int:
    """End one browser session of ``username`` (``session_id``) or all of them (but
    ``keep_session``); recorded in the audit log. How many ended."""
    user = get_user(session, username)
    reason = "ended_by_user" if actor == username else "ended_by_admin"
    if session_id is not None:
        browser_sessions.end_one(session, session_id, reason, username=username)
        count = 1
    else:
        count = browser_sessions.end_all(session, user.id, reason, keep=keep_session)
    audit.record(session, "session_ended", actor=actor, subject=username, detail=f"{count}")
    return count


def end_any_session(session: Session, session_id: int, *, actor: str) -> str:
    """An administrator ends one browser session of anyone (recorded in the audit log);
    the name of the account it belonged to."""
    username = browser_sessions.end_one(session, session_id, "ended_by_admin")
    audit.record(session, "session_ended", actor=actor, subject=username, detail="1")
    return username
