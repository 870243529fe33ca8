"""Staff accounts: roles, passwords (argon2) and bearer tokens for programs."""

from __future__ import annotations

import hashlib
import re
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.db.models import ApiToken, User
from landgis.errors import AuthenticationRequired, Conflict, InvalidInput, NotFound
from landgis.vocab import ROLES

MIN_PASSWORD_LENGTH = 8
USERNAME_PATTERN = re.compile(r"^[A-Za-z0-9_.\-]{2,64}$")
_HASHER = PasswordHasher()


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``, refusing passwords too short to be safe."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInput(
            f"密码至少需要 {MIN_PASSWORD_LENGTH} 个字符。",
            f"A password needs at least {MIN_PASSWORD_LENGTH} characters.",
        )
    return _HASHER.hash(password)


def _check_role(role: str) -> None:
    if role not in ROLES:
        raise InvalidInput(
            f"未知角色 {role}:可选 {'、'.join(ROLES)}。",
            f"Unknown role {role!r}; one of {', '.join(ROLES)}.",
        )


def list_users(session: Session) -> list[User]:
    """Every user, by name."""
    return list(session.scalars(select(User).order_by(User.username)))


def get_user(session: Session, username: str) -> User:
    """The user with this name; NotFound otherwise."""
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None:
        raise NotFound(f"没有用户 {username}。", f"No user named {username}.")
    return user


def create_user(
    session: Session,
    username: str,
    password: str,
    role: str = "viewer",
    display_name: str | None = None,
) -> User:
    """A new active user."""
    if not USERNAME_PATTERN.match(username):
        raise InvalidInput(
            "用户名只能包含字母、数字、下划线、点和连字符,长度 2-64。",
            "A username has 2-64 letters, digits, underscores, dots or hyphens.",
        )
    _check_role(role)
    if session.scalar(select(User.id).where(User.username == username)) is not None:
        raise Conflict(f"用户 {username} 已存在。", f"User {username} already exists.")
    user = User(
        username=username,
        password_hash=hash_password(password),
        role=role,
        display_name=display_name,
        is_active=True,
    )
    session.add(user)
    session.flush()
    return user


def set_password(session: Session, username: str, password: str) -> None:
    """Replace a user's password."""
    get_user(session, username).password_hash = hash_password(password)
    session.flush()


def set_role(session: Session, username: str, role: str) -> None:
    """Change a user's role."""
    _check_role(role)
    get_user(session, username).role = role
    session.flush()


def _refused() -> AuthenticationRequired:
    return AuthenticationRequired(
        "用户名或密码不正确。", "The username or password is not correct."
    )


def authenticate(session: Session, username: str, password: str) -> User:
    """The active user with these credentials; AuthenticationRequired otherwise."""
    user = session.scalars(select(User).where(User.username == username)).one_or_none()
    if user is None or not user.is_active or not user.password_hash:
        _HASHER.hash(password)  # spend the same time whether or not the user exists
        raise _refused()
    try:
        _HASHER.verify(user.password_hash, password)
    except (VerificationError, InvalidHashError) as exc:
        raise _refused() from exc
    if _HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = _HASHER.hash(password)
    return user


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, username: str, name: str = "api") -> str:
    """A new bearer token for the user; shown once, stored as a digest only."""
    user = get_user(session, username)
    token = secrets.token_urlsafe(32)
    session.add(ApiToken(user_id=user.id, name=name, digest=_digest(token), revoked=False))
    session.flush()
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


def revoke_tokens(session: Session, username: str) -> int:
    """Revoke every token of a user; how many were revoked."""
    user = get_user(session, username)
    tokens = session.scalars(select(ApiToken).where(ApiToken.user_id == user.id)).all()
    for token in tokens:
        token.revoked = True
    session.flush()
    return len(tokens)
