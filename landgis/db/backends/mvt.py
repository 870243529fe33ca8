"""A Mapbox vector tile layer of polygons written directly as protobuf bytes (MVT 2.1),
the geometries of every feature encoded at once with numpy: what landgis encodes in
Python (:mod:`landgis.db.backends.python_tiles`) without a feature-by-feature encoder.

The geometries come in tile pixels (y down), already on the integer grid; their rings
are oriented here (exteriors clockwise on screen, holes the other way). As the
usual encoders do, a ring drops its closing point and repeated points, a ring left with
no segment is dropped, and so is a polygon whose exterior is, with its holes."""

from __future__ import annotations

import struct
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
import shapely

_MOVE_TO, _LINE_TO, _CLOSE_PATH = 1, 2, 7
_POLYGON = 3  # the feature's GeomType


def _encoded(value: int) -> bytes:
    """``value`` (0 ≤ value < 2⁶⁴) as a protobuf varint, byte by byte."""
    out = bytearray()
    while value > 0x7F:
        out.append((value & 0x7F) | 0x80)
        value >>= 7
    out.append(value)
    return bytes(out)


# The varints of one and two bytes, looked up: most lengths, ids and indices of a tile.
_SHORT = [_encoded(value) for value in range(1 << 14)]


def _varint(value: int) -> bytes:
    """``value`` (0 ≤ value < 2⁶⁴) as a protobuf varint."""
    if value < 0x4000:
        return _SHORT[value]
    return _encoded(value)


def _field(number: int, body: bytes) -> bytes:
    """A length-delimited field."""
    return _varint(number << 3 | 2) + _varint(len(body)) + body


def _value(value: str | bool | int | float) -> bytes:
    """A layer's ``Value`` message."""
    if isinstance(value, bool):
        return b"\x38" + (b"\x01" if value else b"\x00")
    if isinstance(value, str):
        return _field(1, value.encode())
    if isinstance(value, int):
        return b"\x20" + _varint(value & 0xFFFFFFFFFFFFFFFF)  # int64: two's complement
    return b"\x19" + struct.pack("<d", value)


def _value_field(value: str | bool | int | float) -> bytes:
    """A layer's ``values`` field (4) of one value."""
    if type(value) is str:
        text = value.encode()
        inner = b"\x0a" + _varint(len(text)) + text  # the Value's string_value (1)
        return b"\x22" + _varint(len(inner)) + inner
    return _field(4, _value(value))


def _packed_varints(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unsigned 32-bit ints as varints: all their bytes, and each one's byte count."""
    values = values.astype(np.uint64)
    count = np.ones(len(values), dtype=np.int64)
    for bits in (7, 14, 21, 28):
        count += values >= (1 << bits)
    shifts = np.arange(5, dtype=np.uint64) * np.uint64(7)
    groups = ((values[:, None] >> shifts) & np.uint64(0x7F)).astype(np.uint8)
    position = np.arange(5)
    groups[position < count[:, None] - 1] |= 0x80
    return groups[position < count[:, None]], count


def _oriented(
    xy: np.ndarray, ring_of: np.ndarray, ring_ends: np.ndarray, exterior: np.ndarray
) -> np.ndarray:
    """The closed rings' points (y down) with each exterior counter-clockwise in those
    coordinates (clockwise on screen, as MVT wants it) and each hole the other way."""
    ring_of = ring_of.astype(np.int64)
    cross = xy[:-1, 0] * xy[1:, 1] - xy[1:, 0] * xy[:-1, 1]
    same = ring_of[:-1] == ring_of[1:]
    doubled = np.bincount(ring_of[:-1][same], weights=cross[same], minlength=len(exterior))
    flip = np.where(exterior, doubled < 0, doubled > 0)
    if not flip.any():
        return xy
    order = np.arange(len(xy))
    turned = flip[ring_of]
    ring = ring_of[turned]
    order[turned] = ring_ends[ring] + ring_ends[ring + 1] - 1 - order[turned]
    return xy[order]


def polygon_commands(shapes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The MVT geometry commands of polygonal ``shapes`` (Polygon or MultiPolygon, in
    tile pixels on the integer grid, y down; oriented here): all of them in one array,
    and where each shape's begin (n + 1 offsets; a shape with nothing to draw has none)."""
    count = len(shapes)
    if count == 0:
        return np.zeros(0, np.uint32), np.zeros(1, np.int64)
    kind, coords, offsets = shapely.to_ragged_array(shapes)
    if kind == shapely.GeometryType.POLYGON:  # no MultiPolygon among them
        ring_ends, polygon_ends = offsets
        shape_ends = np.arange(count + 1)
    else:
        ring_ends, polygon_ends, shape_ends = offsets
    xy = np.rint(coords).astype(np.int64)
    rings = len(ring_ends) - 1
    ring_of = np.repeat(np.arange(rings), np.diff(ring_ends))
    polygon_of_ring = np.repeat(np.arange(len(polygon_ends) - 1), np.diff(polygon_ends))
    shape_of_polygon = np.repeat(np.arange(count), np.diff(shape_ends))
    shape_of_ring = shape_of_polygon[polygon_of_ring]
    exterior = np.zeros(rings, bool)
    exterior[polygon_ends[:-1][np.diff(polygon_ends) > 0]] = True
    xy = _oriented(xy, ring_of, ring_ends, exterior)
    # Each ring without its closing point and its repeated points.
    first = np.zeros(len(xy), bool)
    first[ring_ends[:-1][np.diff(ring_ends) > 0]] = True
    last = np.zeros(len(xy), bool)
    last[ring_ends[1:][np.diff(ring_ends) > 0] - 1] = True
    moved = np.ones(len(xy), bool)
    moved[1:] = np.any(xy[1:] != xy[:-1], axis=1)
    kept = ~last & (first | moved)
    points = np.bincount(ring_of[kept], minlength=rings)
    # A ring needs a segment; a polygon needs its exterior (the first of its rings).
    drawn = points >= 2
    polygon_drawn = np.zeros(len(polygon_ends) - 1, bool)
    polygon_drawn[polygon_of_ring[exterior]] = drawn[exterior]
    drawn &= polygon_drawn[polygon_of_ring]
    kept &= drawn[ring_of]
    xy, ring_of, points = xy[kept], ring_of[kept], np.where(drawn, points, 0)
    # Each point relative to the one before it in its shape (the first to the origin).
    delta = np.diff(xy, axis=0, prepend=np.zeros((1, 2), np.int64))
    shape_of_point = shape_of_ring[ring_of]
    starts = np.ones(len(xy), bool)
    starts[1:] = shape_of_point[1:] != shape_of_point[:-1]
    delta[starts] = xy[starts]
    zigzag = ((delta << 1) ^ (delta >> 63)).astype(np.uint32)
    # Per ring: MoveTo(1) x y, LineTo(n - 1) x y …, ClosePath.
    lengths = np.where(drawn, 2 * points + 3, 0)
    ring_starts = np.cumsum(lengths) - lengths
    out = np.zeros(int(lengths.sum()), np.uint32)
    on = drawn.nonzero()[0]
    out[ring_starts[on]] = 1 << 3 | _MOVE_TO
    out[ring_starts[on] + 3] = (points[on] - 1) << 3 | _LINE_TO
    out[ring_starts[on] + lengths[on] - 1] = 1 << 3 | _CLOSE_PATH
    ring_first = np.cumsum(points) - points
    index = np.arange(len(xy)) - ring_first[ring_of]
    at = ring_starts[ring_of] + 1 + 2 * index + (index > 0)
    out[at] = zigzag[:, 0]
    out[at + 1] = zigzag[:, 1]
    per_shape = np.bincount(shape_of_ring, weights=lengths, minlength=count).astype(np.int64)
    return out, np.concatenate(([0], np.cumsum(per_shape)))


Attribute = str | bool | int | float


def _attributes(
    properties: Mapping[str, Sequence[Any]], count: int
) -> tuple[list[str], list[Attribute], list[bytes]]:
    """The layer's keys and values, and each of the ``count`` features' tags (packed
    pairs of key and value indices). The values most features share come first: their
    indices are short."""
    keys: list[str] = []
    named = []
    uses: Counter[_Typed] = Counter()
    for key, column in properties.items():
        if set(map(type, column)) <= _TEXTS:
            found: list[_Typed] = list(column)  # strings are indexed as they are
        else:
            found = [_typed(value) for value in column]
        if found.count(None) < len(found):
            uses.update(found)
            named.append((_varint(len(keys)), found))
            keys.append(key)
    uses.pop(None, None)
    ranked = uses.most_common()
    index = {typed: i for i, (typed, _count) in enumerate(ranked)}
    columns = []
    for key_index, found in named:
        pairs: dict[_Typed, bytes] = {
            typed: key_index + _varint(index[typed]) for typed in set(found) if typed is not None
        }
        pairs[None] = b""
        columns.append(map(pairs.__getitem__, found))
    values = [_untyped(typed) for typed, _count in ranked]
    tags = [b"".join(pieces) for pieces in zip(*columns, strict=True)] if columns else []
    return keys, values, tags or [b""] * count


# A value as the layer indexes it: a string as it is, other values with their type (True,
# 1 and 1.0 are three values); None when it is left out.
_Typed = str | tuple[type, Attribute] | None


_EXACT = frozenset((bool, int, float))
_TEXTS = frozenset((str, type(None)))


def _typed(value: object) -> _Typed:
    kind = type(value)
    if kind is str:
        return value  # type: ignore[return-value]
    if kind in _EXACT or isinstance(value, Attribute):
        return (kind, value)  # type: ignore[return-value]
    return None


def _untyped(typed: _Typed) -> Attribute:
    if isinstance(typed, str):
        return typed
    assert typed is not None
    return typed[1]


def polygon_layer(
    name: str,
    extent: int,
    ids: Sequence[int],
    properties: Mapping[str, Sequence[Any]],
    shapes: np.ndarray,
) -> bytes:
    """A tile of one layer ``name`` of polygon features, as MVT bytes (empty without a
    feature to draw): feature i has id ``ids[i]`` (none when negative), attributes
    ``properties[key][i]`` (None and values of other types than str, bool, int, float
    are left out) and the polygonal geometry ``shapes[i]``."""
    commands, bounds = polygon_commands(shapes)
    varints, sizes = _packed_varints(commands)
    ends = np.concatenate(([0], np.cumsum(sizes)))[bounds].tolist()
    keys, values, tags = _attributes(properties, len(ids))
    geometry = varints.tobytes()
    kind = bytes((3 << 3, _POLYGON, 4 << 3 | 2))  # the type, then the geometry's field
    features: list[bytes] = []
    for feature_id, tagged, start, end in zip(ids, tags, ends[:-1], ends[1:], strict=True):
        if start == end:
            continue
        body = b"".join(
            (
                b"\x08" + _varint(feature_id) if feature_id >= 0 else b"",
                b"\x12" + _varint(len(tagged)) + tagged if tagged else b"",
                kind,
                _varint(end - start),
                geometry[start:end],
            )
        )
        features += (b"\x12", _varint(len(body)), body)
    if not features:
        return b""
    layer = b"".join(
        (
            _field(1, name.encode()),
            *features,
            *(_field(3, key.encode()) for key in keys),
            *map(_value_field, values),
            b"\x28" + _varint(extent),
            b"\x78\x02",
        )
    )
    return _field(3, layer)
