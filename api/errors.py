"""One table maps library errors to HTTP status codes; bodies are JSON a clerk can act on."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

from landgis.errors import (
    ConfigurationError,
    Conflict,
    CRSError,
    InvalidInput,
    LandGISError,
    NotFound,
)

log = logging.getLogger("landgis.api")

STATUS_CODES: dict[type[LandGISError], int] = {
    NotFound: 404,
    Conflict: 409,
    CRSError: 422,
    InvalidInput: 422,
    ConfigurationError: 503,
}


def status_code_for(error: LandGISError) -> int:
    """The HTTP status of a library error: the entry of its closest class in the table."""
    for cls in type(error).__mro__:
        if cls in STATUS_CODES:
            return STATUS_CODES[cls]
    return 400


async def landgis_error_handler(_request: Request, error: Exception) -> JSONResponse:
    assert isinstance(error, LandGISError)
    if error.detail:
        log.warning("%s: %s", type(error).__name__, error.detail)
    return JSONResponse(status_code=status_code_for(error), content=error.to_dict())


def install_error_handlers(app: FastAPI) -> None:
    """Register the library-error handler on ``app``."""
    app.add_exception_handler(LandGISError, landgis_error_handler)
