"""Stored timestamps as RFC 3339 text in UTC, to the second, on either backend.

``UtcText(column)`` reads the same on SpatiaLite (which stores UTC text) and PostGIS
(``timestamptz``): ``2024-05-01T08:00:00Z``. The text is fixed-width, so comparing two of
them compares the instants, and a feature's timestamp can be both shown and filtered on
in SQL.
"""

from __future__ import annotations

from sqlalchemy import Text
from sqlalchemy.sql.functions import FunctionElement

from landgis.db.backends.functions import render

UTC_TEXT_FORMAT = "%Y-%m-%dT%H:%M:%SZ"


class UtcText(FunctionElement[str]):
    """``UtcText(timestamp)``: the instant in UTC as ``YYYY-MM-DDTHH:MM:SSZ`` (NULL stays
    NULL)."""

    inherit_cache = True
    name = "landgis_utc_text"
    type = Text()


render("sqlite", {UtcText: f"strftime('{UTC_TEXT_FORMAT}', {{0}})"})
render(
    "postgresql",
    {UtcText: """to_char({0} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""},
)
