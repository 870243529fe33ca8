"""A CQL2 filter (pygeofilter's syntax tree, :mod:`landgis.cql2_parse`) as one SQL
condition over a collection's properties (:mod:`landgis.feature_properties`), the same
on SpatiaLite and PostGIS: every comparison runs in the database, every value is a bound
parameter.

What it understands: AND, OR, NOT; = <> < > <= >=, BETWEEN, LIKE, IN, IS NULL between
properties and literals (strings, numbers, booleans, DATE, TIMESTAMP) or between two
properties; + - * / on numbers; S_INTERSECTS, S_EQUALS, S_DISJOINT, S_TOUCHES, S_WITHIN,
S_OVERLAPS, S_CROSSES and S_CONTAINS between the geometry and a literal (POINT …
MULTIPOLYGON, BBOX) in ``filter-crs``. Values are compared as the features show them:
timestamps in UTC to the second, areas in 亩 rounded as shown. Anything else, an unknown
property, or values of different types, is an InvalidInput naming what is wrong.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pygeofilter import ast, values
from sqlalchemy import (
    Boolean,
    Date,
    Float,
    Integer,
    String,
    and_,
    cast,
    false,
    func,
    literal,
    not_,
    or_,
    true,
)

from landgis.cql2_geometry import bbox_shape, geometry_sql
from landgis.cql2_geometry import geometry_shape as literal_shape
from landgis.cql2_like import like_patterns
from landgis.db.backends import CaseSensitiveLike, IndexOverlaps
from landgis.db.backends.timestamps import UtcText
from landgis.errors import InvalidInput
from landgis.feature_properties import GeometryProperty, Property, PropertyMap
from landgis.i18n import _, listing
from landgis.ogc_crs import Crs
from landgis.temporal import utc_text

# Integers up to this size are bound as integers (SQLite's are 64-bit).
_LARGEST_INTEGER = 2**53
# The types values are compared as: a property's, or a literal's.
NUMBER = "number"
GEOMETRY = "geometry"
_COMPARABLE = {"integer": NUMBER, "number": NUMBER}
_COMPARISONS: dict[type, Callable[[Any, Any], Any]] = {
    ast.Equal: lambda a, b: a == b,
    ast.NotEqual: lambda a, b: a != b,
    ast.LessThan: lambda a, b: a < b,
    ast.LessEqual: lambda a, b: a <= b,
    ast.GreaterThan: lambda a, b: a > b,
    ast.GreaterEqual: lambda a, b: a >= b,
}
_ORDERED = {NUMBER, "string", "date", "date-time"}
_SPATIAL: dict[type, str] = {
    ast.GeometryIntersects: "ST_Intersects",
    ast.GeometryEquals: "ST_Equals",
    ast.GeometryDisjoint: "ST_Disjoint",
    ast.GeometryTouches: "ST_Touches",
    ast.GeometryWithin: "ST_Within",
    ast.GeometryOverlaps: "ST_Overlaps",
    ast.GeometryCrosses: "ST_Crosses",
    ast.GeometryContains: "ST_Contains",
}
_ARITHMETIC: dict[type, Callable[[Any, Any], Any]] = {
    ast.Add: lambda a, b: a + b,
    ast.Sub: lambda a, b: a - b,
    ast.Mul: lambda a, b: a * b,
    # A real quotient on both backends; NULL, not an error, for a zero divisor.
    ast.Div: lambda a, b: cast(a, Float()) / func.nullif(b, 0),
}


@dataclass(frozen=True)
class Operand:
    """One side of a comparison: its SQL, the type it is compared as, and what it is (a
    property's name, or how a literal is shown in messages)."""

    sql: Any
    type: str
    label: str
    literal: Any = None
    property: Property | GeometryProperty | None = None


def condition(tree: Any, properties: PropertyMap, today: dt.date, crs: Crs) -> Any:
    """The SQL condition the filter ``tree`` stands for; its geometries are in ``crs``."""
    try:
        return _Translator(properties, today, crs).condition(tree)
    except RecursionError:
        raise InvalidInput(_("filter 嵌套过深。")) from None


class _Translator:
    def __init__(self, properties: PropertyMap, today: dt.date, crs: Crs) -> None:
        self.properties = properties
        self.today = today
        self.crs = crs

    # --- conditions --------------------------------------------------------------------

    def condition(self, node: Any) -> Any:
        if isinstance(node, ast.And):
            return and_(self.condition(node.lhs), self.condition(node.rhs))
        if isinstance(node, ast.Or):
            return or_(self.condition(node.lhs), self.condition(node.rhs))
        if isinstance(node, ast.Not):
            return not_(self.condition(node.sub_node))
        if isinstance(node, ast.Include):
            return false() if node.not_ else true()
        if type(node) in _COMPARISONS:
            return self.comparison(node)
        if isinstance(node, ast.Between):
            return self.between(node)
        if isinstance(node, ast.Like):
            return self.like(node)
        if isinstance(node, ast.In):
            return self.in_(node)
        if isinstance(node, ast.IsNull):
            found = self.operand(node.lhs)
            return found.sql.is_not(None) if node.not_ else found.sql.is_(None)
        if type(node) in _SPATIAL:
            lhs, rhs = self.operand(node.lhs), self.operand(node.rhs)
            return self.spatial(_SPATIAL[type(node)], lhs, rhs)
        if isinstance(node, ast.BBox):  # the BBOX(geom, …) predicate of earlier drafts
            corners = [node.minx, node.miny, node.maxx, node.maxy]
            area = self.geometry(bbox_shape(corners, self.crs), "BBOX")
            return self.spatial("ST_Intersects", self.operand(node.lhs), area)
        raise InvalidInput(_("filter 中的 {operator} 不受支持。", operator=_operator_name(node)))

    def comparison(self, node: Any) -> Any:
        lhs, rhs = self.operand(node.lhs), self.operand(node.rhs)
        kind = self.same_type(lhs, rhs, _operator_name(node))
        if kind == GEOMETRY or (
            kind == "boolean" and not isinstance(node, ast.Equal | ast.NotEqual)
        ):
            raise InvalidInput(
                _(
                    "filter 中 {lhs} 与 {rhs} 不能用 {operator} 比较。",
                    lhs=lhs.label,
                    rhs=rhs.label,
                    operator=_operator_name(node),
                )
            )
        if isinstance(node, ast.Equal | ast.NotEqual):
            self.check_codes(lhs, rhs)
            self.check_codes(rhs, lhs)
        return _COMPARISONS[type(node)](lhs.sql, rhs.sql)

    def between(self, node: ast.Between) -> Any:
        value, low, high = self.operand(node.lhs), self.operand(node.low), self.operand(node.high)
        self.same_type(value, low, "BETWEEN")
        kind = self.same_type(value, high, "BETWEEN")
        if kind not in _ORDERED:
            raise InvalidInput(_("filter 中 {name} 不能用 BETWEEN 比较。", name=value.label))
        inside = value.sql.between(low.sql, high.sql)
        return not_(inside) if node.not_ else inside

    def like(self, node: ast.Like) -> Any:
        value = self.operand(node.lhs)
        if value.type != "string" or not isinstance(node.pattern, str):
            raise InvalidInput(
                _("filter 中 LIKE 应比较文本属性与文本模式,而不是 {name}。", name=value.label)
            )
        like, glob = like_patterns(node.pattern)
        matches = CaseSensitiveLike(value.sql, literal(like, String()), literal(glob, String()))
        return not_(matches) if node.not_ else matches

    def in_(self, node: ast.In) -> Any:
        value = self.operand(node.lhs)
        options = [self.operand(option) for option in node.sub_nodes]
        for option in options:
            self.same_type(value, option, "IN")
            self.check_codes(value, option)
        if value.type == GEOMETRY:
            raise InvalidInput(_("filter 中 {name} 不能用 IN 比较。", name=value.label))
        inside = or_(*(value.sql == option.sql for option in options))
        return not_(inside) if node.not_ else inside

    def spatial(self, function: str, lhs: Operand, rhs: Operand) -> Any:
        for side in (lhs, rhs):
            if side.type != GEOMETRY:
                raise InvalidInput(
                    _(
                        "filter 中 {function} 应比较几何({geometry})与几何,而不是 {name}。",
                        function=function.replace("ST_", "S_").upper(),
                        geometry=self.properties.geometry.name,
                        name=side.label,
                    )
                )
        test = getattr(func, function)(lhs.sql, rhs.sql)
        if function == "ST_Disjoint":
            return test
        # Any other relation needs the bounding boxes to meet: the spatial index finds
        # the candidates.
        for column, other in ((lhs, rhs), (rhs, lhs)):
            found = column.property
            if isinstance(found, GeometryProperty) and found.indexed and other.property is None:
                return and_(IndexOverlaps(column.sql, other.sql), test)
        return test

    # --- values ------------------------------------------------------------------------

    def operand(self, node: Any) -> Operand:
        if isinstance(node, ast.Attribute):
            return self.attribute(node.name)
        if type(node) in _ARITHMETIC:
            lhs, rhs = self.operand(node.lhs), self.operand(node.rhs)
            for side in (lhs, rhs):
                if side.type != NUMBER:
                    raise InvalidInput(
                        _("filter 中的算术只用于数值,{name} 不是数值。", name=side.label)
                    )
            label = f"({lhs.label} {node.op.value} {rhs.label})"
            return Operand(_ARITHMETIC[type(node)](lhs.sql, rhs.sql), NUMBER, label)
        if isinstance(node, values.Geometry):
            return self.geometry(literal_shape(node.geometry, self.crs), node.geometry.get("type"))
        if isinstance(node, ast.Function) and node.name.lower() == "bbox":
            return self.geometry(bbox_shape(node.arguments, self.crs), "BBOX")
        if isinstance(node, ast.Function):
            raise InvalidInput(_("filter 中的函数 {name} 不受支持。", name=str(node.name)[:40]))
        return self.literal(node)

    def attribute(self, name: str) -> Operand:
        found = self.properties.get(name)
        if found is None:
            raise InvalidInput(
                _(
                    "filter:要素集 {collection} 没有可查询的属性 “{name}”;可用:{available}。",
                    collection=self.properties.collection,
                    name=name[:60],
                    available=listing((*self.properties.names(), self.properties.geometry.name)),
                )
            )
        if isinstance(found, GeometryProperty):
            return Operand(found.column(), GEOMETRY, name, property=found)
        sql = found.value(self.today)
        if found.type == "date-time":
            sql = UtcText(sql)
        return Operand(sql, _COMPARABLE.get(found.type, found.type), name, property=found)

    def geometry(self, shape: Any, kind: Any) -> Operand:
        return Operand(geometry_sql(shape), GEOMETRY, str(kind).upper(), literal=shape)

    def literal(self, value: Any) -> Operand:
        shown = repr(value)[:60]
        if isinstance(value, bool):
            return Operand(literal(value, Boolean()), "boolean", shown, value)
        if isinstance(value, int) and abs(value) < _LARGEST_INTEGER:
            return Operand(literal(value, Integer()), NUMBER, shown, value)
        if isinstance(value, int):  # beyond a 64-bit integer: compared as a float
            return Operand(literal(float(value), Float()), NUMBER, shown, value)
        if isinstance(value, float):
            return Operand(literal(value, Float()), NUMBER, shown, value)
        if isinstance(value, str):
            return Operand(literal(value, String()), "string", shown, value)
        if isinstance(value, dt.datetime):
            moment = value if value.tzinfo else value.replace(tzinfo=dt.UTC)
            text = utc_text(moment)
            return Operand(literal(text, String()), "date-time", f"TIMESTAMP('{text}')", value)
        if isinstance(value, dt.date):
            return Operand(literal(value, Date()), "date", f"DATE('{value}')", value)
        raise InvalidInput(_("filter 中的值 {value} 不受支持。", value=shown))

    # --- checks ------------------------------------------------------------------------

    def same_type(self, lhs: Operand, rhs: Operand, operator: str) -> str:
        if lhs.type != rhs.type:
            raise InvalidInput(
                _(
                    "filter 中 {operator} 两边的类型不同:{lhs} 是 {lhs_type},{rhs} 是 {rhs_type}。",
                    operator=operator,
                    lhs=lhs.label,
                    lhs_type=lhs.type,
                    rhs=rhs.label,
                    rhs_type=rhs.type,
                )
            )
        return lhs.type

    def check_codes(self, coded: Operand, value: Operand) -> None:
        """A code compared with a coded property must be one of its vocabulary's."""
        found = coded.property
        given = value.literal
        if (
            isinstance(found, Property)
            and found.enum
            and isinstance(given, str)
            and given not in found.enum
        ):
            raise InvalidInput(
                _(
                    "filter 中 {name} 的取值 {value!r} 不在其代码表中;可用:{codes}。",
                    name=found.name,
                    value=given[:60],
                    codes=listing(found.enum),
                )
            )


def _operator_name(node: Any) -> str:
    op = getattr(node, "op", None)
    value = getattr(op, "value", None)
    return str(value).upper() if value else type(node).__name__
