"""OGC API - Tiles at /ogc on the demo database of each backend: the tile matrix sets,
the tilesets of the parcels and zones, their metadata and TileJSON, tiles equal to those
of /tiles, errors for tiles outside the tile matrices, and GDAL's OGCAPI driver reading
the tiles from a live server."""

from __future__ import annotations

import json
import urllib.request

import mapbox_vector_tile
import morecantile
import pyogrio
import pyproj
import pytest
from fastapi.testclient import TestClient
from morecantile.models import TileMatrixSet
from test_ogc import live_server  # noqa: F401  (the fixture: `landgis serve` on a demo county)

from api.main import create_app
from landgis.settings import Settings

MVT = "application/vnd.mapbox-vector-tile"
TILEJSON = "application/vnd.mapbox.tile+json"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
WEB_MERCATOR = "http://www.opengis.net/def/crs/EPSG/0/3857"
WMQ_URI = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
REL = "http://www.opengis.net/def/rel/ogc/1.0/"
TILES_CLASSES = {
    f"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/{name}"
    for name in ("core", "tileset", "tilesets-list", "geodata-tilesets", "mvt")
}
TMS_CLASSES = {
    f"http://www.opengis.net/spec/tms/2.0/conf/{name}"
    for name in ("tilematrixset", "json-tilematrixset", "tilesetmetadata", "json-tilesetmetadata")
}
PARK_TILE = (13, 6481, 3376)  # z, x, y: over the east of the demo park
WIDE_TILE = (8, 202, 105)  # holds the whole demo park
FAR_TILE = (13, 100, 100)  # the Arctic Ocean: empty
PARCEL_FIELDS = {"code": "String", "status": "String", "route": "String", "overdue": "Boolean"}
ZONE_FIELDS = {"code": "String", "name": "String", "kind": "String"}


@pytest.fixture(scope="module")
def client(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    with TestClient(create_app(Settings(database_url=url))) as test_client:
        yield test_client


def _json(client, url: str, **params) -> dict:
    response = client.get(url, params=params)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/json"
    return response.json()


def _links(document: dict, rel: str) -> list[dict]:
    return [link for link in document["links"] if link["rel"] == rel]


def _link(document: dict, rel: str) -> dict:
    [found] = _links(document, rel)
    return found


def _tileset(client, collection: str = "parcels") -> dict:
    """The tileset metadata, reached by following links from the collection."""
    tilesets = _json(
        client,
        _link(_json(client, f"/ogc/collections/{collection}"), REL + "tilesets-vector")["href"],
    )
    [tileset] = tilesets["tilesets"]
    return _json(client, _link(tileset, "self")["href"])


def _tile_href(tileset: dict, z: int, x: int, y: int) -> str:
    [item] = [link for link in _links(tileset, "item") if link["type"] == MVT]
    return (
        item["href"]
        .replace("{tileMatrix}", str(z))
        .replace("{tileRow}", str(y))
        .replace("{tileCol}", str(x))
    )


# --- discovery ------------------------------------------------------------------------------


def test_the_landing_page_links_the_tile_matrix_sets_and_conformance_names_the_classes(client):
    landing = _json(client, "/ogc")
    listed = _json(client, _link(landing, REL + "tiling-schemes")["href"])
    assert _link(listed, "self")["href"].endswith("/ogc/tileMatrixSets")
    [entry] = listed["tileMatrixSets"]
    assert entry["id"] == "WebMercatorQuad"
    assert entry["uri"] == WMQ_URI
    assert entry["title"]
    definition = _json(client, _link(entry, "self")["href"])
    assert definition["id"] == "WebMercatorQuad"
    conforms = set(_json(client, "/ogc/conformance")["conformsTo"])
    assert conforms >= TILES_CLASSES | TMS_CLASSES


def test_the_tile_matrix_set_is_morecantiles_definition_of_the_ogc_register(client):
    definition = _json(client, "/ogc/tileMatrixSets/WebMercatorQuad")
    # Required by the 2D Tile Matrix Set 2.0 JSON schema (tileMatrixSet.json, tileMatrix.json).
    assert definition["crs"] == WEB_MERCATOR
    assert definition["uri"] == WMQ_URI
    required = {"id", "scaleDenominator", "cellSize", "pointOfOrigin", "tileWidth"}
    required |= {"tileHeight", "matrixWidth", "matrixHeight"}
    for matrix in definition["tileMatrices"]:
        assert required <= set(matrix)
    assert [m["id"] for m in definition["tileMatrices"]] == [str(z) for z in range(25)]
    assert definition["tileMatrices"][13]["matrixWidth"] == 2**13
    # Read back by morecantile, it is the registered WebMercatorQuad.
    parsed = TileMatrixSet.model_validate(definition)
    registered = morecantile.tms.get("WebMercatorQuad")
    assert parsed.xy_bounds(6481, 3376, 13) == registered.xy_bounds(6481, 3376, 13)
    assert parsed.model_dump() == registered.model_dump()
    missing = client.get("/ogc/tileMatrixSets/WorldCRS84Quad")
    assert missing.status_code == 404
    assert "WebMercatorQuad" in missing.json()["message_en"]


def test_parcels_and_zones_link_their_vector_tilesets_and_cases_do_not(client):
    collections = {c["id"]: c for c in _json(client, "/ogc/collections")["collections"]}
    for name in ("parcels", "zones"):
        link = _link(collections[name], REL + "tilesets-vector")
        assert link["type"] == "application/json"
        assert link["href"].endswith(f"/ogc/collections/{name}/tiles")
        assert _links(_json(client, f"/ogc/collections/{name}"), REL + "tilesets-vector") == [link]
    assert _links(collections["cases"], REL + "tilesets-vector") == []
    assert client.get("/ogc/collections/cases/tiles").status_code == 404
    assert client.get("/ogc/collections/roads/tiles").status_code == 404


def test_a_tilesets_list_has_the_members_the_standard_requires(client):
    listed = _json(client, "/ogc/collections/zones/tiles")
    assert _link(listed, "self")["href"].endswith("/ogc/collections/zones/tiles")
    [tileset] = listed["tilesets"]
    assert tileset["dataType"] == "vector"
    assert tileset["crs"] == WEB_MERCATOR
    assert tileset["tileMatrixSetURI"] == WMQ_URI
    assert _link(tileset, "self")["href"].endswith("/ogc/collections/zones/tiles/WebMercatorQuad")
    scheme = _link(tileset, REL + "tiling-scheme")
    assert scheme["type"] == "application/json"
    assert _json(client, scheme["href"])["id"] == "WebMercatorQuad"


# --- tileset metadata -----------------------------------------------------------------------


@pytest.mark.parametrize("collection", ["parcels", "zones"])
def test_tileset_metadata_has_the_members_the_standard_requires(client, collection):
    tileset = _tileset(client, collection)
    assert tileset["dataType"] == "vector"
    assert tileset["crs"] == WEB_MERCATOR
    assert tileset["tileMatrixSetURI"] == WMQ_URI
    assert tileset["mediaTypes"] == [MVT]
    assert _link(tileset, "self")["href"].endswith(f"/{collection}/tiles/WebMercatorQuad")
    assert _json(client, _link(tileset, REL + "tiling-scheme")["href"])["id"] == "WebMercatorQuad"
    assert _link(tileset, REL + "geodata")["href"].endswith(f"/ogc/collections/{collection}")
    [item] = _links(tileset, "item")
    assert item["templated"] is True
    assert item["type"] == MVT
    assert item["href"].endswith(
        f"/{collection}/tiles/WebMercatorQuad/{{tileMatrix}}/{{tileRow}}/{{tileCol}}"
    )
    alternate = _link(tileset, "alternate")
    assert alternate["type"] == TILEJSON
    # Zooms 0 to 22, each tile matrix whole.
    limits = tileset["tileMatrixSetLimits"]
    assert [limit["tileMatrix"] for limit in limits] == [str(z) for z in range(23)]
    for zoom, limit in enumerate(limits):
        assert (limit["minTileRow"], limit["minTileCol"]) == (0, 0)
        assert limit["maxTileRow"] == limit["maxTileCol"] == 2**zoom - 1
    # The bounding box is the collection's extent.
    [extent] = _json(client, f"/ogc/collections/{collection}")["extent"]["spatial"]["bbox"]
    box = tileset["boundingBox"]
    assert box["crs"] == CRS84
    assert box["lowerLeft"] + box["upperRight"] == extent
    [layer] = tileset["layers"]
    assert layer["id"] == collection
    assert layer["dataType"] == "vector"
    assert layer["geometryDimension"] == 2
    assert (layer["minTileMatrix"], layer["maxTileMatrix"]) == ("0", "22")
    assert layer["propertiesSchema"]["type"] == "object"
    assert layer["boundingBox"] == box
    assert _link(layer, REL + "geodata")["href"].endswith(f"/ogc/collections/{collection}")


def test_the_layer_schema_names_the_attributes_the_tiles_carry(client):
    tileset = _tileset(client, "parcels")
    [layer] = tileset["layers"]
    schema = layer["propertiesSchema"]["properties"]
    assert schema["code"] == {"type": "string"}
    assert schema["overdue"] == {"type": "boolean"}
    decoded = mapbox_vector_tile.decode(client.get(_tile_href(tileset, *PARK_TILE)).content)
    carried = {key for f in decoded["parcels"]["features"] for key in f["properties"]}
    assert carried == set(schema)  # case_no and route included: some parcels have them


# --- tiles ----------------------------------------------------------------------------------


@pytest.mark.parametrize("collection", ["parcels", "zones"])
def test_tiles_are_the_bytes_and_etags_of_the_tiles_route(client, collection):
    tileset = _tileset(client, collection)
    for z, x, y in (PARK_TILE, WIDE_TILE, FAR_TILE, (0, 0, 0), (14, 12963, 6755)):
        ogc = client.get(_tile_href(tileset, z, x, y))
        plain = client.get(f"/tiles/{collection}/{z}/{x}/{y}.mvt")
        assert ogc.status_code == plain.status_code, (z, x, y)
        assert ogc.content == plain.content
        assert ogc.headers["etag"] == plain.headers["etag"]
        if ogc.status_code == 200:
            assert ogc.headers["content-type"] == MVT
    assert client.get(_tile_href(tileset, *FAR_TILE)).status_code == 204
    park = client.get(_tile_href(tileset, *PARK_TILE))
    assert park.status_code == 200 and mapbox_vector_tile.decode(park.content)[collection]
    again = client.get(
        _tile_href(tileset, *PARK_TILE), headers={"If-None-Match": park.headers["etag"]}
    )
    assert again.status_code == 304
    assert client.get(_tile_href(tileset, *PARK_TILE), params={"f": "mvt"}).content == park.content


@pytest.mark.parametrize(
    "address",
    [
        "23/0/0",  # below the deepest tile matrix served
        "24/0/0",  # in WebMercatorQuad, not in the tileset
        "x/0/0",
        "013/3376/6481",  # tile matrices are named "13", not "013"
        "2/4/0",  # row past the matrix
        "2/0/4",  # column past the matrix
        "2/-1/0",
        "2/0/-1",
        "13/99999999999999999999/0",
    ],
)
def test_a_tile_outside_the_tile_matrices_is_404(client, address):
    response = client.get(f"/ogc/collections/parcels/tiles/WebMercatorQuad/{address}")
    assert response.status_code == 404
    body = response.json()
    assert body["message"] and body["message_en"]


def test_other_bad_tile_requests(client):
    base = "/ogc/collections/parcels/tiles"
    assert client.get(f"{base}/WorldCRS84Quad/0/0/0").status_code == 404
    assert client.get("/ogc/collections/cases/tiles/WebMercatorQuad/0/0/0").status_code == 404
    assert client.get(f"{base}/WebMercatorQuad/2/a/0").status_code in (400, 422)
    for path, f in ((f"{base}/WebMercatorQuad/0/0/0", "png"), (f"{base}/WebMercatorQuad", "xml")):
        response = client.get(path, params={"f": f})
        assert response.status_code in (400, 422)
        assert f in response.json()["message_en"]


def test_the_tile_operation_declares_its_parameters_as_the_standard_says(client):
    openapi = client.get("/openapi.json").json()
    path = (
        "/ogc/collections/{collection_id}/tiles/{tileMatrixSetId}/{tileMatrix}/{tileRow}/{tileCol}"
    )
    parameters = {p["name"]: p for p in openapi["paths"][path]["get"]["parameters"]}
    assert parameters["tileMatrix"]["in"] == "path"
    assert parameters["tileMatrix"]["schema"]["type"] == "string"
    for name in ("tileRow", "tileCol"):
        assert parameters[name]["required"] is True
        assert parameters[name]["schema"]["type"] == "integer"
        assert parameters[name]["schema"]["minimum"] == 0
    content = openapi["paths"][path]["get"]["responses"]["200"]["content"]
    assert MVT in content


# --- TileJSON -------------------------------------------------------------------------------


def test_tilejson_is_the_alternate_asked_by_format_or_by_accept(client):
    tileset = _tileset(client, "parcels")
    by_link = client.get(_link(tileset, "alternate")["href"])
    assert by_link.status_code == 200
    assert by_link.headers["content-type"] == TILEJSON
    by_accept = client.get(_link(tileset, "self")["href"], headers={"Accept": TILEJSON})
    assert by_accept.headers["content-type"] == TILEJSON
    assert by_accept.json() == by_link.json()
    assert "accept" in by_accept.headers["vary"].lower()
    plain = client.get(_link(tileset, "self")["href"], headers={"Accept": "application/json"})
    assert plain.json() == tileset


@pytest.mark.parametrize(
    ("collection", "fields"), [("parcels", PARCEL_FIELDS), ("zones", ZONE_FIELDS)]
)
def test_tilejson_leads_a_map_client_to_the_tiles(client, collection, fields):
    tileset = _tileset(client, collection)
    tilejson = client.get(_link(tileset, "alternate")["href"]).json()
    assert tilejson["tilejson"] == "3.0.0"
    assert (tilejson["minzoom"], tilejson["maxzoom"]) == (0, 22)
    [template] = tilejson["tiles"]
    assert template.startswith("http") and "{z}" in template and "{x}" in template
    [extent] = _json(client, f"/ogc/collections/{collection}")["extent"]["spatial"]["bbox"]
    assert tilejson["bounds"] == extent
    [layer] = tilejson["vector_layers"]
    assert layer["id"] == collection
    assert fields.items() <= layer["fields"].items()
    # As MapLibre does: the tile under the middle of the bounds, by the {z}/{x}/{y} template.
    west, south, east, north = tilejson["bounds"]
    tile = morecantile.tms.get("WebMercatorQuad").tile((west + east) / 2, (south + north) / 2, 12)
    url = template.format(z=tile.z, x=tile.x, y=tile.y)
    response = client.get(url)
    assert response.status_code == 200
    assert response.headers["content-type"] == MVT
    decoded = mapbox_vector_tile.decode(response.content)
    assert list(decoded) == [layer["id"]]  # the tile's layer is the one TileJSON names
    found = decoded[collection]["features"]
    assert found
    python_types = {"String": str, "Boolean": bool, "Number": (int, float)}
    for feature in found:
        assert set(feature["properties"]) <= set(layer["fields"])
        for name, value in feature["properties"].items():
            assert isinstance(value, python_types[layer["fields"][name]]), (name, value)
    assert (
        response.content
        == client.get(f"/tiles/{collection}/{tile.z}/{tile.x}/{tile.y}.mvt").content
    )


# --- GDAL -------------------------------------------------------------------------------------


def test_gdal_reads_the_vector_tiles_from_a_live_server(live_server):  # noqa: F811
    source = f"OGCAPI:{live_server}/ogc/collections/parcels"
    layers = [name for name, _geometry in pyogrio.list_layers(source)]
    assert layers == [f"Zoom level {z}" for z in range(23)]  # one per tile matrix
    # GDAL 3.12 takes the collection's extent (CRS84) for one in the tile matrix set's CRS;
    # given the extent in EPSG:3857 it reads the tiles that cover the parcels.
    [extent] = _document(f"{live_server}/ogc/collections/parcels")["extent"]["spatial"]["bbox"]
    to_mercator = pyproj.Transformer.from_crs("OGC:CRS84", "EPSG:3857", always_xy=True)
    minx, miny, maxx, maxy = to_mercator.transform_bounds(*extent)
    tiled = pyogrio.read_dataframe(
        source, layer="Zoom level 15", MINX=minx, MINY=miny, MAXX=maxx, MAXY=maxy
    )
    assert tiled.crs.to_epsg() == 3857
    parcels = pyogrio.read_dataframe(f"OAPIF:{live_server}/ogc", layer="parcels")
    assert set(tiled["code"]) == set(parcels["parcel_code"])  # every parcel, in pieces
    # GDAL takes the attributes from the first tiles it reads (not from the tileset's
    # schema): those every parcel has are there.
    assert {"code", "status", "overdue"} <= set(tiled.columns)
    statuses = parcels.set_index("parcel_code")["status"].fillna("none")
    assert tiled.groupby("code")["status"].first().to_dict() == statuses.to_dict()


def _document(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=30) as response:
        return json.load(response)
