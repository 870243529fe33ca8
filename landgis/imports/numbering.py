"""Number the accepted rows that have no code: ``PREFIX-0001``, ``PREFIX-0002`` … in file
order, after the highest number with that prefix already stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.db.coerce import is_missing
from landgis.db.models import Parcel
from landgis.io.codes import next_number, numbered


def first_number(session: Session, prefix: str) -> int:
    """The number after the highest stored with ``prefix`` (read in the caller's
    transaction, so a dry run and the import that follows give the same codes when
    nothing was stored between)."""
    stored = session.scalars(
        select(Parcel.parcel_code).where(
            Parcel.parcel_code.startswith(f"{prefix}-", autoescape=True)
        )
    )
    return next_number(prefix, stored)


def number_rows(
    frames: Sequence[gpd.GeoDataFrame], refused: set[int], prefix: str, start: int
) -> list[dict[str, Any]]:
    """Give the rows of ``frames`` (in file order) without a code and not ``refused`` the
    next codes from ``start``, in place; the codes given, with their rows."""
    given: list[dict[str, Any]] = []
    number = start
    for frame in frames:
        codes = frame["parcel_code"].tolist()
        for position, row in enumerate(frame["row"].tolist()):
            if is_missing(codes[position]) and row not in refused:
                codes[position] = numbered(prefix, number)
                given.append({"row": int(row), "parcel_code": codes[position]})
                number += 1
        frame["parcel_code"] = pd.Series(codes, index=frame.index, dtype=object)
    return given
