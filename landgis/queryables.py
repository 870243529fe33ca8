"""The queryables of a collection (OGC API - Features Part 3): the properties a filter may
name, as a JSON Schema (2020-12) read from the collection's declared properties
(:mod:`landgis.feature_properties`)."""

from __future__ import annotations

from typing import Any

from landgis.feature_properties import PropertyMap

MEDIA_TYPE = "application/schema+json"
JSON_SCHEMA = "https://json-schema.org/draft/2020-12/schema"
# Part 3: a spatial queryable is a geometry of any kind.
GEOMETRY_ANY = "geometry-any"
_FORMATS = {"date": "date", "date-time": "date-time"}


def queryables(properties: PropertyMap, title: str, url: str) -> dict[str, Any]:
    """The queryables document of a collection titled ``title``, served at ``url``."""
    members: dict[str, Any] = {}
    for prop in properties.properties:
        member: dict[str, Any] = {"title": prop.title}
        if prop.type in _FORMATS:
            member |= {"type": "string", "format": _FORMATS[prop.type]}
        else:
            member["type"] = prop.type
        if prop.enum:
            member["enum"] = list(prop.enum)
        members[prop.name] = member
    geometry = properties.geometry
    members[geometry.name] = {"title": geometry.title, "format": GEOMETRY_ANY}
    return {
        "$schema": JSON_SCHEMA,
        "$id": url,
        "type": "object",
        "title": title,
        "properties": members,
        # A filter naming anything else is refused.
        "additionalProperties": False,
    }
