"""One table maps library errors to HTTP status codes; every error body is JSON with a
Chinese ``message`` a clerk can act on and an English ``message_en`` (both rendered from
one catalogue message)."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlencode, urlsplit

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from sqlalchemy.exc import DataError, DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.dates import DATE_FORMAT_ERROR, DATE_FORMAT_TEXT
from api.security import BASE_HEADERS
from landgis.db.failures import database_error
from landgis.errors import (
    AuthenticationRequired,
    Busy,
    ConfigurationError,
    Conflict,
    CRSError,
    InvalidInput,
    LandGISError,
    NotFound,
    PermissionDenied,
    PreconditionRequired,
    TooLarge,
    TooManyAttempts,
    UnsupportedFileType,
)
from landgis.i18n import Localizable, Text, _, listing
from landgis.i18n.values import Label

log = logging.getLogger("landgis.api")

# Library error class -> HTTP status. Subclasses take their closest ancestor's entry:
# StaleVersion, ForbiddenTransition and ReadOnly are Conflicts (409); MissingEvidence is
# InvalidInput (422).
STATUS_CODES: dict[type[LandGISError], int] = {
    AuthenticationRequired: 401,
    PermissionDenied: 403,
    NotFound: 404,
    Conflict: 409,
    PreconditionRequired: 428,
    CRSError: 422,
    TooLarge: 413,
    UnsupportedFileType: 415,
    InvalidInput: 422,
    ConfigurationError: 503,
    Busy: 503,
    TooManyAttempts: 429,
}

HTTP_MESSAGES: dict[int, Text] = {
    404: _("没有这个地址。"),
    405: _("此地址不支持该请求方法。"),
    413: _("请求内容过大,已拒绝。"),
}


# Validation errors of landgis's own types, said in both languages.
LOCALIZED_PROBLEMS: dict[str, Localizable] = {DATE_FORMAT_ERROR: DATE_FORMAT_TEXT}


def status_code_for(error: LandGISError) -> int:
    """The HTTP status of a library error: the entry of its closest class in the table."""
    for cls in type(error).__mro__:
        if cls in STATUS_CODES:
            return STATUS_CODES[cls]
    return 400


def _body(error: str, message: Localizable, **extra: Any) -> dict[str, Any]:
    return {
        "error": error,
        "message": message.render("zh"),
        "message_en": message.render("en"),
        **extra,
    }


def _wants_page(request: Request) -> bool:
    return request.method == "GET" and "text/html" in request.headers.get("accept", "")


def _is_browser_form(request: Request) -> bool:
    """A form a browser posted (not a program's JSON or bearer-token request)."""
    kind = request.headers.get("content-type", "")
    return (
        request.method == "POST"
        and kind.startswith(("application/x-www-form-urlencoded", "multipart/form-data"))
        and "authorization" not in request.headers
        and "text/html" in request.headers.get("accept", "")
    )


def _form_page(request: Request) -> str:
    """The page a posted form came from (its Referer, when on this site), else home."""
    referer = urlsplit(request.headers.get("referer", ""))
    if referer.netloc == request.url.netloc and referer.path.startswith("/"):
        return referer.path + (f"?{referer.query}" if referer.query else "")
    return "/"


def _login_redirect(request: Request, error: AuthenticationRequired) -> Response | None:
    """A browser sent to the login page: for a page, to come back to it; for a form posted
    after the session ended, to come back to the form with what was typed (the page's
    script keeps it) and nothing applied."""
    if _wants_page(request):
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        return RedirectResponse(f"/login?{urlencode({'next': target})}", status_code=303)
    if _is_browser_form(request):
        query = urlencode({"next": _form_page(request) + "#resume", "resume": "1"})
        return RedirectResponse(f"/login?{query}", status_code=303)
    return None


async def landgis_error_handler(request: Request, error: Exception) -> Response:
    assert isinstance(error, LandGISError)
    if error.detail:
        log.warning("%s: %s", type(error).__name__, error.detail)
    if isinstance(error, AuthenticationRequired) and (redirect := _login_redirect(request, error)):
        return redirect
    status = status_code_for(error)
    headers = {"WWW-Authenticate": "Bearer"} if status == 401 else {}
    if isinstance(error, Busy | TooManyAttempts):
        headers["Retry-After"] = str(error.retry_after)
    return JSONResponse(status_code=status, content=error.to_dict(), headers=headers or None)


async def database_error_handler(request: Request, error: Exception) -> Response:
    """A database failure outside a unit of work (which maps its own): no free pooled
    connection, a busy SpatiaLite, a PostgreSQL server restarting or gone are 503 with
    Retry-After (busy, try again), a deadlock broken by PostgreSQL 409
    (:func:`landgis.db.failures.database_error` decides); anything else is a 500."""
    mapped = database_error(error)
    if mapped is None:
        return await unexpected_error_handler(request, error)
    return await landgis_error_handler(request, mapped)


async def validation_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, RequestValidationError)
    problems = []
    for item in error.errors():
        said = LOCALIZED_PROBLEMS.get(item.get("type", ""))
        problems.append(
            {
                "field": ".".join(str(part) for part in item.get("loc", ()) if part != "body"),
                "problem": said.render("zh") if said else item.get("msg", ""),
                "problem_en": said.render("en") if said else item.get("msg", ""),
            }
        )
    fields = [p["field"] for p in problems if p["field"]]
    message = (
        _("请求内容有误,请检查:{fields}。", fields=listing(fields))
        if fields
        else _("请求内容有误。")
    )
    body = _body("InvalidInput", message, problems=problems)
    return JSONResponse(status_code=422, content=body)


async def http_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, StarletteHTTPException)
    message = HTTP_MESSAGES.get(error.status_code) or Label(str(error.detail), str(error.detail))
    return JSONResponse(
        status_code=error.status_code,
        content=_body("HTTPError", message),
        headers=getattr(error, "headers", None),
    )


async def unstorable_value_handler(_request: Request, error: Exception) -> JSONResponse:
    """Values the database cannot hold (NUL characters, numbers out of range): the
    transaction was rolled back, and the client is told which kind of value to fix."""
    log.info("refused an unstorable value: %s", error)
    body = _body(
        "InvalidInput", _("输入中含有无法保存的字符(如空字符)或超出范围的数值,请修改后重试。")
    )
    return JSONResponse(status_code=422, content=body)


async def unexpected_error_handler(request: Request, error: Exception) -> Response:
    # Sent by the outermost middleware, around the security headers middleware.
    if (mapped := database_error(error)) is not None:  # a driver's error, or one met in
        answer = await landgis_error_handler(request, mapped)  # a middleware
        answer.headers.update(BASE_HEADERS)
        return answer
    log.exception("unexpected error", exc_info=error)
    body = _body("InternalError", _("服务器内部错误,已记录,请联系系统管理员。"))
    return JSONResponse(status_code=500, content=body, headers=BASE_HEADERS)


def install_error_handlers(app: FastAPI) -> None:
    """Register the error handlers on ``app``."""
    app.add_exception_handler(LandGISError, landgis_error_handler)
    app.add_exception_handler(RequestValidationError, validation_error_handler)
    app.add_exception_handler(StarletteHTTPException, http_error_handler)
    app.add_exception_handler(DataError, unstorable_value_handler)
    app.add_exception_handler(PoolTimeout, database_error_handler)
    app.add_exception_handler(DBAPIError, database_error_handler)
    app.add_exception_handler(OverflowError, unstorable_value_handler)
    app.add_exception_handler(Exception, unexpected_error_handler)
