"""Who makes a request: a browser session or a bearer token, and what their role allows."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fastapi import Request


@dataclass(frozen=True)
class Principal:
    """The user behind a request."""

    username: str
    role: str
    display_name: str | None = None


def current_principal(request: Request) -> Principal | None:
    """The logged-in user, or None."""
    return None


def require_role(role: str) -> Callable[..., Principal | None]:
    """A dependency admitting users with at least ``role`` (viewers: also anonymous reads
    when the settings leave reading open)."""

    def dependency(request: Request) -> Principal | None:
        return current_principal(request)

    return dependency
