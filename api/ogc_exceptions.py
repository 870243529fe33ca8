"""Errors of OGC API - Features requests as OGC exceptions.

The body is the standard's exception (``code``, ``description``) with landgis's usual
members (``error``, ``message`` in Chinese, ``message_en``). A bad or unknown query
parameter is a 400 ``InvalidParameterValue`` (the standard's status, where the rest of
landgis answers 422); other errors keep the status the app gives them
(:func:`api.errors.landgis_error_handler`).
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel

from api.errors import landgis_error_handler
from landgis.errors import InvalidInput, LandGISError
from landgis.i18n import Localizable, _, listing

INVALID_PARAMETER = "InvalidParameterValue"


class OGCException(BaseModel):
    """An OGC API exception, with landgis's message in Chinese and English."""

    code: str
    description: str
    error: str
    message: str
    message_en: str


def invalid_parameter(
    message: Localizable, problems: list[dict[str, Any]] | None = None
) -> JSONResponse:
    """A 400 ``InvalidParameterValue`` saying ``message``."""
    body = _body(INVALID_PARAMETER, "InvalidInput", message)
    if problems:
        body["problems"] = problems
    return JSONResponse(status_code=400, content=body)


def from_validation_error(error: RequestValidationError) -> JSONResponse:
    """FastAPI's refusal of a parameter value (not a number, below its minimum …) as a 400
    naming the parameters."""
    problems = [
        {
            "field": ".".join(str(p) for p in item.get("loc", ()) if p not in ("query", "path")),
            "problem": item.get("msg", ""),
            "problem_en": item.get("msg", ""),
        }
        for item in error.errors()
    ]
    fields = [p["field"] for p in problems if p["field"]]
    message = (
        _("请求内容有误,请检查:{fields}。", fields=listing(fields))
        if fields
        else _("请求内容有误。")
    )
    return invalid_parameter(message, problems)


async def from_landgis_error(request: Request, error: LandGISError) -> Response:
    """A library error as an OGC exception: a refused value (InvalidInput) is a 400;
    any other error keeps the status (and headers, or the login redirect of a browser)
    the app gives it."""
    if isinstance(error, InvalidInput):
        return invalid_parameter(error.text, error.problems)
    answer = await landgis_error_handler(request, error)
    if not isinstance(answer, JSONResponse):
        return answer
    headers = {k: v for k, v in answer.headers.items() if k.lower() != "content-length"}
    body = _body(type(error).__name__, type(error).__name__, error.text)
    return JSONResponse(status_code=answer.status_code, content=body, headers=headers)


def _body(code: str, error: str, message: Localizable) -> dict[str, Any]:
    return {
        "code": code,
        "description": message.render("en"),
        "error": error,
        "message": message.render("zh"),
        "message_en": message.render("en"),
    }


_EXCEPTION = {"model": OGCException}
# How the errors of every OGC operation are documented ("default" also keeps FastAPI from
# documenting a 422, which OGC routes never answer).
RESPONSES: dict[int | str, dict[str, Any]] = {
    400: {**_EXCEPTION, "description": "An unknown query parameter, or an invalid value"},
    "default": {
        **_EXCEPTION,
        "description": "Any other error: 401/403 when reading needs a login, 500, 503 (busy)",
    },
}
NOT_FOUND: dict[int | str, dict[str, Any]] = {
    404: {**_EXCEPTION, "description": "No such collection or feature"},
}
