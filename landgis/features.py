"""Feature collections for OGC API - Features: parcels, cases and zones.

Each collection is one SQL select, ordered by a unique key so that pages are stable. A page
is that select with LIMIT/OFFSET; ``numberMatched`` is a SQL ``COUNT`` of the same select;
the extent is computed by the database. Coordinates are CGCS2000 longitude/latitude
(EPSG:4490), which OGC API - Features publishes as CRS84: the two frames differ by
centimetres, far below the accuracy of cadastral boundaries.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import geopandas as gpd
import shapely
from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from landgis.cases import LEDGER_FIELDS
from landgis.db.models import Case, Parcel, Zone
from landgis.db.repository import read_frame, wkb_of
from landgis.errors import InvalidInput, NotFound
from landgis.geojson import feature_collection
from landgis.ledger import is_overdue
from landgis.parcels import ParcelFilter, apply_filters, envelope, parcels_frame, parcels_query
from landgis.units import m2_to_hectare, m2_to_mu
from landgis.vocab import CASE_STATUSES, CATEGORIES, CAUSES, ROUTES, ZONE_KINDS

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
# Beyond this an OFFSET is no page anyone can reach; it also keeps the value a 32-bit integer.
MAX_OFFSET = 2**31 - 1

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class Collection:
    """One feature collection: its names, its key, what narrows it down, how it is read."""

    id: str
    title: str
    description: str
    id_column: str
    filters: tuple[str, ...]
    # Every matching feature, ordered by the key (what numberMatched counts).
    select: Callable[[ParcelFilter], Select[Any]]
    # The features of filters.offset/limit, or the one feature with that id.
    read: Callable[[Session, ParcelFilter, str | None], gpd.GeoDataFrame]
    # The geometries the extent is computed from.
    geometry: Callable[[], Select[Any]]


@dataclass(frozen=True)
class Page:
    """One page of a collection's features and how many features match in all."""

    frame: gpd.GeoDataFrame
    number_matched: int
    limit: int
    offset: int

    @property
    def number_returned(self) -> int:
        return len(self.frame)

    @property
    def has_next(self) -> bool:
        return self.offset + self.number_returned < self.number_matched

    @property
    def has_prev(self) -> bool:
        return self.offset > 0


# ---------------------------------------------------------------------------------------
# parcels 宗地: the rows of landgis.parcels.parcels_frame


def _parcels_select(filters: ParcelFilter) -> Select[Any]:
    return parcels_query(dataclasses.replace(filters, limit=None, offset=0))


def _parcels_read(
    session: Session, filters: ParcelFilter, feature_id: str | None
) -> gpd.GeoDataFrame:
    if feature_id is not None:
        filters = ParcelFilter(codes=(feature_id,))
    # The internal row id stays inside: the feature id is the parcel code.
    return parcels_frame(session, filters).drop(columns=["id"])


# ---------------------------------------------------------------------------------------
# cases 台账条目


def _cases_select(filters: ParcelFilter) -> Select[Any]:
    stmt = (
        select(
            Case.case_no,
            Case.status,
            Case.version,
            *(getattr(Case, name) for name in LEDGER_FIELDS),
            Parcel.parcel_code,
            Parcel.project_name,
            Parcel.holder,
            Parcel.location,
            Parcel.land_use,
            Zone.code.label("zone_code"),
            Zone.name.label("zone_name"),
            Parcel.area_m2.label("parcel_area_m2"),
            wkb_of(Parcel.geom),
        )
        .join(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
    )
    stmt = apply_filters(
        stmt,
        filters,
        Case.case_no,
        Parcel.parcel_code,
        Parcel.holder,
        Parcel.project_name,
    )
    return stmt.order_by(Case.case_no)


def _cases_finish(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    for name in ("parcel_area", "idle_area", "revitalized_area"):
        frame[f"{name}_mu"] = m2_to_mu(frame[f"{name}_m2"].astype(float)).round(2)
    frame["overdue"] = is_overdue(frame, dt.date.today()).astype(bool)
    return frame


def _cases_geometry() -> Select[Any]:
    return select(Parcel.geom.label("geom")).join(Case, Case.parcel_id == Parcel.id)


# ---------------------------------------------------------------------------------------
# zones 片区


def _zones_select(filters: ParcelFilter) -> Select[Any]:
    parent = aliased(Zone)
    stmt = select(
        Zone.code,
        Zone.name,
        Zone.kind,
        parent.code.label("parent_code"),
        Zone.area_m2,
        wkb_of(Zone.geom),
    ).outerjoin(parent, parent.id == Zone.parent_id)
    if filters.bbox is not None:
        stmt = stmt.where(func.ST_Intersects(Zone.geom, envelope(filters.bbox)))
    return stmt.order_by(Zone.id)


def _zones_finish(frame: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    frame.insert(frame.columns.get_loc("kind") + 1, "kind_name", frame["kind"].map(ZONE_KINDS))
    area = frame["area_m2"].astype(float)
    position = frame.columns.get_loc("area_m2") + 1
    frame.insert(position, "area_mu", m2_to_mu(area).round(2))
    frame.insert(position + 1, "area_ha", m2_to_hectare(area).round(4))
    return frame


def _reader(
    select_: Callable[[ParcelFilter], Select[Any]],
    key: Any,
    finish: Callable[[gpd.GeoDataFrame], gpd.GeoDataFrame],
) -> Callable[[Session, ParcelFilter, str | None], gpd.GeoDataFrame]:
    """A ``read`` for a collection given as a select, its key column and a finishing step."""

    def read(session: Session, filters: ParcelFilter, feature_id: str | None) -> gpd.GeoDataFrame:
        stmt = select_(filters)
        if feature_id is not None:
            stmt = stmt.where(key == feature_id)
        else:
            stmt = stmt.offset(filters.offset).limit(filters.limit)
        return finish(read_frame(session, stmt))

    return read


COLLECTIONS: dict[str, Collection] = {
    c.id: c
    for c in (
        Collection(
            id="parcels",
            title="宗地 Parcels",
            description=(
                "每宗国有建设用地及其当前台账条目(处置状态、问题类型、闲置原因、处置方式)。"
                " Every parcel of state-owned construction land with its current ledger case"
                " (status, category, cause, route). Areas in m², 亩 and 公顷."
            ),
            id_column="parcel_code",
            filters=(
                "status",
                "zone",
                "category",
                "route",
                "cause",
                "in_ledger",
                "overdue",
                "text",
            ),
            select=_parcels_select,
            read=_parcels_read,
            geometry=lambda: select(Parcel.geom.label("geom")),
        ),
        Collection(
            id="cases",
            title="台账条目 Ledger cases",
            description=(
                "闲置/低效用地台账的每一条目,含处置字段与所在宗地的图形(含不予认定/已撤销的条目,"
                "见 status)。 One feature per ledger case with its fields and its parcel's"
                " geometry; dismissed cases included (see status)."
            ),
            id_column="case_no",
            filters=("status", "zone", "category", "route", "cause", "overdue", "text"),
            select=_cases_select,
            read=_reader(_cases_select, Case.case_no, _cases_finish),
            geometry=_cases_geometry,
        ),
        Collection(
            id="zones",
            title="片区 Zones",
            description=(
                "县界、园区及其片区的边界。 Boundaries of the county (kind county), the park"
                " (park) and its areas (area)."
            ),
            id_column="code",
            filters=(),
            select=_zones_select,
            read=_reader(_zones_select, Zone.code, _zones_finish),
            geometry=lambda: select(Zone.geom.label("geom")),
        ),
    )
}

# The ParcelFilter fields collections may be narrowed by; their query parameter names
# where those differ.
FILTER_FIELDS = ("status", "zone", "category", "route", "cause", "in_ledger", "overdue", "text")
_FILTER_PARAMETERS = {"text": "q"}


def get_collection(collection_id: str) -> Collection:
    """The collection called ``collection_id``; NotFound for any other name."""
    found = COLLECTIONS.get(collection_id)
    if found is None:
        raise NotFound(
            f"没有名为 {collection_id!r} 的要素集;可用:{', '.join(COLLECTIONS)}。",
            f"No collection {collection_id!r}; available: {', '.join(COLLECTIONS)}.",
        )
    return found


def collection_extent(session: Session, collection_id: str) -> Bbox | None:
    """The bounding box (minlon, minlat, maxlon, maxlat) of a collection; None when empty."""
    geometry = get_collection(collection_id).geometry().subquery()
    bounds = func.ST_Envelope(func.ST_Collect(func.ST_Envelope(geometry.c.geom)))
    wkb = session.scalar(select(func.ST_AsBinary(bounds)))
    if wkb is None:
        return None
    minx, miny, maxx, maxy = shapely.from_wkb(bytes(wkb)).bounds
    return minx, miny, maxx, maxy


def items_page(
    session: Session,
    collection_id: str,
    filters: ParcelFilter | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
) -> Page:
    """Features ``offset`` … ``offset + limit`` of a collection, and the number matched."""
    collection = get_collection(collection_id)
    filters = filters or ParcelFilter()
    _check_filters(collection, filters)
    limit = clamp_limit(limit)
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(
            f"offset 应为 0 到 {MAX_OFFSET} 之间的整数。",
            f"offset must be an integer from 0 to {MAX_OFFSET}.",
        )
    matching = collection.select(filters).order_by(None).subquery()
    number_matched = session.scalar(select(func.count()).select_from(matching)) or 0
    paged = dataclasses.replace(filters, limit=limit, offset=offset)
    return Page(collection.read(session, paged, None), number_matched, limit, offset)


def item(session: Session, collection_id: str, feature_id: str) -> gpd.GeoDataFrame:
    """The one feature ``feature_id`` of a collection, as a one-row GeoDataFrame."""
    collection = get_collection(collection_id)
    # A NUL character can be in no key, and PostgreSQL refuses it in a text parameter.
    if "\x00" not in feature_id:
        frame = collection.read(session, ParcelFilter(), feature_id)
        if not frame.empty:
            return frame
    raise NotFound(
        f"要素集 {collection_id} 中没有 {feature_id!r}。",
        f"No feature {feature_id!r} in collection {collection_id}.",
    )


def clamp_limit(limit: int) -> int:
    """``limit`` within 1 … MAX_LIMIT: larger values are served as MAX_LIMIT."""
    if limit < 1:
        raise InvalidInput(
            f"limit 应为 1 到 {MAX_LIMIT} 之间的整数。",
            f"limit must be an integer from 1 to {MAX_LIMIT}.",
        )
    return min(limit, MAX_LIMIT)


def parse_bbox(text: str | None, crs: str | None = None) -> Bbox | None:
    """``minlon,minlat,maxlon,maxlat`` (or six numbers with heights) in CRS84, longitude first."""
    if crs is not None and crs.strip() != CRS84:
        raise InvalidInput(
            f"bbox-crs 只支持 {CRS84}(经度在前)。",
            f"bbox-crs supports only {CRS84} (longitude first).",
        )
    if text is None:
        return None
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6):
        raise InvalidInput(
            "bbox 应为 最小经度,最小纬度,最大经度,最大纬度 四个数,例如 104.7,30.0,104.9,30.2。",
            "bbox must be minlon,minlat,maxlon,maxlat, e.g. 104.7,30.0,104.9,30.2.",
        )
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise InvalidInput(
            "bbox 范围无效:经度在 -180 到 180 之间、纬度在 -90 到 90 之间,且最小值不大于最大值。",
            "bbox out of range: longitudes within -180..180, latitudes within -90..90, "
            "minimum not above maximum.",
        )
    return minx, miny, maxx, maxy


def item_filter(
    *,
    bbox: Bbox | None = None,
    status: Iterable[str] = (),
    zone: Iterable[str] = (),
    category: Iterable[str] = (),
    route: Iterable[str] = (),
    cause: Iterable[str] = (),
    overdue: bool | None = None,
    text: str | None = None,
) -> ParcelFilter:
    """A filter from query values; each list may also hold comma-separated values."""
    values = {
        "status": _listed("status", status, CASE_STATUSES),
        "category": _listed("category", category, CATEGORIES),
        "route": _listed("route", route, ROUTES),
        "cause": _listed("cause", cause, CAUSES),
        "zone": _listed("zone", zone),
    }
    if text is not None and "\x00" in text:
        raise InvalidInput("q 含有无效字符。", "q contains an invalid character.")
    return ParcelFilter(bbox=bbox, overdue=overdue, text=text or None, **values)


def _listed(name: str, given: Iterable[str], allowed: dict[str, str] | None = None) -> tuple:
    values = tuple(v.strip() for item in given for v in item.split(",") if v.strip())
    for value in values:
        if allowed is not None and value not in allowed:
            raise InvalidInput(
                f"{name} 的取值 {value!r} 无效,可用:{', '.join(allowed)}。",
                f"Invalid {name} {value!r}; one of {', '.join(allowed)}.",
            )
        if "\x00" in value:
            raise InvalidInput(f"{name} 含有无效字符。", f"{name} contains an invalid character.")
    return values


def _check_filters(collection: Collection, filters: ParcelFilter) -> None:
    unset = ParcelFilter()
    for field in FILTER_FIELDS:
        if getattr(filters, field) != getattr(unset, field) and field not in collection.filters:
            name = _FILTER_PARAMETERS.get(field, field)
            raise InvalidInput(
                f"要素集 {collection.id} 不能按 {name} 筛选。",
                f"Collection {collection.id} cannot be filtered by {name}.",
            )


def feature_collection_json(page: Page, collection_id: str, members: dict[str, Any]) -> str:
    """The page as an RFC 7946 FeatureCollection string with ``members`` added
    (``numberMatched``, ``numberReturned``, ``timeStamp`` and the caller's links)."""
    collection = get_collection(collection_id)
    body = feature_collection(page.frame, id_column=collection.id_column)
    extra = {
        "numberMatched": page.number_matched,
        "numberReturned": page.number_returned,
        "timeStamp": timestamp(),
        **members,
    }
    # Both are JSON objects: splice the extra members in before the closing brace.
    return body[:-1] + "," + json.dumps(extra, ensure_ascii=False)[1:]


def feature_json(frame: gpd.GeoDataFrame, collection_id: str, members: dict[str, Any]) -> str:
    """The first feature of ``frame`` as an RFC 7946 Feature string with ``members`` added."""
    collection = get_collection(collection_id)
    feature = json.loads(feature_collection(frame.iloc[:1], id_column=collection.id_column))
    return json.dumps(feature["features"][0] | members, ensure_ascii=False)


def timestamp() -> str:
    """Now, in UTC, as RFC 3339 (``2024-05-01T08:00:00Z``)."""
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    return now.isoformat().replace("+00:00", "Z")


def collection_ids() -> Sequence[str]:
    """The names of the collections, in the order they are listed."""
    return tuple(COLLECTIONS)
