"""Feature collections for OGC API - Features: parcels, cases, zones and the per-mu
evaluation's results per parcel and year (``efficiency``, :mod:`landgis.efficiency.results`).

Each collection is one SQL select whose rows are a unique, indexed key and the GeoJSON
Feature itself, built by the database (``json_build_object``/``ST_AsGeoJSON`` on PostGIS,
``json_object``/``AsGeoJSON`` on SpatiaLite): a page is one query and a string join, with no
per-feature work in Python. Pages follow the key (keyset paging: ``next`` links carry the
last key), so a page deep in a large collection costs what the first one does; an offset is
turned into a key by scanning the key column alone. ``numberMatched`` is counted once per
data version and filter and cached in the database.

A feature's properties are its collection's declared list
(:mod:`landgis.collection_properties`), which CQL2 filters, ``properties`` and ``sortby``
read too (:mod:`landgis.feature_query`); a listing sorted by ``sortby`` is paged by
position, ordered by its sort keys and then the key.

Coordinates are CGCS2000 longitude/latitude (EPSG:4490), which OGC API - Features publishes
as CRS84: the two frames differ by centimetres, far below the accuracy of cadastral
boundaries. Asked for another CRS (:mod:`landgis.ogc_crs`), the database reprojects them.
"""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, replace
from typing import Any, BinaryIO

import shapely
from sqlalchemy import Float, Text, and_, func, literal_column, select, true
from sqlalchemy.orm import Session

from landgis import ogc_crs
from landgis.collection_properties import PARENT_ZONE, PROPERTY_MAPS, last_event_on
from landgis.cql2_parse import Cql2Filter
from landgis.db.backends import GeoJsonGeometry, JsonNumber, JsonObject, JsonText
from landgis.db.models import Case, EfficiencyResult, Parcel, Zone
from landgis.db.query_types import AnySelect
from landgis.db.versioning import cache_key, rows_and_count
from landgis.efficiency import collection as efficiency_collection
from landgis.errors import InvalidInput, NotFound
from landgis.feature_properties import Property, PropertyMap, members
from landgis.feature_query import ItemsQuery
from landgis.filters import (
    FILTER_PARAMETERS,
    PAGING_PARAMETERS,
    Bbox,
    Params,
    last_value,
    parse_filters,
    without_paging,
)
from landgis.i18n import _, listing
from landgis.ogc_crs import DEFAULT_CRS, Crs, read_bbox
from landgis.parcels import (
    ParcelFilter,
    apply_filters,
    bbox_condition,
    join_zone_and_current_case,
)
from landgis.temporal import (
    Interval,
    day_matches,
    day_span,
    parse_datetime,
    timestamp_matches,
    utc_text,
)
from landgis.wallclock import today as county_today
from landgis.wallclock import utc_now

CRS84 = ogc_crs.CRS84
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
# Pages larger than this are written out from a server-side cursor (write_items) rather
# than built in memory; rows are fetched this many at a time.
STREAM_ABOVE = 1_000
STREAM_BATCH = 1_000
# The temporal reference system of temporal extents: the Gregorian calendar, UTC.
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
# Beyond this an OFFSET is no page anyone can reach; it also keeps the value a 32-bit integer.
MAX_OFFSET = 2**31 - 1


@dataclass(frozen=True)
class Temporal:
    """A collection's temporal property, what ``datetime`` is matched on: the feature
    property showing it, its value in SQL (a timestamp, or a date for a county day), and the
    table that value is read from."""

    name: str
    value: Callable[[], Any]
    table: Callable[[], Any]
    day: bool = False
    # The last day, for a value that is a span of days (``value`` its first day).
    last: Callable[[], Any] | None = None

    def matches(self, interval: Interval) -> Any:
        """The features whose value lies in ``interval`` (and those without a value); a
        span of days matches when it shares a day with the interval."""
        if self.last is not None:
            first, last = interval.days()
            bounds = [] if last is None else [self.value() <= last]
            bounds += [] if first is None else [self.last() >= first]
            return and_(true(), *bounds)
        if self.day:
            return day_matches(self.value(), interval)
        return timestamp_matches(self.value(), interval)

    def final(self) -> Any:
        """The SQL of the latest instant or day a feature covers."""
        return self.last() if self.last is not None else self.value()


@dataclass(frozen=True)
class Collection:
    """One feature collection: its names, its key, what narrows it down, how it is read."""

    id: str
    title: str
    description: str
    id_column: str
    filters: tuple[str, ...]
    # The ordering key (unique, indexed): pages are ``key > after ORDER BY key``.
    key: Callable[[], Any]
    # One row per matching feature: ``key`` and ``feature`` (the GeoJSON Feature as text,
    # built by the database), not ordered. Arguments: filters, today (for ``overdue``),
    # the CRS of the coordinates, the properties shown.
    features: Callable[[ParcelFilter, dt.date, Crs, Sequence[Property]], AnySelect]
    # The keys of the matching features alone, joining only what the filters need: what
    # is counted, and scanned to turn an offset into a key.
    keys: Callable[[ParcelFilter, dt.date], AnySelect]
    # The geometries the extent is computed from.
    geometry: Callable[[], AnySelect]
    # Its properties, what filters and ``sortby`` read, and its geometry.
    properties: PropertyMap
    # What ``datetime`` is matched on; None: no feature has a time (every one matches).
    temporal: Temporal | None = None


@dataclass(frozen=True)
class Page:
    """One page of a collection: its features (GeoJSON text, in key order; empty once they
    were written out by :func:`write_items`), how many it holds, whether more follow, and
    how many features match in all (None when not counted)."""

    features: list[str]
    number_returned: int
    number_matched: int | None
    limit: int | None
    offset: int
    # The key of the last feature when more features follow: the next page starts after it.
    next_after: str | None
    # Whether the next page is found by its position (a sorted listing) rather than by key.
    by_position: bool = False

    @property
    def has_next(self) -> bool:
        return self.next_after is not None

    def next_query(self) -> dict[str, Any]:
        """The paging query parameters of the next page (when there is one): limit,
        offset and, for pages in key order, ``after``."""
        assert self.limit is not None
        found: dict[str, Any] = {"limit": self.limit, "offset": self.offset + self.limit}
        if not self.by_position:
            found["after"] = self.next_after
        return found

    @property
    def has_prev(self) -> bool:
        return self.offset > 0


def _feature(
    key: Any, geometry: Any, properties: Sequence[tuple[str, Any]], crs: Crs = DEFAULT_CRS
) -> Any:
    """A GeoJSON Feature built by the database, as text, its coordinates in ``crs``."""
    pairs: list[Any] = []
    for name, value in properties:
        exact = JsonNumber(value) if isinstance(getattr(value, "type", None), Float) else value
        pairs += [_name(name), exact]
    return JsonText(
        JsonObject(
            _name("type"),
            _name("Feature"),
            _name("id"),
            key,
            _name("geometry"),
            GeoJsonGeometry(crs.geometry(geometry), literal_column(str(crs.decimals))),
            _name("properties"),
            JsonObject(*pairs),
        )
    )


def _name(name: str) -> Any:
    """A member name as an SQL string literal (names are identifiers of this module)."""
    if not name.replace("_", "").isalnum():
        raise ValueError(f"not a member name: {name!r}")
    return literal_column(f"'{name}'", Text())


# ---------------------------------------------------------------------------------------
# parcels 宗地: each with its current ledger case


CASE_FILTERS = ("status", "category", "route", "cause", "in_ledger", "overdue")


def _parcels_filtered(stmt: AnySelect, filters: ParcelFilter, today: dt.date) -> AnySelect:
    columns = (Parcel.parcel_code, Parcel.holder, Parcel.project_name)
    return apply_filters(stmt, filters, *columns, day=today)


def _parcels_joined(stmt: AnySelect, filters: ParcelFilter, today: dt.date) -> AnySelect:
    return _parcels_filtered(join_zone_and_current_case(stmt), filters, today)


def _parcels_keys(filters: ParcelFilter, today: dt.date) -> AnySelect:
    stmt = select(Parcel.parcel_code.label("key"))
    unset = ParcelFilter()
    if filters.zone or any(getattr(filters, f) != getattr(unset, f) for f in CASE_FILTERS):
        return _parcels_joined(stmt, filters, today)
    return _parcels_filtered(stmt, filters, today)


def _parcels_features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = PROPERTY_MAPS["parcels"].properties,
) -> AnySelect:
    stmt = select(
        Parcel.parcel_code.label("key"),
        _feature(Parcel.parcel_code, Parcel.geom, members(properties, today), crs).label("feature"),
    )
    return _parcels_joined(stmt, filters, today)


# ---------------------------------------------------------------------------------------
# cases 台账条目


def _cases_features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = PROPERTY_MAPS["cases"].properties,
) -> AnySelect:
    stmt = (
        select(
            Case.case_no.label("key"),
            _feature(Case.case_no, Parcel.geom, members(properties, today), crs).label("feature"),
        )
        .join(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
    )
    columns = (Case.case_no, Parcel.parcel_code, Parcel.holder, Parcel.project_name)
    return apply_filters(stmt, filters, *columns, day=today)


def _cases_geometry() -> AnySelect:
    return select(Parcel.geom.label("geom")).join(Case, Case.parcel_id == Parcel.id)


# ---------------------------------------------------------------------------------------
# zones 片区


def _zones_features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = PROPERTY_MAPS["zones"].properties,
) -> AnySelect:
    feature = _feature(Zone.code, Zone.geom, members(properties, today), crs)
    stmt = select(Zone.code.label("key"), feature.label("feature")).outerjoin(
        PARENT_ZONE, PARENT_ZONE.id == Zone.parent_id
    )
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(Zone.geom, filters))
    return stmt


# ---------------------------------------------------------------------------------------
# efficiency 亩均效益评价: the stored results, one per parcel and year


def _efficiency_features(
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    properties: Sequence[Property] = efficiency_collection.PROPERTIES.properties,
) -> AnySelect:
    key = EfficiencyResult.key
    feature = _feature(key, Parcel.geom, members(properties, today), crs)
    stmt = efficiency_collection.joined(select(key.label("key"), feature.label("feature")))
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(Parcel.geom, filters))
    return stmt


def _efficiency_keys(filters: ParcelFilter, today: dt.date) -> AnySelect:
    stmt = select(EfficiencyResult.key.label("key")).select_from(EfficiencyResult)
    # Only what joins the parcels may leave a result out: a parcel gone, or outside bbox.
    stmt = stmt.join(Parcel, Parcel.id == EfficiencyResult.parcel_id)
    if filters.bbox is not None:
        stmt = stmt.where(bbox_condition(Parcel.geom, filters))
    return stmt


def _keys_of(features: AnySelect) -> AnySelect:
    """The key column of a features select, with its joins and filters."""
    return features.with_only_columns(features.selected_columns.key)


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
            key=lambda: Parcel.parcel_code,
            features=_parcels_features,
            keys=_parcels_keys,
            geometry=lambda: select(Parcel.geom.label("geom")),
            properties=PROPERTY_MAPS["parcels"],
            temporal=Temporal("updated_at", lambda: Parcel.updated_at, lambda: Parcel),
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
            key=lambda: Case.case_no,
            features=_cases_features,
            keys=lambda f, today: _keys_of(_cases_features(f, today)),
            geometry=_cases_geometry,
            properties=PROPERTY_MAPS["cases"],
            temporal=Temporal("last_event_on", last_event_on, lambda: Case, day=True),
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
            key=lambda: Zone.code,
            features=_zones_features,
            keys=lambda f, today: _keys_of(_zones_features(f, today)),
            geometry=lambda: select(Zone.geom.label("geom")),
            properties=PROPERTY_MAPS["zones"],
        ),
        Collection(
            id=efficiency_collection.COLLECTION_ID,
            title="亩均效益评价 Per-mu evaluation",
            description=(
                "每一年度参评企业所用的每宗地及该企业的亩均指标、得分、类别"
                "(A 优先发展、B 提升发展、C 整治提升、D 淘汰退出)与上年类别,"
                "按县里的评价设置计算。 One feature per parcel"
                " held by an enterprise evaluated in a year (id <year>-<parcel code>): the"
                " enterprise's figures, per-mu indicators, score, class A-D, previous class and"
                " trend, under the county's settings."
            ),
            id_column="key",
            filters=(),
            key=lambda: EfficiencyResult.key,
            features=_efficiency_features,
            keys=_efficiency_keys,
            geometry=lambda: efficiency_collection.joined(select(Parcel.geom.label("geom"))),
            properties=efficiency_collection.PROPERTIES,
            temporal=Temporal(
                "year",
                lambda: EfficiencyResult.year_start,
                lambda: EfficiencyResult,
                day=True,
                last=lambda: EfficiencyResult.year_end,
            ),
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
            _(
                "没有名为 “{name}” 的要素集;可用:{available}。",
                name=collection_id,
                available=listing(COLLECTIONS),
            )
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


def collection_time_extent(
    session: Session, collection_id: str
) -> tuple[str | None, str | None] | None:
    """The first and last instants (RFC 3339) of a collection's temporal values: a county
    day from its midnight to its last second; (None, None) when no feature has one yet;
    None when the collection has no temporal property."""
    temporal = get_collection(collection_id).temporal
    if temporal is None:
        return None
    spans = select(temporal.value().label("value"), temporal.final().label("final"))
    values = spans.select_from(temporal.table()).subquery()
    first, last = session.execute(select(func.min(values.c.value), func.max(values.c.final))).one()
    if first is None or last is None:
        return None, None
    if temporal.day:
        return day_span(_as_date(first), _as_date(last))
    return utc_text(first), utc_text(last)


def _as_date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def items_page(
    session: Session,
    collection_id: str,
    filters: ParcelFilter | None = None,
    limit: int = DEFAULT_LIMIT,
    offset: int = 0,
    after: str | None = None,
    today: dt.date | None = None,
    crs: Crs = DEFAULT_CRS,
    query: ItemsQuery | None = None,
) -> Page:
    """Up to ``limit`` features of a collection in key order: those after the key ``after``
    (keyset paging, what the ``next`` links use), else from position ``offset``. With
    ``after``, ``offset`` only says where the page is (for a link back). Coordinates in
    ``crs``; ``query`` adds a CQL2 filter, chooses the properties and sorts (a sorted
    listing is paged by ``offset`` alone).

    Either way the page costs about the same wherever it starts: an offset is first turned
    into a key by a scan of the key column alone. ``numberMatched`` is counted once per data
    version and filter (:func:`landgis.db.versioning.rows_and_count`).
    """
    limit = clamp_limit(limit)
    query = query or ItemsQuery()
    rows, number_matched = _page_rows(
        session,
        collection_id,
        filters,
        limit,
        offset,
        after,
        today,
        batch=None,
        crs=crs,
        query=query,
    )
    found = list(rows)
    more = len(found) > limit
    found = found[:limit]
    return Page(
        features=[row.feature for row in found],
        number_returned=len(found),
        number_matched=number_matched,
        limit=limit,
        offset=offset,
        next_after=found[-1].key if more else None,
        by_position=bool(query.sortby),
    )


def write_items(
    session: Session,
    out: BinaryIO,
    collection_id: str,
    filters: ParcelFilter | None = None,
    *,
    limit: int | None = None,
    offset: int = 0,
    after: str | None = None,
    today: dt.date | None = None,
    members: Callable[[Page], dict[str, Any]] = lambda page: {},
    crs: Crs = DEFAULT_CRS,
    query: ItemsQuery | None = None,
) -> Page:
    """Write a FeatureCollection of the features :func:`items_page` would return (all of
    them when ``limit`` is None) to ``out`` as UTF-8, feature by feature from a
    server-side cursor, so a whole province is never held in memory. ``members(page)``
    adds members (links) after the features; the page comes back with no features."""
    if limit is not None:
        limit = clamp_limit(limit)
    query = query or ItemsQuery()
    rows, number_matched = _page_rows(
        session,
        collection_id,
        filters,
        limit,
        offset,
        after,
        today,
        batch=STREAM_BATCH,
        crs=crs,
        query=query,
    )
    out.write(b'{"type":"FeatureCollection","features":[')
    returned, last_key, more = 0, None, False
    for row in rows:
        if limit is not None and returned == limit:
            more = True
            break
        out.write(b"," if returned else b"")
        out.write(row.feature.encode())
        returned, last_key = returned + 1, row.key
    next_after = last_key if more else None
    page = Page([], returned, number_matched, limit, offset, next_after, bool(query.sortby))
    out.write(b"]," + _members_json(page, members(page))[1:].encode())
    return page


def _page_rows(
    session: Session,
    collection_id: str,
    filters: ParcelFilter | None,
    limit: int | None,
    offset: int,
    after: str | None,
    today: dt.date | None,
    *,
    batch: int | None,
    crs: Crs = DEFAULT_CRS,
    query: ItemsQuery,
) -> tuple[Iterator[Any], int]:
    """The rows (key, feature) of a page and one more when more follow, and the count."""
    collection = get_collection(collection_id)
    filters = without_paging(filters or ParcelFilter())
    _check_filters(collection, filters)
    query.check(collection.properties)
    if not 0 <= offset <= MAX_OFFSET:
        raise InvalidInput(_("offset 应为 0 到 {largest} 之间的整数。", largest=MAX_OFFSET))
    if after is not None and "\x00" in after:
        raise InvalidInput(_("after 含有无效字符。"))
    today = today or county_today()
    key = collection.key()
    page, keys_only = _selects(collection.id, filters, today, crs, query.filter, query.properties)
    if query.sortby:
        page = _sorted_page(page, collection, query, today, offset, after)
    else:
        if after is not None:
            page = page.where(key > after)
        elif offset:
            first = keys_only.order_by(key).offset(offset).limit(1).scalar_subquery()
            # (A bound at the first key of the page; no key that far: the page is empty.)
            page = page.where(key >= first)
        page = page.order_by(key)
    if limit is not None:
        page = page.limit(limit + 1)
    return rows_and_count(
        session,
        cache_key("features", collection.id, filters, today, query.filter),
        page,
        keys_only,
        batch=batch,
    )


def _sorted_page(
    page: AnySelect,
    collection: Collection,
    query: ItemsQuery,
    today: dt.date,
    offset: int,
    after: str | None,
) -> AnySelect:
    """The features in ``sortby`` order (then by key, so each has one place) from position
    ``offset``, their position first: what the rows are ordered by once more outside."""
    if after:
        raise InvalidInput(_("sortby 排序时按 offset 翻页,不能同时给出 after。"))
    order = [*query.order(collection.properties, today), collection.key()]
    position = func.row_number().over(order_by=order).label("position")
    return page.with_only_columns(position, *page.selected_columns).order_by(*order).offset(offset)


@functools.lru_cache(maxsize=256)
def _selects(
    collection_id: str,
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs = DEFAULT_CRS,
    cql2: Cql2Filter | None = None,
    properties: tuple[str, ...] | None = None,
) -> tuple[AnySelect, AnySelect]:
    """The features and keys selects of a collection, built once per filter, day, CRS
    and choice of properties: building them costs more Python than the database spends
    on a page. (Statements, not data.)"""
    collection = COLLECTIONS[collection_id]
    shown = collection.properties.selected(properties)
    features = collection.features(filters, today, crs, shown)
    keys = collection.keys(filters, today)
    if cql2 is not None:
        where = ItemsQuery(cql2).where(collection.properties, today)
        features = features.where(where)
        # The filter may read any joined table.
        keys = _keys_of(features)
    if filters.period is not None and collection.temporal is not None:
        in_period = collection.temporal.matches(filters.period)
        features, keys = features.where(in_period), keys.where(in_period)
    return features, keys


def item(
    session: Session,
    collection_id: str,
    feature_id: str,
    today: dt.date | None = None,
    crs: Crs = DEFAULT_CRS,
    properties: tuple[str, ...] | None = None,
) -> str:
    """The one feature ``feature_id`` of a collection, as GeoJSON Feature text (coordinates
    in ``crs``; only the ``properties`` named, when they are)."""
    collection = get_collection(collection_id)
    collection.properties.selected(properties)
    # A NUL character can be in no key, and PostgreSQL refuses it in a text parameter.
    if "\x00" not in feature_id:
        day = today or county_today()
        stmt, _keys_only = _selects(collection.id, ParcelFilter(), day, crs, None, properties)
        found = session.execute(stmt.where(collection.key() == feature_id)).first()
        if found is not None:
            return found.feature
    raise NotFound(
        _(
            "要素集 {collection} 中没有 “{feature}”。",
            collection=collection_id,
            feature=feature_id,
        )
    )


def clamp_limit(limit: int) -> int:
    """``limit`` within 1 … MAX_LIMIT: larger values are served as MAX_LIMIT."""
    if limit < 1:
        raise InvalidInput(_("limit 应为 1 到 {largest} 之间的整数。", largest=MAX_LIMIT))
    return min(limit, MAX_LIMIT)


def item_filter(params: Params) -> ParcelFilter:
    """The filter of the OGC items query parameters ``params`` (strictly read, see
    :func:`landgis.filters.parse_filters`), with OGC's ``bbox`` read in the CRS ``bbox-crs``
    names (:func:`landgis.ogc_crs.read_bbox`; in CRS84 it may cross the antimeridian,
    :mod:`landgis.ogc_bbox`) and ``datetime`` (:mod:`landgis.temporal`); OGC's own paging
    (limit, offset, after) is not part of it. Empty values are not given."""
    bbox, bbox_shape = read_bbox(last_value(params, "bbox"), last_value(params, "bbox-crs"))
    own = (*PAGING_PARAMETERS, "bbox")
    wanted = {n: params[n] for n in FILTER_PARAMETERS if n in params and n not in own}
    period = (last_value(params, "datetime") or "").strip()
    return replace(
        parse_filters(wanted, strict=True),
        bbox=bbox,
        bbox_shape=bbox_shape,
        period=parse_datetime(period) if period else None,
    )


def _check_filters(collection: Collection, filters: ParcelFilter) -> None:
    unset = ParcelFilter()
    for field in FILTER_FIELDS:
        if getattr(filters, field) != getattr(unset, field) and field not in collection.filters:
            name = _FILTER_PARAMETERS.get(field, field)
            raise InvalidInput(
                _(
                    "要素集 {collection} 不能按 {parameter} 筛选。",
                    collection=collection.id,
                    parameter=name,
                )
            )


def feature_collection_json(page: Page, members: dict[str, Any]) -> str:
    """The page as an RFC 7946 FeatureCollection string with ``members`` added
    (``numberMatched`` when counted, ``numberReturned``, ``timeStamp``, the caller's links)."""
    return (
        '{"type":"FeatureCollection","features":['
        + ",".join(page.features)
        + "],"
        + _members_json(page, members)[1:]
    )


def _members_json(page: Page, members: dict[str, Any]) -> str:
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


def collection_ids() -> Sequence[str]:
    """The names of the collections, in the order they are listed."""
    return tuple(COLLECTIONS)
