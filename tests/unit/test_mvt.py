"""The polygon layer landgis writes itself decodes as the reference encoder's tile of the
same features: ids, attributes, rings and their winding."""

from __future__ import annotations

import mapbox_vector_tile
import numpy as np
import shapely
from shapely.geometry import MultiPolygon, Polygon

from landgis.db.backends.mvt import polygon_commands, polygon_layer

SQUARE_WITH_HOLE = Polygon(
    [(0, 0), (0, 100), (100, 100), (100, 0)],  # clockwise with y up: turned round
    [[(20, 20), (40, 20), (40, 40), (20, 40)]],
)
SHAPES = [
    SQUARE_WITH_HOLE,
    MultiPolygon([shapely.box(200, 200, 300, 260), shapely.box(400, 10, 4000, 4100)]),
    Polygon([(-64, -64), (-64, 50), (50, 50), (50, 50), (50, -64)]),  # a repeated point
    Polygon([(10, 10), (10, 10), (10, 10), (10, 10)]),  # nothing left to draw
    shapely.Polygon(),
    shapely.box(1000, 1000, 1300, 1200),
]
PROPERTIES = {
    "code": ["A-1", "B-2", "C-3", "D-4", "E-5", "A-1"],
    "status": ["none", "none", None, "late", "none", "none"],
    "overdue": [False, True, False, False, True, True],
    "count": [1, -3, 2**40, 0, 1, 1],
    "share": [0.5, 1.0, 2.25, 0.0, 0.5, 0.5],
    "day": [None, object(), None, None, None, None],  # neither str nor number: left out
}


def _reference(ids: list[int], properties: dict[str, list], shapes: list) -> bytes:
    features = []
    for i, (feature_id, shape) in enumerate(zip(ids, shapes, strict=True)):
        attributes = {key: column[i] for key, column in properties.items()}
        attributes = {
            key: value
            for key, value in attributes.items()
            if isinstance(value, str | bool | int | float)
        }
        features.append({"geometry": shape, "properties": attributes, "id": feature_id})
    options = {"extents": 4096, "y_coord_down": True, "check_winding_order": True}
    body: bytes = mapbox_vector_tile.encode(
        [{"name": "parcels", "features": features}], default_options=options
    )
    return body


def _decoded(body: bytes) -> dict:
    layers = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})
    layer = layers["parcels"]
    return {
        "extent": layer["extent"],
        "features": sorted(layer["features"], key=lambda feature: feature["id"]),
    }


def test_the_layer_decodes_as_the_reference_encoders():
    ids = [11, 12, 13, 14, 15, 300]
    ours = polygon_layer("parcels", 4096, ids, PROPERTIES, np.array(SHAPES, dtype=object))
    theirs = _reference(ids, PROPERTIES, SHAPES)
    decoded = _decoded(ours)
    assert decoded == _decoded(theirs)
    assert {f["id"] for f in decoded["features"]} == {11, 12, 13, 300}
    first = decoded["features"][0]
    attributes = {"code": "A-1", "status": "none", "overdue": False, "count": 1, "share": 0.5}
    assert first["properties"] == attributes
    assert decoded["features"][1]["properties"]["count"] == -3
    rings = [shapely.LinearRing(ring) for ring in first["geometry"]["coordinates"]]
    # Clockwise on screen (y down) is counter-clockwise in the tile's own coordinates.
    assert [ring.is_ccw for ring in rings] == [True, False]


def test_only_polygons_of_one_kind_and_no_features():
    boxes = np.array([shapely.box(0, 0, 10, 10), shapely.box(5, 5, 6, 9)])
    ours = polygon_layer("parcels", 4096, [1, 2], {"code": ["a", "b"]}, boxes)
    assert _decoded(ours) == _decoded(_reference([1, 2], {"code": ["a", "b"]}, list(boxes)))
    nothing = np.array([shapely.Polygon()])
    assert polygon_layer("parcels", 4096, [1], {"code": ["a"]}, nothing) == b""
    commands, bounds = polygon_commands(np.array([], dtype=object))
    assert len(commands) == 0 and bounds.tolist() == [0]
