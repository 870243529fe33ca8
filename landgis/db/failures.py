"""What a database error means for the user, decided in one place.

- **Busy** (:class:`~landgis.errors.Busy`, HTTP 503 with Retry-After): the write lock
  stayed taken for the whole busy timeout (a single-writer database); every pooled
  connection stayed in use for the pool's timeout; the database server cannot be reached
  or ended the connection (a restart, a fast shutdown, a refused connection); the server
  had no connection slot left for the pool's timeout. Nothing is
  wrong with the request: the same request later works.
- **Conflict** (HTTP 409): the server rolled the transaction back to break a deadlock or
  a serialization failure; the user tries again.
- Anything else is not a database condition a user can wait out: the caller re-raises it.

Each backend recognises its own driver's errors (:meth:`~landgis.db.backends.Backend.
failure`); the messages are here.
"""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy.exc import TimeoutError as PoolTimeout

from landgis.db.backends import BACKENDS, Failure
from landgis.errors import Busy, Conflict, LandGISError
from landgis.i18n import _

RETRY_AFTER_S = 2


def pool_exhausted(error: PoolTimeout) -> Busy:
    """Every pooled connection stayed in use for the pool's whole timeout."""
    return Busy(
        _("服务器正忙,请稍后再试。"),
        detail=str(error),
        retry_after=RETRY_AFTER_S,
    )


def database_locked(error: BaseException | str) -> Busy:
    """The write lock stayed taken (after the one retry)."""
    return Busy(
        _("数据库正忙于其他修改,本次未作任何更改,请稍后再试。"),
        detail=str(error),
        retry_after=RETRY_AFTER_S,
    )


def database_unavailable(error: BaseException) -> Busy:
    """The database server is not reachable right now. Whether a commit in flight got
    through is unknown, so the message says to check before repeating a change."""
    return Busy(
        _("数据库暂时无法访问(可能正在重启),请稍后再试;如刚才在保存修改,请先刷新查看是否已保存。"),
        detail=str(error),
        retry_after=RETRY_AFTER_S,
    )


def server_full(error: BaseException) -> Busy:
    """The database server had no connection slot left for the pool's whole timeout
    (other programs hold them all): nothing was done."""
    return Busy(
        _("服务器正忙,本次未作任何更改,请稍后再试。"),
        detail=str(error),
        retry_after=RETRY_AFTER_S,
    )


def collision(error: BaseException) -> Conflict:
    """The server broke a deadlock or a serialization failure by rolling back."""
    return Conflict(
        _("与其他同时进行的修改冲突,未作任何更改,请再试一次。"),
        detail=str(error),
    )


_USER_ERRORS: dict[Failure, Callable[[BaseException], LandGISError]] = {
    Failure.LOCKED: database_locked,
    Failure.COLLISION: collision,
    Failure.UNAVAILABLE: database_unavailable,
    Failure.FULL: server_full,
}


def database_error(error: BaseException) -> LandGISError | None:
    """The user-facing error for a database failure, or None when it is not one of the
    conditions above (a bug, a constraint: the caller re-raises it)."""
    if isinstance(error, PoolTimeout):
        return pool_exhausted(error)
    for backend in BACKENDS:
        failure = backend.failure(error)
        if failure is not None:
            return _USER_ERRORS[failure](error)
    return None
