"""Typed dependencies shared by the routers: settings, the database session, who asks."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from api.auth import SAFE_METHODS, Principal, current_principal, require_login, require_role
from landgis.db.session import read_session, transaction
from landgis.settings import Settings


async def get_settings(request: Request) -> Settings:
    """The settings the app was built with (async: no worker thread for a lookup)."""
    return request.app.state.settings


def get_session(request: Request) -> Iterator[Session]:
    """A session in one transaction, committed when the route function returns, before the
    response is sent, so a failed commit is reported to the client. Only requests that
    change something (POST, PUT, PATCH, DELETE) write: on SpatiaLite they take the write
    lock up front, reads never do (see :mod:`landgis.db.session`)."""
    write = request.method not in SAFE_METHODS
    with transaction(request.app.state.engine, write=write) as session:
        yield session


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for read-only routes answered by one or two statements: no transaction
    round trips (see :func:`landgis.db.session.read_session`)."""
    with read_session(request.app.state.engine) as session:
        yield session


SettingsDep = Annotated[Settings, Depends(get_settings)]
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
ReadSessionDep = Annotated[Session, Depends(get_read_session, scope="function")]
# Who asks: None for an anonymous reader (when reads are open).
PrincipalDep = Annotated[Principal | None, Depends(current_principal)]
ReaderDep = Annotated[Principal | None, Depends(require_role("viewer"))]
EditorDep = Annotated[Principal, Depends(require_role("editor"))]
AdminDep = Annotated[Principal, Depends(require_role("admin"))]
# Any logged-in user (their own account): never anonymous.
LoggedInDep = Annotated[Principal, Depends(require_login())]
