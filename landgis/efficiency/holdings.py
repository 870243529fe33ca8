"""Which parcels an enterprise holds: those recorded with its unified social credit code,
else those whose holder (土地使用权人) is written as its name. Names are compared as a
clerk reads them: full-width and half-width forms alike (NFKC: "（" is "("), spaces
ignored. A name that matches no holder exactly but is close to one (a near miss, such as
有限公司 against 有限责任公司) is reported for the clerk to confirm, never matched silently.
"""

from __future__ import annotations

import difflib
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.db.models import Parcel, Zone
from landgis.db.repository import columns_frame

# How alike two names must be (difflib's ratio) to be reported as a near miss.
NEAR_MISS_RATIO = 0.8
HOLDING_COLUMNS = ["parcel_id", "parcel_code", "holder", "credit_code", "area_m2", "zone"]


def name_key(name: object) -> str:
    """``name`` as names are compared: NFKC (full-width brackets are brackets), no spaces."""
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return ""
    text = unicodedata.normalize("NFKC", str(name))
    return "".join(text.split())


def code_key(code: object) -> str:
    """A credit code as codes are compared: NFKC, upper case, no spaces."""
    return name_key(code).upper()


def parcel_holdings(session: Session) -> pd.DataFrame:
    """Every parcel with its holder, the holder's credit code, its area (m²) and its zone's
    name: the land enterprises can be joined to."""
    stmt = (
        select(
            Parcel.id,
            Parcel.parcel_code,
            Parcel.holder,
            Parcel.credit_code,
            Parcel.area_m2,
            Zone.name,
        )
        .outerjoin(Zone, Parcel.zone_id == Zone.id)
        .order_by(Parcel.id)
    )
    frame = columns_frame(session, stmt, HOLDING_COLUMNS)
    return frame.astype({"parcel_id": "int64", "area_m2": float})


@dataclass(frozen=True)
class Match:
    """An enterprise's parcels (``parcel_ids``) and how they were found: ``code``,
    ``name``, or ``none`` (with the holders' names that nearly match, ``near_misses``)."""

    parcel_ids: tuple[int, ...]
    matched_by: str
    near_misses: tuple[str, ...] = ()


class HoldingIndex:
    """The parcels by holder's credit code and by holder's name, to match enterprises."""

    def __init__(self, holdings: pd.DataFrame) -> None:
        self.holdings = holdings
        self._by_code: dict[str, list[int]] = {}
        self._by_name: dict[str, list[int]] = {}
        self._names: dict[str, str] = {}
        for row in holdings.itertuples(index=False):
            code, key = code_key(row.credit_code), name_key(row.holder)
            if code:
                self._by_code.setdefault(code, []).append(int(row.parcel_id))
            if key:
                self._by_name.setdefault(key, []).append(int(row.parcel_id))
                self._names.setdefault(key, str(row.holder))

    def match(self, credit_code: object, name: object) -> Match:
        """The parcels of the enterprise with ``credit_code`` (may be empty) and ``name``."""
        code = code_key(credit_code)
        if code and code in self._by_code:
            return Match(tuple(self._by_code[code]), "code")
        key = name_key(name)
        if key and key in self._by_name:
            return Match(tuple(self._by_name[key]), "name")
        return Match((), "none", self.near_misses(key))

    def near_misses(self, key: str, limit: int = 3) -> tuple[str, ...]:
        """The holders' names most like ``key`` (as compared), best first."""
        if not key:
            return ()
        close = difflib.get_close_matches(key, list(self._names), n=limit, cutoff=NEAR_MISS_RATIO)
        return tuple(self._names[found] for found in close)


def land_of(holdings: pd.DataFrame, parcel_ids: Iterable[int]) -> float:
    """The area in m² of the parcels ``parcel_ids``."""
    wanted = set(parcel_ids)
    return float(holdings.loc[holdings["parcel_id"].isin(wanted), "area_m2"].sum())
