"""The JSON of a page of features and of one feature, with the members the API adds."""

from __future__ import annotations

import json
from typing import Any

from landgis.features.base import Page
from landgis.wallclock import utc_now


def feature_collection_json(page: Page, members: dict[str, Any]) -> str:
    """The page as an RFC 7946 FeatureCollection string with ``members`` added
    (``numberMatched`` when counted, ``numberReturned``, ``timeStamp``, the caller's links)."""
    return (
        '{"type":"FeatureCollection","features":['
        + ",".join(page.features)
        + "],"
        + members_json(page, members)[1:]
    )


def members_json(page: Page, members: dict[str, Any]) -> str:
    """``numberMatched``, ``numberReturned``, ``timeStamp`` and ``members`` as a JSON object."""
    extra: dict[str, Any] = {}
    if page.number_matched is not None:
        extra["numberMatched"] = page.number_matched
    extra |= {"numberReturned": page.number_returned, "timeStamp": timestamp(), **members}
    return json.dumps(extra, ensure_ascii=False)


def feature_json(feature: str, members: dict[str, Any]) -> str:
    """A Feature string with ``members`` (links) added."""
    return feature.rstrip()[:-1] + "," + json.dumps(members, ensure_ascii=False)[1:]


def timestamp() -> str:
    """Now, in UTC, as RFC 3339 (``2024-05-01T08:00:00Z``)."""
    return utc_now().isoformat().replace("+00:00", "Z")
