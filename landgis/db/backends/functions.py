"""SQL functions that both backends have under different spellings.

Each is an SQL expression element usable in any statement; how it is written in SQL is
registered by each backend module (:func:`render`), so a statement built once compiles
right on either backend.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Boolean, Float, Text
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

Rendering = str | Callable[..., str]


class Envelope(FunctionElement[Any]):
    """``Envelope(minx, miny, maxx, maxy, srid)``: that rectangle as a geometry."""

    inherit_cache = True
    name = "landgis_envelope"


class IndexOverlaps(FunctionElement[bool]):
    """``IndexOverlaps(geom_column, box)``: rows whose geometry's bounding box overlaps the
    geometry ``box``, answered from the spatial index (a prefilter, not an exact test).
    ``geom_column`` is a column of a table (not of an alias or subquery)."""

    inherit_cache = True
    name = "landgis_index_overlaps"
    type = Boolean()
    # A condition as it stands: SQLAlchemy writes no ``= 1`` after it where booleans are
    # integers (SQLite), which would keep SQLite from looking the rows up by ROWID.
    _is_implicitly_boolean = True


class BoxIntersects(FunctionElement[bool]):
    """``BoxIntersects(geom, box)``: whether ``geom`` intersects the geometry ``box``
    (``ST_Intersects``), its candidates found by the spatial index where the backend's
    ``ST_Intersects`` does not use it by itself (SpatiaLite) and ``geom`` is a spatially
    indexed column of a table."""

    inherit_cache = True
    name = "landgis_box_intersects"
    type = Boolean()
    _is_implicitly_boolean = True


class JsonObject(FunctionElement[str]):
    """``JsonObject(name1, value1, name2, value2, …)``: a JSON object, its members in the
    order given."""

    inherit_cache = True
    name = "landgis_json_object"
    type = Text()


class JsonText(FunctionElement[str]):
    """``JsonText(json)``: a JSON value (from :class:`JsonObject`) as a string."""

    inherit_cache = True
    name = "landgis_json_text"
    type = Text()


class GeoJsonGeometry(FunctionElement[Any]):
    """``GeoJsonGeometry(geom, decimals)``: a geometry as a JSON value for a
    :class:`JsonObject` member (coordinates rounded to ``decimals``; no bbox and no crs
    member, as RFC 7946 wants)."""

    inherit_cache = True
    name = "landgis_geojson_geometry"


class JsonBoolean(FunctionElement[Any]):
    """``JsonBoolean(condition)``: ``true``/``false`` as a :class:`JsonObject` member
    (a NULL condition is false)."""

    inherit_cache = True
    name = "landgis_json_boolean"


class JsonNumber(FunctionElement[Any]):
    """``JsonNumber(float_column)``: a float as a :class:`JsonObject` member that reads back
    as the same double."""

    inherit_cache = True
    name = "landgis_json_number"


class Rounded(FunctionElement[Any]):
    """``Rounded(number, digits)``: a float rounded to ``digits`` decimals."""

    inherit_cache = True
    name = "landgis_rounded"


class YearMonth(FunctionElement[str]):
    """``YearMonth(day)``: the month of a date as ``YYYY-MM``."""

    inherit_cache = True
    name = "landgis_year_month"
    type = Text()


class SwappedAxes(FunctionElement[Any]):
    """``SwappedAxes(geom)``: the geometry with x and y exchanged in every point (for a
    CRS whose first axis is the latitude or the northing)."""

    inherit_cache = True
    name = "landgis_swapped_axes"


class CaseSensitiveLike(FunctionElement[bool]):
    """``CaseSensitiveLike(text, like_pattern, glob_pattern)``: whether ``text`` matches a
    pattern, letter case counting, given both as a LIKE pattern (``%``, ``_``, escaped by
    a backslash) and as the same GLOB pattern (``*``, ``?``, ``[*]``), for a backend whose
    LIKE ignores case."""

    inherit_cache = True
    name = "landgis_case_sensitive_like"
    type = Boolean()


class GeodesicArea(FunctionElement[float]):
    """``GeodesicArea(geom)``: the area in m² of an EPSG:4490 geometry on the ellipsoid."""

    inherit_cache = True
    name = "landgis_geodesic_area"
    type = Float()


class JoinedTexts(FunctionElement[str]):
    """``JoinedTexts(text)``: an aggregate, the group's texts in their order joined by
    commas (NULL for no rows)."""

    inherit_cache = True
    name = "landgis_joined_texts"
    type = Text()


class JsonListText(FunctionElement[str]):
    """``JsonListText(json_column)``: a JSON array of strings as one text, its items joined
    by commas in their order (NULL for NULL, '' for an empty array)."""

    inherit_cache = True
    name = "landgis_json_list_text"
    type = Text()


def render(dialect: str, renderings: Mapping[type[FunctionElement[Any]], Rendering]) -> None:
    """Write each element as ``dialect`` spells it: a template (``{args}`` stands for all
    the element's arguments, ``{0}``, ``{1}`` … for each one) or a compiler function
    ``(element, compiler, **kw) -> str``."""
    for element, rendering in renderings.items():
        compiles(element, dialect)(rendering if callable(rendering) else _from_template(rendering))


def _from_template(template: str) -> Callable[..., str]:
    def rendered(element: FunctionElement[Any], compiler: Any, **kw: Any) -> str:
        args = [compiler.process(clause, **kw) for clause in element.clauses.clauses]
        return template.format(*args, args=", ".join(args))

    return rendered
