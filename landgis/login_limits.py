"""Limits on password guessing: failed logins counted per account name and per client
address in a window; past the limit, that name or address is locked for a while.

The lock applies to the name typed whether or not such an account exists, and its
message says when to try again without saying whether it does."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from landgis.db.backends import backend_for
from landgis.db.models import LoginThrottle
from landgis.errors import TooManyAttempts
from landgis.i18n import _
from landgis.wallclock import as_utc, utc_now

CHINA_TIME = dt.timezone(dt.timedelta(hours=8))


@dataclass(frozen=True)
class LoginLimits:
    """How many failures a name or an address may have in ``window_minutes``; a lock
    lasts ``lock_minutes``. Zero failures allowed turns that limit off."""

    per_account: int = 5
    per_address: int = 20
    window_minutes: int = 15
    lock_minutes: int = 15


def account_key(username: str) -> str:
    return "account:" + username.strip().lower()[:180]


def address_key(client_addr: str | None) -> str | None:
    return f"address:{client_addr}" if client_addr else None


def _keys(username: str, client_addr: str | None, limits: LoginLimits) -> list[tuple[str, int]]:
    keys = [(account_key(username), limits.per_account)]
    address = address_key(client_addr)
    if address is not None:
        keys.append((address, limits.per_address))
    return [(key, limit) for key, limit in keys if limit > 0]


def locked_error(until: dt.datetime) -> TooManyAttempts:
    """The refusal of a locked login: when to retry, nothing about the account."""
    local = as_utc(until).astimezone(CHINA_TIME)
    seconds = max(1, int((as_utc(until) - utc_now()).total_seconds()))
    return TooManyAttempts(
        _("登录失败次数过多,已暂时锁定,请于 {local:%H:%M} 后再试。", local=local),
        retry_after=seconds,
    )


def check_not_locked(
    session: Session, username: str, client_addr: str | None, limits: LoginLimits
) -> None:
    """Refuse (:class:`TooManyAttempts`) while the name or the address is locked."""
    now = utc_now()
    for key, _limit in _keys(username, client_addr, limits):
        row = session.get(LoginThrottle, key)
        if row is not None and row.locked_until is not None and as_utc(row.locked_until) > now:
            raise locked_error(row.locked_until)


def record_failure(
    session: Session, username: str, client_addr: str | None, limits: LoginLimits
) -> dt.datetime | None:
    """Count a failed login; the time the lock ends when this failure locked a key."""
    now = utc_now()
    window = dt.timedelta(minutes=limits.window_minutes)
    locked: dt.datetime | None = None
    for key, limit in _keys(username, client_addr, limits):
        backend_for(session).insert_if_missing(
            session,
            LoginThrottle.__table__,
            {"key": key, "failures": 0, "window_started_at": now, "locked_until": None},
        )
        row = session.scalars(
            select(LoginThrottle).where(LoginThrottle.key == key).with_for_update()
        ).one()
        if as_utc(row.window_started_at) + window <= now:
            row.failures, row.window_started_at, row.locked_until = 0, now, None
        row.failures += 1
        if row.failures >= limit:
            row.locked_until = now + dt.timedelta(minutes=limits.lock_minutes)
            row.failures, row.window_started_at = 0, now
            locked = max(locked or row.locked_until, row.locked_until)
    session.flush()
    return locked


def record_success(session: Session, username: str) -> None:
    """A correct password clears the account's count (the address's stays)."""
    session.execute(delete(LoginThrottle).where(LoginThrottle.key == account_key(username)))
