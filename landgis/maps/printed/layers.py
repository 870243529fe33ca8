"""What the printed status map shows, read from the database: the ledger's parcels as of a
date with each one's disposal status, the other parcels around them, and the zones; all in
EPSG:4490 as stored (:mod:`.framing` projects them)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection
from dataclasses import dataclass

import geopandas as gpd
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.db.models import Parcel
from landgis.db.repository import frame_where_in, read_frame, wkb_of, zones_frame
from landgis.filters import Bbox
from landgis.ledger import ledger_rows
from landgis.ogc_bbox import bbox_intersects
from landgis.stats import STATUS_ORDER

_PARCEL_COLUMNS = (Parcel.id, Parcel.parcel_code, Parcel.gk_epsg, wkb_of(Parcel.geom))


@dataclass(frozen=True)
class LedgerLayer:
    """The ledger's parcels (``id``, ``parcel_code``, ``gk_epsg``, ``status``, geometry),
    each with the status of its last case by number, and how many cases each status has,
    in the workflow's order (only the statuses present)."""

    parcels: gpd.GeoDataFrame
    cases_by_status: dict[str, int]


def ledger_layer(
    session: Session, as_of: dt.date, parcel_codes: Collection[str] | None = None
) -> LedgerLayer:
    """The ledger as it stood at the end of ``as_of`` (only ``parcel_codes`` when given)."""
    rows = ledger_rows(session, as_of)
    if rows.empty:  # no case yet: the rows have not every column
        rows = pd.DataFrame(columns=["case_no", "parcel_id", "parcel_code", "status"])
    if parcel_codes is not None:
        rows = rows[rows["parcel_code"].isin(list(parcel_codes))]
    counts = rows["status"].value_counts()
    cases_by_status = {s: int(counts[s]) for s in STATUS_ORDER if s in counts.index}
    last = (
        rows.dropna(subset=["parcel_id"])
        .sort_values("case_no")
        .drop_duplicates("parcel_id", keep="last")
    )
    ids = [int(i) for i in last["parcel_id"]]
    shapes = frame_where_in(session, _PARCEL_COLUMNS, Parcel.id, ids)
    status = pd.Series(list(last["status"]), index=ids, dtype=object)
    parcels = shapes.assign(status=shapes["id"].map(status)).sort_values("parcel_code")
    return LedgerLayer(parcels.reset_index(drop=True), cases_by_status)


def parcels_within(session: Session, bbox: Bbox, leave_out: Collection[int]) -> gpd.GeoDataFrame:
    """The parcels meeting the lon/lat box ``bbox``, but those whose ids are ``leave_out``."""
    stmt = select(*_PARCEL_COLUMNS).where(bbox_intersects(Parcel.geom, bbox))
    found = read_frame(session, stmt.order_by(Parcel.id))
    return found[~found["id"].isin(list(leave_out))].reset_index(drop=True)


def zones(session: Session) -> gpd.GeoDataFrame:
    """Every zone (county, park, areas) with ``code``, ``name`` and ``kind``."""
    return zones_frame(session)
