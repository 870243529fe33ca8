"""The ledger filters shared by the ledger, the map page and the export links: read
leniently from a query string, written back as the API's query parameters."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import pandas as pd
from fastapi import Request

from landgis import vocab
from landgis.db.repository import zones_frame
from landgis.parcels import ParcelFilter
from landgis.text_sort import sort_key

FILTER_VOCABULARIES: dict[str, Mapping[str, str]] = {
    "status": vocab.CASE_STATUSES,
    "category": vocab.CATEGORIES,
    "route": vocab.ROUTES,
    "cause": vocab.CAUSES,
}
ZONE_CODE = re.compile(r"^[\w.\-]{1,32}$")
MAX_QUERY = 100


@dataclass
class PageFilters:
    """The ledger filters read leniently from a query string (unknown values are ignored,
    so a form's empty choices mean 'all')."""

    chosen: dict[str, list[str]] = field(default_factory=dict)
    overdue: bool | None = None
    q: str = ""
    as_of: dt.date | None = None
    bad_date: bool = False

    @classmethod
    def read(cls, request: Request) -> PageFilters:
        params = request.query_params
        chosen: dict[str, list[str]] = {}
        for name, allowed in FILTER_VOCABULARIES.items():
            chosen[name] = [v for v in params.getlist(name) if v in allowed]
        chosen["zone"] = [v for v in params.getlist("zone") if ZONE_CODE.match(v)]
        overdue = {"true": True, "false": False}.get(params.get("overdue", ""))
        as_of, bad_date = None, False
        if params.get("as_of"):
            try:
                as_of = dt.date.fromisoformat(params["as_of"])
            except ValueError:
                bad_date = True
        q = (params.get("q") or "").strip()[:MAX_QUERY]
        return cls(chosen=chosen, overdue=overdue, q=q, as_of=as_of, bad_date=bad_date)

    def first(self, name: str) -> str:
        values = self.chosen.get(name) or []
        return values[0] if values else ""

    def parcel_filter(self) -> ParcelFilter:
        return ParcelFilter(
            status=tuple(self.chosen.get("status", ())),
            zone=tuple(self.chosen.get("zone", ())),
            category=tuple(self.chosen.get("category", ())),
            route=tuple(self.chosen.get("route", ())),
            cause=tuple(self.chosen.get("cause", ())),
            overdue=self.overdue,
            text=self.q or None,
        )

    def params(self, *, as_of: bool = True) -> list[tuple[str, str]]:
        """The filters as query parameters (the names the API's filters use)."""
        pairs = [(name, v) for name, values in self.chosen.items() for v in values]
        if self.overdue is not None:
            pairs.append(("overdue", "true" if self.overdue else "false"))
        if self.q:
            pairs.append(("q", self.q))
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
