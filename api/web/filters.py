"""The ledger filters shared by the ledger, the map page and the export links: read
forgivingly from a query string by :func:`landgis.filters.parse_filters`, written back
by :func:`landgis.filters.filter_params`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request

from api.dates import parse_day
from api.query_filters import query_values
from landgis.db.repository import zones_frame
from landgis.filters import (
    VOCABULARIES,
    ParcelFilter,
    filter_params,
    parse_filters,
    without_paging,
)
from landgis.text_sort import sort_key

FILTER_VOCABULARIES: dict[str, Mapping[str, str]] = {
    name: codes for name, codes in VOCABULARIES.items() if codes is not None
}


@dataclass
class PageFilters:
    """The ledger filters read forgivingly from a query string (bad values are dropped, so
    a form's empty choices mean 'all'), and the date the ledger is asked for."""

    filter: ParcelFilter = field(default_factory=ParcelFilter)
    as_of: dt.date | None = None
    bad_date: bool = False

    @classmethod
    def read(cls, request: Request) -> PageFilters:
        params = request.query_params
        # The pages number their own pages (page, per): the filter is never paged.
        chosen = without_paging(parse_filters(query_values(request), strict=False))
        as_of, bad_date = None, False
        if params.get("as_of"):
            try:
                as_of = parse_day(params["as_of"])
            except ValueError:
                bad_date = True
        return cls(filter=chosen, as_of=as_of, bad_date=bad_date)

    @property
    def q(self) -> str:
        return self.filter.text or ""

    @property
    def overdue(self) -> bool | None:
        return self.filter.overdue

    def first(self, name: str) -> str:
        values = getattr(self.filter, name, ())
        return values[0] if values else ""

    def parcel_filter(self) -> ParcelFilter:
        return self.filter

    def params(self, *, as_of: bool = True) -> list[tuple[str, str]]:
        """The filters as query parameters (the names every filter reader reads)."""
        pairs = filter_params(self.filter)
        if as_of and self.as_of is not None:
            pairs.append(("as_of", self.as_of.isoformat()))
        return pairs

    def query(self, *, as_of: bool = True, **extra: Any) -> str:
        pairs = self.params(as_of=as_of) + [(k, str(v)) for k, v in extra.items() if v]
        return urlencode(pairs)


def _zones(session: Any) -> list[dict[str, str]]:
    """The zones a filter offers, by name as a clerk looks them up."""
    frame = zones_frame(session, kinds=("area", "park"))
    zones = [{"code": c, "name": n} for c, n in zip(frame["code"], frame["name"], strict=True)]
    return sorted(zones, key=lambda zone: sort_key(zone["name"]))


def filter_choices(session: Any) -> dict[str, Any]:
    """What the filter form offers: the zones and each vocabulary's codes."""
    return {
        "zones": _zones(session),
        "vocabularies": {name: list(values) for name, values in FILTER_VOCABULARIES.items()},
    }


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """Rows as dicts of plain values (None for missing)."""
    if frame.empty:
        return []
    return frame.astype(object).where(frame.notna(), None).to_dict("records")
