"""The route class of the OGC API routers: it refuses unknown query parameters and answers
errors as OGC exceptions (a bad parameter value is a 400, not FastAPI's 422). Answers may
depend on the ``Accept`` header (JSON or HTML, :mod:`api.ogc_format`), and say so
(``Vary: Accept``)."""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.routing import APIRoute

from api.ogc_exceptions import from_landgis_error, from_validation_error
from api.ogc_parameters import check_parameters
from landgis.errors import LandGISError


class OGCRoute(APIRoute):
    """A route of OGC API - Features (``APIRouter(route_class=OGCRoute)``)."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()
        name = self.name

        async def ogc_handler(request: Request) -> Response:
            try:
                check_parameters(name, request.query_params.keys())
                response = await handler(request)
            except RequestValidationError as error:
                response = from_validation_error(error)
            except LandGISError as error:
                response = await from_landgis_error(request, error)
            response.headers.append("Vary", "Accept")
            return response

        return ogc_handler
