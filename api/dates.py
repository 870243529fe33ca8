"""The one date type of the API's query parameters: a day written ``YYYY-MM-DD``.

Pydantic alone reads a bare number as seconds since 1970 (``as_of=0`` would be the ledger
of 1970-01-01) and accepts a date with a zero time; :data:`Day` takes the written day only,
and anything else is a 422 naming the format. The pages read their dates with
:func:`parse_day`, the same rule."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated

from pydantic import BeforeValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from landgis.i18n import _

DAY_PATTERN = r"^\d{4}-\d{2}-\d{2}$"
DATE_FORMAT_ERROR = "date_format"
DATE_FORMAT_TEXT = _("应为日期,写作 YYYY-MM-DD,例如 2023-08-31。")


def parse_day(text: str) -> dt.date:
    """The day ``text`` writes as ``YYYY-MM-DD``; ``ValueError`` for anything else."""
    if not re.fullmatch(DAY_PATTERN, text):
        raise ValueError(text)
    return dt.date.fromisoformat(text)


def _written_day(value: object) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    try:
        return parse_day(value) if isinstance(value, str) else parse_day("")
    except ValueError:
        raise PydanticCustomError(DATE_FORMAT_ERROR, DATE_FORMAT_TEXT.render("en")) from None


Day = Annotated[
    dt.date,
    BeforeValidator(_written_day),
    WithJsonSchema({"type": "string", "format": "date", "pattern": DAY_PATTERN}),
]
