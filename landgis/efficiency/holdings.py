"""The parcels enterprises' land is found among, and how names and codes are compared.

An enterprise holds the parcels recorded with its unified social credit code, else those
whose holder (土地使用权人) is written as its name (the matching itself, on whole
columns: :func:`landgis.efficiency.land.holding_links`). Names are compared as a clerk
reads them: full-width and half-width forms alike (NFKC: "（" is "("), spaces ignored. A
name that matches no holder exactly but is close to one (a near miss, such as 有限公司
against 有限责任公司) is reported for the clerk to confirm, never matched silently.
"""

from __future__ import annotations

import difflib
import unicodedata

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


class NearMisses:
    """The holders' names, to tell a clerk which ones an unmatched enterprise's name is
    close to."""

    def __init__(self, holdings: pd.DataFrame) -> None:
        self._names: dict[str, str] = {}
        for holder in holdings["holder"].dropna().unique().tolist():
            key = name_key(holder)
            if key:
                self._names.setdefault(key, str(holder))

    def of(self, name: object, limit: int = 3) -> tuple[str, ...]:
        """The holders' names most like ``name`` (as compared), best first."""
        key = name_key(name)
        if not key:
            return ()
        close = difflib.get_close_matches(key, list(self._names), n=limit, cutoff=NEAR_MISS_RATIO)
        return tuple(self._names[found] for found in close)
