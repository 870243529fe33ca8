"""The parcel filters: what a user narrows parcels and cases down to, read from query
parameters by one parser for every reader (API, OGC items, map, tiles, exports, web pages)
and written back as query parameters for links and tile URLs.

Every list parameter may be repeated or comma-separated. Strict reading (the APIs) refuses a
bad value with :class:`~landgis.errors.InvalidInput` naming the parameter; forgiving reading
(the web pages) drops it, so a page still renders.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from landgis import vocab
from landgis.errors import InvalidInput
from landgis.i18n import Text, _

if TYPE_CHECKING:
    from landgis.temporal import Interval

Bbox = tuple[float, float, float, float]


@dataclass(frozen=True)
class ParcelFilter:
    """What a user narrows the parcels down to; unset fields do not filter."""

    status: tuple[str, ...] = ()
    zone: tuple[str, ...] = ()
    category: tuple[str, ...] = ()
    route: tuple[str, ...] = ()
    cause: tuple[str, ...] = ()
    in_ledger: bool | None = None
    overdue: bool | None = None
    codes: tuple[str, ...] = ()
    bbox: Bbox | None = None
    # The area a bbox given in a projected CRS covers (WKT, CGCS2000 longitude/latitude;
    # ``bbox`` is its bounds): the features must meet it. Never read from or written to
    # query parameters here (see landgis.ogc_crs).
    bbox_shape: str | None = None
    text: str | None = None
    limit: int | None = None
    offset: int = 0
    # OGC API's ``datetime`` (each collection says which of its values it is matched on).
    period: Interval | None = None


# The coded lists and the vocabulary each value must belong to (None: any code).
VOCABULARIES: dict[str, Mapping[str, str] | None] = {
    "status": vocab.CASE_STATUSES,
    "zone": None,
    "category": vocab.CATEGORIES,
    "route": vocab.ROUTES,
    "cause": vocab.CAUSES,
}
# Query parameter → the list field it fills (``code`` and ``codes`` are both parcel codes).
LIST_PARAMETERS: dict[str, str] = {
    **{name: name for name in VOCABULARIES},
    "code": "codes",
    "codes": "codes",
}
FLAG_PARAMETERS = ("in_ledger", "overdue")
PAGING_PARAMETERS = ("limit", "offset")
# Every parameter the parser reads.
FILTER_PARAMETERS: tuple[str, ...] = (
    *LIST_PARAMETERS,
    *FLAG_PARAMETERS,
    "bbox",
    "q",
    *PAGING_PARAMETERS,
)
MAX_QUERY = 100
MAX_CODE = 64
MAX_LIMIT = 10_000
MAX_OFFSET = 100_000_000
TRUE = frozenset({"true", "1", "yes", "on"})
FALSE = frozenset({"false", "0", "no", "off"})

Params = Mapping[str, str | Sequence[str]]


def _values(params: Params, name: str) -> list[str]:
    """Every value given for ``name`` (repeated parameters), as strings."""
    given = params.get(name)
    if given is None:
        return []
    if isinstance(given, str):
        return [given]
    return [str(value) for value in given]


def last_value(params: Params, name: str) -> str | None:
    """The last value given for ``name`` (None when not given)."""
    values = _values(params, name)
    return values[-1] if values else None


class _Reader:
    """Reads one parameter at a time; a bad value raises when strict, else is dropped."""

    def __init__(self, params: Params, strict: bool) -> None:
        self.params = params
        self.strict = strict

    def refuse(self, message: Text) -> None:
        if self.strict:
            raise InvalidInput(message)

    def codes(self, name: str, allowed: Mapping[str, str] | None) -> list[str]:
        kept: list[str] = []
        for item in _values(self.params, name):
            for value in (part.strip() for part in item.split(",")):
                if not value:
                    continue
                if allowed is not None and value not in allowed:
                    self.refuse(
                        _(
                            "{name} 的取值 {value!r} 无效,可用:{allowed}。",
                            name=name,
                            value=value,
                            allowed=", ".join(allowed),
                        ),
                    )
                elif len(value) > MAX_CODE or not value.isprintable():
                    self.refuse(
                        _(
                            "{name} 含有无效字符或过长(最多 {count} 个字符)。",
                            name=name,
                            count=MAX_CODE,
                        ),
                    )
                else:
                    kept.append(value)
        return kept

    def flag(self, name: str) -> bool | None:
        text = (last_value(self.params, name) or "").strip().lower()
        if not text:
            return None
        if text in TRUE or text in FALSE:
            return text in TRUE
        self.refuse(_("{name} 应为 true 或 false,收到 {value!r}。", name=name, value=text[:20]))
        return None

    def integer(self, name: str, low: int, high: int) -> int | None:
        text = (last_value(self.params, name) or "").strip()
        if not text:
            return None
        if text.isascii() and text.isdigit() and low <= int(text) <= high:
            return int(text)
        self.refuse(
            _("{name} 应为 {low} 到 {high} 之间的整数。", name=name, low=low, high=high),
        )
        return None

    def text(self, name: str) -> str | None:
        text = (last_value(self.params, name) or "").strip()
        if "\x00" in text or len(text) > MAX_QUERY:
            self.refuse(
                _("{name} 含有无效字符或过长(最多 {count} 个字符)。", name=name, count=MAX_QUERY),
            )
            text = text.replace("\x00", "")[:MAX_QUERY].strip()
        return text or None

    def bbox(self, name: str) -> Bbox | None:
        text = last_value(self.params, name)
        if text is None or not text.strip():
            return None
        try:
            return parse_bbox(text)
        except InvalidInput:
            if self.strict:
                raise
            return None


def parse_filters(params: Params, *, strict: bool) -> ParcelFilter:
    """The filter the query parameters ``params`` ask for (see :data:`FILTER_PARAMETERS`;
    other parameters are not looked at). ``strict``: a bad value is an
    :class:`InvalidInput` naming its parameter; otherwise it is left out."""
    read = _Reader(params, strict)
    lists: dict[str, list[str]] = {field: [] for field in set(LIST_PARAMETERS.values())}
    for name, field in LIST_PARAMETERS.items():
        lists[field].extend(read.codes(name, VOCABULARIES.get(name)))
    return ParcelFilter(
        **{field: tuple(dict.fromkeys(values)) for field, values in lists.items()},
        in_ledger=read.flag("in_ledger"),
        overdue=read.flag("overdue"),
        bbox=read.bbox("bbox"),
        bbox_shape=None,
        text=read.text("q"),
        limit=read.integer("limit", 1, MAX_LIMIT),
        offset=read.integer("offset", 0, MAX_OFFSET) or 0,
        period=None,  # OGC's datetime, read by landgis.features.item_filter
    )


def filter_params(filters: ParcelFilter, *, paging: bool = False) -> list[tuple[str, str]]:
    """``filters`` as query parameters that :func:`parse_filters` reads back to the same
    filter (paging only when ``paging``)."""
    pairs: list[tuple[str, str]] = []
    for field in (*VOCABULARIES, "codes"):
        pairs.extend((field, value) for value in getattr(filters, field))
    for name in FLAG_PARAMETERS:
        flag = getattr(filters, name)
        if flag is not None:
            pairs.append((name, "true" if flag else "false"))
    if filters.bbox is not None:
        pairs.append(("bbox", ",".join(repr(float(v)) for v in filters.bbox)))
    if filters.text:
        pairs.append(("q", filters.text))
    if paging:
        if filters.limit is not None:
            pairs.append(("limit", str(filters.limit)))
        if filters.offset:
            pairs.append(("offset", str(filters.offset)))
    return pairs


def parse_bbox(text: str) -> Bbox:
    """``minlon,minlat,maxlon,maxlat`` (or six numbers with heights), longitude first."""
    try:
        numbers = [float(part) for part in text.split(",")]
    except ValueError:
        numbers = []
    if len(numbers) not in (4, 6):
        raise InvalidInput(
            _("bbox 应为 最小经度,最小纬度,最大经度,最大纬度 四个数,例如 104.7,30.0,104.9,30.2。"),
        )
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    minx, miny, maxx, maxy = numbers
    if not (-180 <= minx <= maxx <= 180 and -90 <= miny <= maxy <= 90):
        raise InvalidInput(
            _(
                "bbox 范围无效:经度在 -180 到 180 之间、纬度在 -90 到 90 之间,且最小值不大于最大值"
                "。"
            ),
        )
    return minx, miny, maxx, maxy


def without_paging(filters: ParcelFilter) -> ParcelFilter:
    """``filters`` with limit and offset unset."""
    return replace(filters, limit=None, offset=0)
