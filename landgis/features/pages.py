"""Pages of a collection and single features: keyset (or, sorted, positional) paging,
counted once per data version and filter, built in memory or streamed from a server-side
cursor; the filter of the OGC items query parameters."""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any, BinaryIO

from sqlalchemy import Connection, Dialect, Engine, Integer, bindparam, func
from sqlalchemy.orm import Session

from landgis.cql2_parse import Cql2Filter
from landgis.db.fast_read import CompiledRead, compile_read, fast_reads, run_read
from landgis.db.query_types import AnySelect
from landgis.db.session import read_session
from landgis.db.versioning import cache_key, count_and_store, rows_and_count, versioned_rows
from landgis.errors import InvalidInput, NotFound
from landgis.feature_query import ItemsQuery
from landgis.features.base import (
    DEFAULT_LIMIT,
    MAX_LIMIT,
    MAX_OFFSET,
    STREAM_BATCH,
    Collection,
    Page,
    keys_of,
)
from landgis.features.output import members_json
from landgis.features.registry import (
    COLLECTIONS,
    FILTER_FIELDS,
    PARAMETER_NAMES,
    get_collection,
)
from landgis.filters import (
    FILTER_PARAMETERS,
    PAGING_PARAMETERS,
    Params,
    last_value,
    parse_filters,
    without_paging,
)
from landgis.i18n import _
from landgis.ogc_crs import DEFAULT_CRS, Crs, read_bbox
from landgis.parcels import ParcelFilter
from landgis.temporal import parse_datetime
from landgis.wallclock import today as county_today


def items_page(
    session: Session | Engine | Connection,
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

    ``session`` may be an engine or a connection instead: on PostgreSQL an unsorted page
    is then read by one statement compiled once (:mod:`landgis.db.fast_read`), else in a
    read session (:func:`landgis.db.session.read_session`).
    """
    limit = clamp_limit(limit)
    query = query or ItemsQuery()
    if not isinstance(session, Session) and (query.sortby or not fast_reads(session)):
        with read_session(session) as reader:
            return items_page(
                reader, collection_id, filters, limit, offset, after, today, crs, query
            )
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
    out.write(b"]," + members_json(page, members(page))[1:].encode())
    return page


def _page_rows(
    session: Session | Engine | Connection,
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
    after_key = None if after is None else collection.key_value(after)
    if after is not None and after_key is None:
        raise InvalidInput(_("after 含有无效字符。"))
    today = today or county_today()
    if not isinstance(session, Session):
        return _fast_page_rows(
            session, collection, filters, today, crs, query, limit, offset, after_key
        )
    key = collection.key()
    page, keys_only = _selects(collection.id, filters, today, crs, query.filter, query.properties)
    if query.sortby:
        page = _sorted_page(page, collection, query, today, offset, after)
    else:
        if after_key is not None:
            page = page.where(key > after_key)
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


def _fast_page_rows(
    bind: Engine | Connection,
    collection: Collection,
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs,
    query: ItemsQuery,
    limit: int | None,
    offset: int,
    after_key: Any,
) -> tuple[Iterator[Any], int]:
    """:func:`_page_rows` of an unsorted page by its statement compiled once."""
    shape = "after" if after_key is not None else "offset" if offset else "first"
    read = _compiled_page(
        bind.dialect, collection.id, filters, today, crs, query.filter, query.properties, shape
    )
    values = {"page_limit": None if limit is None else limit + 1}
    if shape == "after":
        values["after_key"] = after_key
    elif shape == "offset":
        values["page_offset"] = offset
    rows = run_read(bind, read, values)
    if not rows:
        raise RuntimeError("the data_version row is missing: run `landgis init`")
    head = rows[0]
    matched = head.cached_matched
    if matched is None:
        _features, counted = _selects(
            collection.id, filters, today, crs, query.filter, query.properties
        )
        key = cache_key("features", collection.id, filters, today, query.filter)
        with read_session(bind) as session:
            matched = count_and_store(session, key, int(head.version), counted)
    # An empty page is one row of NULLs beside the version.
    return iter(rows if head[2] is not None else ()), int(matched)


@functools.lru_cache(maxsize=256)
def _compiled_page(
    dialect: Dialect,
    collection_id: str,
    filters: ParcelFilter,
    today: dt.date,
    crs: Crs,
    cql2: Cql2Filter | None,
    properties: tuple[str, ...] | None,
    shape: str,
) -> CompiledRead:
    """The statement of an unsorted page (its first, one after a key, or one from a
    position: ``shape``) with the data version and cached count, compiled once."""
    collection = COLLECTIONS[collection_id]
    page, keys_only = _selects(collection_id, filters, today, crs, cql2, properties)
    key = collection.key()
    if shape == "after":
        page = page.where(key > bindparam("after_key", type_=key.type))
    elif shape == "offset":
        position = bindparam("page_offset", type_=Integer)
        first = keys_only.order_by(key).offset(position).limit(1).scalar_subquery()
        page = page.where(key >= first)
    page = page.order_by(key).limit(bindparam("page_limit", type_=Integer))
    if dialect.name == "sqlite":
        page = _keys_first(page, collection, today, crs, properties)
    counted = cache_key("features", collection_id, filters, today, cql2)
    return compile_read(
        versioned_rows(counted, page), dialect, given=("after_key", "page_offset", "page_limit")
    )


def _keys_first(
    page: AnySelect,
    collection: Collection,
    today: dt.date,
    crs: Crs,
    properties: tuple[str, ...] | None,
) -> AnySelect:
    """``page`` as the features of the keys it selects: SQLite writes out each row it
    sorts, so the page's keys are found and sorted first and only their features are
    written (not those of every row the filter meets)."""
    key = collection.key()
    every, _keys = _selects(collection.id, ParcelFilter(), today, crs, None, properties)
    # Not correlated to the outer select: the keys are the page's, read on their own.
    return every.where(key.in_(keys_of(page).correlate(None))).order_by(key)


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
        keys = keys_of(features)
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
    key = collection.key_value(feature_id)
    if key is not None:
        day = today or county_today()
        stmt, _keys_only = _selects(collection.id, ParcelFilter(), day, crs, None, properties)
        found = session.execute(stmt.where(collection.key() == key)).first()
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
            name = PARAMETER_NAMES.get(field, field)
            raise InvalidInput(
                _(
                    "要素集 {collection} 不能按 {parameter} 筛选。",
                    collection=collection.id,
                    parameter=name,
                )
            )
