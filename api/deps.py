"""Typed dependencies shared by the routers: settings, the database session, who asks."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import AsyncExitStack, asynccontextmanager
from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import contextmanager_in_threadpool
from sqlalchemy.orm import Session

from api.auth import SAFE_METHODS, Principal, current_principal, require_login, require_role
from api.read_routing import request_read_session, request_read_transaction
from landgis.db.backends import backend_for
from landgis.db.failures import database_locked
from landgis.db.session import transaction
from landgis.ledger_service import LedgerService
from landgis.settings import Settings


async def get_settings(request: Request) -> Settings:
    """The settings the app was built with (async: no worker thread for a lookup)."""
    return request.app.state.settings


@asynccontextmanager
async def _turn_to_write(request: Request) -> AsyncIterator[None]:
    """Where the backend has one writer at a time, this worker's writing requests wait for
    their turn here, on the event loop. Waiting in a worker thread instead (for the
    database's lock or the process's :class:`~landgis.db.backends.WriterGate`) would hold
    the thread, and with enough writers waiting every thread of the pool: the request
    writing could then not get one to commit in, and everyone would wait out the timeout."""
    engine = request.app.state.engine
    gate = backend_for(engine).writer_gate(engine)
    if gate is None:
        yield
        return
    state = request.app.state
    turn = getattr(state, "write_turn", None)
    if turn is None:
        turn = state.write_turn = asyncio.Semaphore(1)
    try:
        async with asyncio.timeout(gate.wait_s):
            await turn.acquire()
    except TimeoutError:
        raise database_locked(f"no turn to write within {gate.wait_s:g} s") from None
    try:
        yield
    finally:
        turn.release()


async def get_session(request: Request) -> AsyncIterator[Session]:
    """A session in one transaction, committed when the route function returns, before the
    response is sent, so a failed commit is reported to the client. Only requests that
    change something (POST, PUT, PATCH, DELETE) write: they begin as writers (taking the
    write lock up front where the backend has one), after waiting their turn without a
    thread (:func:`_turn_to_write`);
    reads never do (see :mod:`landgis.db.session`), and go to the replica when there is
    one. The transaction begins and ends in the thread pool."""
    write = request.method not in SAFE_METHODS
    async with AsyncExitStack() as stack:
        if write:
            await stack.enter_async_context(_turn_to_write(request))
            unit = transaction(request.app.state.engine)
        else:  # on the replica when there is one (see api.read_routing)
            unit = request_read_transaction(request)
        yield await stack.enter_async_context(contextmanager_in_threadpool(unit))


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for read-only routes answered by one or two statements: no transaction
    round trips (see :func:`landgis.db.session.read_session`), on the replica when there
    is one (see :mod:`api.read_routing`)."""
    with request_read_session(request) as session:
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


def editor_ledger(session: SessionDep, settings: SettingsDep, user: EditorDep) -> LedgerService:
    """The ledger's use cases for an editor (or administrator), in the request's transaction."""
    return LedgerService(session, settings, user.actor)


def admin_ledger(session: SessionDep, settings: SettingsDep, user: AdminDep) -> LedgerService:
    """The ledger's use cases for an administrator, in the request's transaction."""
    return LedgerService(session, settings, user.actor)


EditorLedgerDep = Annotated[LedgerService, Depends(editor_ledger)]
AdminLedgerDep = Annotated[LedgerService, Depends(admin_ledger)]
