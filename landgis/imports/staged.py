"""The import of a file into PostGIS through a staging table, in memory bounded by a batch.

Each batch, once typed, placed and compared with the stored parcels (the checks that need
only its own rows and the database), is copied into a temporary table
(``COPY … FROM STDIN``) and let go: only each row's number, code, area and bounds stay.
The checks across the file's rows (repeated rows, codes missing or repeated, rows
overlapping) then read back from that table only the rows they compare: the codes that
repeat (found by ``GROUP BY``), the rows whose bounds meet (found from the bounds kept),
judged by the rules of :mod:`~landgis.imports.file_checks` and :mod:`~landgis.io.validate`.
The accepted rows go into ``parcels`` with one ``INSERT … SELECT``, in the caller's
transaction; into an empty ``parcels`` (a first load), its indexes are built once
afterwards (:mod:`~landgis.db.backends.postgis_reindex`).

Used for new parcels only (``insert`` mode, codes read from the file, no rejects file):
other imports keep the pipeline that holds the file's rows in memory.
"""

from __future__ import annotations

import itertools
import math
import uuid
from contextlib import nullcontext
from typing import Any, cast

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from landgis.db.backends import backend_for
from landgis.db.backends.postgis_reindex import indexes_rebuilt, rebuilding_pays
from landgis.db.coerce import is_missing
from landgis.db.models import Parcel
from landgis.geo import CGCS2000
from landgis.import_modes import ImportMode
from landgis.imports.checked import Checked
from landgis.imports.file_checks import (
    area_problems,
    code_problems,
    duplicate_row_problem,
    file_overlap_problem,
    repeated_rows,
)
from landgis.imports.options import ImportOptions
from landgis.imports.rows import Rows
from landgis.imports.store import _SETTABLE, _zone_ids
from landgis.io.problems import Problem
from landgis.io.validate import OVERLAP_PATTERN, measured_overlaps

# Columns of a batch's frame that are not the file's fields.
_PLACED = ("area_m2", "geodesic_area_m2", "gk_epsg")
# Boxes searched for pairs at a time (see _boxes_sharing_area).
_BOXES_AT_ONCE = 100_000
# Pairs of rows whose geometries are read back and compared at a time.
_PAIRS_AT_ONCE = 100_000
_PARCEL_COLUMNS = {c.name: c for c in Parcel.__table__.columns}


def applies(session: Session, options: ImportOptions, *, rejects: bool) -> bool:
    """Whether an import with ``options`` goes through a staging table: on PostGIS, new
    parcels only, codes read from the file, no rejects file, read in batches."""
    return (
        backend_for(session).name == "postgis"
        and options.mode is ImportMode.insert
        and options.codes is None
        and options.batch_size is not None
        and not rejects
    )


def _code_key(code: Any) -> str | None:
    """A code as the file checks compare it (see :func:`code_problems`)."""
    return None if is_missing(code) else str(code).strip() or None


class Stage:
    """A temporary table holding every row of a file (accepted or not), typed and placed:
    ``row``, the file's fields, the parcel columns landgis computes, ``code_key`` (the
    code as compared) and ``geom``."""

    def __init__(self, session: Session, zones: gpd.GeoDataFrame) -> None:
        self.session = session
        self.zones = zones
        self.name = f"landgis_stage_{uuid.uuid4().hex[:12]}"
        self.table: Table | None = None
        self.fields: list[str] = []
        self.count = 0
        self.batches: list[tuple[int, int]] = []  # (first row, rows) of each batch
        self._rows: list[np.ndarray] = []
        self._areas: list[np.ndarray] = []
        self._codes: list[np.ndarray] = []
        self._bounds: list[np.ndarray] = []  # n × 4 (NaN without a geometry)

    def _create(self, frame: gpd.GeoDataFrame) -> Table:
        skip = {"row", "extra", "geometry", frame.geometry.name, *_PLACED}
        self.fields = [str(c) for c in frame.columns if c not in skip]
        columns: list[Column[Any]] = [Column("row", Integer), Column("code_key", Text)]
        for name in self.fields:
            known = _PARCEL_COLUMNS.get(name)
            if known is not None:
                kind = Text() if isinstance(known.type, String) else known.type
                columns.append(Column(name, kind))
            elif frame[name].dtype.kind in "fiu":
                columns.append(Column(name, Float))
            else:
                columns.append(Column(name, Text))
        for name in (*_PLACED, "zone_id", "extra", "geom"):
            columns.append(Column(name, _PARCEL_COLUMNS[name].type))
        table = Table(self.name, MetaData(), *columns)
        dialect = postgresql.dialect()
        ddl = ", ".join(f'"{c.name}" {c.type.compile(dialect=dialect)}' for c in table.columns)
        self.session.execute(text(f"CREATE TEMPORARY TABLE {self.name} ({ddl}) ON COMMIT DROP"))
        return table

    def add(self, rows: Rows) -> None:
        """Copy a batch's rows into the table."""
        frame = rows.frame
        assert frame is not None
        if self.table is None:
            self.table = self._create(frame)
        n = len(frame)
        row_numbers = frame["row"].to_numpy(dtype=np.int64)
        codes = (
            frame["parcel_code"].to_numpy(dtype=object)
            if "parcel_code" in frame
            else np.full(n, None, dtype=object)
        )
        areas = frame["area_m2"].to_numpy(dtype=float)
        self.batches.append((int(row_numbers[0]) if n else self.count + 1, n))
        self._rows.append(row_numbers)
        self._areas.append(areas)
        self._codes.append(codes)
        self._bounds.append(shapely.bounds(np.asarray(frame.geometry.values, dtype=object)))
        self.count += n
        if n == 0:
            return
        columns: dict[str, Any] = {
            "row": row_numbers,
            "code_key": [_code_key(c) for c in codes.tolist()],
        }
        for name in self.fields:
            values = frame[name]
            if values.dtype.kind == "f":
                columns[name] = values.to_numpy(dtype=float)
            else:
                columns[name] = values.astype(object).where(values.notna(), None).tolist()
        columns["area_m2"] = areas
        columns["geodesic_area_m2"] = frame["geodesic_area_m2"].to_numpy(dtype=float)
        epsg = frame["gk_epsg"].to_numpy(dtype=float)
        columns["gk_epsg"] = [None if math.isnan(e) else int(e) for e in epsg.tolist()]
        columns["zone_id"] = _zone_ids(frame, self.zones)
        columns["extra"] = [e or None for e in frame["extra"]]
        columns["geom"] = np.asarray(frame.geometry.values, dtype=object)
        backend_for(self.session).bulk_insert(self.session, self.table, columns, "geom")

    def area_warnings(self, rows: Rows, share: float) -> list[Problem]:
        """The warnings of the batch's rows whose registered area differs from the
        polygon's by more than ``share``."""
        frame = rows.frame
        if frame is None or "registered_area_m2" not in frame:
            return []
        codes = frame["parcel_code"].tolist() if "parcel_code" in frame else [None] * len(frame)
        return area_problems(
            frame["registered_area_m2"].tolist(),
            frame["area_m2"].to_numpy(dtype=float),
            codes,
            frame["row"].to_numpy(),
            share,
        )

    def across(self, *, codes_given: bool) -> list[Problem]:
        """The problems found by comparing the rows with each other (as
        :func:`~landgis.imports.file_checks.file_checks` finds them, but the registered
        areas: :meth:`area_warnings`). The rows' bounds, kept for each batch, say which
        rows to compare: only those are read back from the table."""
        if self.table is None or self.count == 0:
            return []
        self.session.execute(text(f"CREATE INDEX ON {self.name} (row)"))
        rows = np.concatenate(self._rows)
        bounds = np.concatenate(self._bounds)
        present = np.isfinite(bounds).all(axis=1)
        rows, bounds = rows[present], bounds[present]
        repeats = self._repeats(rows, bounds)
        problems = [
            duplicate_row_problem(row, code, first) for row, (first, code) in repeats.items()
        ]
        problems += self._code_problems(set(repeats), codes_given=codes_given)
        problems += self._overlap_problems(rows, bounds, set(repeats))
        return problems

    def _read(self, rows: np.ndarray, columns: str) -> list[Any]:
        """``columns`` of the given rows, in row order."""
        return list(
            self.session.execute(
                text(
                    f"SELECT row, {columns} FROM {self.name}"
                    f" WHERE row = ANY(CAST(:rows AS integer[])) ORDER BY row"
                ),
                {"rows": [int(r) for r in rows]},
            )
        )

    def _repeats(self, rows: np.ndarray, bounds: np.ndarray) -> dict[int, tuple[int, Any]]:
        """Each row repeating an earlier one exactly: the row it repeats, and its code.
        Only rows sharing their bounds with another are read back and compared."""
        shared = pd.DataFrame(bounds).duplicated(keep=False).to_numpy()
        if shared.sum() < 2:
            return {}
        names = "".join(f'"{f}", ' for f in self.fields)
        records = [
            dict(r._mapping)
            for r in self._read(rows[shared], f"{names}extra, ST_AsBinary(geom) AS wkb")
        ]
        geoms = shapely.from_wkb([bytes(r.pop("wkb")) for r in records])
        frame = gpd.GeoDataFrame(records, geometry=list(geoms), crs=CGCS2000)
        found = repeated_rows(frame, self.fields)
        numbers = frame["row"].tolist()
        codes = frame["parcel_code"].tolist() if "parcel_code" in frame else [None] * len(numbers)
        return {int(numbers[p]): (int(numbers[first]), codes[p]) for p, first in found.items()}

    def _code_problems(self, repeats: set[int], *, codes_given: bool) -> list[Problem]:
        """Rows without a code (unless the import gives them one) and rows repeating one:
        only those rows are read back."""
        code = '"parcel_code"' if "parcel_code" in self.fields else "NULL"
        result = self.session.execute(
            text(
                f"SELECT row, {code} FROM {self.name} WHERE code_key IS NULL OR code_key IN "
                f"(SELECT code_key FROM {self.name} WHERE code_key IS NOT NULL"
                f" GROUP BY code_key HAVING count(*) > 1) ORDER BY row"
            )
        ).all()
        kept = [(row, value) for row, value in result if row not in repeats]
        return code_problems(
            [value for _row, value in kept], [row for row, _value in kept], blank_ok=codes_given
        )

    def _overlap_problems(
        self, rows: np.ndarray, bounds: np.ndarray, repeats: set[int]
    ) -> list[Problem]:
        """Both rows of each pair of rows that overlap: the pairs whose boxes share some
        area (found from the bounds), their geometries read back a run of pairs at a time
        and judged as :func:`~landgis.io.validate.overlaps` judges them."""
        if repeats:
            kept = ~np.isin(rows, list(repeats))
            rows, bounds = rows[kept], bounds[kept]
        if len(rows) < 2:
            return []
        left, right = _boxes_sharing_area(bounds)
        order = np.lexsort((right, left))
        left, right = left[order], right[order]
        code = '"parcel_code"' if "parcel_code" in self.fields else "NULL"
        problems: list[Problem] = []
        for start in range(0, len(left), _PAIRS_AT_ONCE):
            a_at, b_at = left[start : start + _PAIRS_AT_ONCE], right[start : start + _PAIRS_AT_ONCE]
            wanted = np.unique(np.concatenate([a_at, b_at]))
            read = self._read(rows[wanted], f"{code}, ST_AsBinary(geom)")
            geoms = shapely.from_wkb([bytes(r[2]) for r in read])
            codes = [r[1] for r in read]
            a_pos, b_pos = np.searchsorted(wanted, a_at), np.searchsorted(wanted, b_at)
            inner = shapely.relate_pattern(geoms[a_pos], geoms[b_pos], OVERLAP_PATTERN)
            a_pos, b_pos = a_pos[inner], b_pos[inner]
            for found in measured_overlaps(geoms[a_pos], geoms[b_pos]):
                me, other = int(a_pos[found.i]), int(b_pos[found.i])
                row, other_row = int(rows[wanted[me]]), int(rows[wanted[other]])
                problems.append(
                    file_overlap_problem(row, codes[me], other_row, codes[other], found)
                )
                problems.append(
                    file_overlap_problem(other_row, codes[other], row, codes[me], found)
                )
        return problems

    def tally(self, checked: Checked) -> None:
        """The report's counts of the rows that pass (their codes and area) and of those
        refused."""
        report = checked.report
        bad = checked.bad_rows
        parcels = 0
        areas: list[float] = []
        codes: list[str] = []
        for rows, batch_areas, batch_codes in zip(
            self._rows, self._areas, self._codes, strict=True
        ):
            good = ~np.isin(rows, list(bad)) if bad else np.ones(len(rows), dtype=bool)
            parcels += int(good.sum())
            kept = batch_areas[good]
            areas.extend(kept[np.isfinite(kept)].tolist())
            codes.extend(str(c) for c in batch_codes[good].tolist() if c is not None)
        report.parcels = parcels
        report.area_m2 = math.fsum(areas)
        report.refused = report.features if checked.refused_whole else len(bad)
        report.parcel_codes = codes

    def written(self, bad_rows: set[int]) -> list[int]:
        """The rows of each batch that go in."""
        return [
            n - sum(1 for row in bad_rows if first <= row < first + n) if bad_rows else n
            for first, n in self.batches
        ]

    def parcels(self, bad_rows: set[int]) -> int:
        """How many rows would go in (a dry run)."""
        return sum(self.written(bad_rows))

    def insert(self, bad_rows: set[int]) -> int:
        """Insert the rows without an error into ``parcels`` in file order; how many."""
        assert self.table is not None
        names = [
            c.name for c in self.table.columns if c.name in _PARCEL_COLUMNS and c.name in _TARGET
        ]
        listed = ", ".join(f'"{n}"' for n in names)
        selected = ", ".join(f's."{n}"' for n in names)
        parcels = cast(Table, Parcel.__table__)
        rebuilt = rebuilding_pays(self.session, parcels, self.count - len(bad_rows))
        with indexes_rebuilt(self.session, parcels) if rebuilt else nullcontext():
            # The parcels' ids follow the file's rows (the table's index on ``row`` gives
            # that order without sorting the whole file).
            result = self.session.execute(
                text(
                    f"INSERT INTO parcels ({listed}) SELECT {selected} FROM {self.name} s"
                    f" WHERE s.row <> ALL(CAST(:bad AS integer[])) ORDER BY s.row"
                ),
                {"bad": sorted(bad_rows)},
            )
        return int(result.rowcount)  # type: ignore[attr-defined]

    def drop(self) -> None:
        """Drop the table (it goes with the transaction anyway)."""
        if self.table is not None:
            self.session.execute(text(f"DROP TABLE IF EXISTS {self.name}"))
            self.table = None


# The parcel columns an import writes.
_TARGET = {*_SETTABLE, *_PLACED, "zone_id", "extra", "geom"}


def _boxes_sharing_area(bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The pairs ``(i, j)``, ``i < j``, of the boxes ``bounds`` (n × 4) that share some
    area. The boxes are searched in vertical stripes of about :data:`_BOXES_AT_ONCE`
    boxes (a box in every stripe it reaches), each pair kept in the stripe where the
    common part of the two boxes starts: memory grows with a stripe, not the file."""
    minx = bounds[:, 0]
    stripes = max(1, math.ceil(len(bounds) / _BOXES_AT_ONCE))
    edges = np.unique(np.quantile(minx, np.linspace(0, 1, stripes + 1)[1:-1]))
    edges = np.concatenate([[-np.inf], edges, [np.inf]])
    found_left: list[np.ndarray] = []
    found_right: list[np.ndarray] = []
    for low, high in itertools.pairwise(edges):
        members = np.flatnonzero((bounds[:, 2] >= low) & (minx < high))
        if len(members) < 2:
            continue
        part = bounds[members]
        boxes = shapely.box(part[:, 0], part[:, 1], part[:, 2], part[:, 3])
        left, right = shapely.STRtree(boxes).query(boxes)
        del boxes
        left, right = members[left], members[right]
        keep = left < right
        left, right = left[keep], right[keep]
        start_x = np.maximum(bounds[left, 0], bounds[right, 0])
        width = np.minimum(bounds[left, 2], bounds[right, 2]) - start_x
        height = np.minimum(bounds[left, 3], bounds[right, 3]) - np.maximum(
            bounds[left, 1], bounds[right, 1]
        )
        keep = (width > 0) & (height > 0) & (start_x >= low) & (start_x < high)
        found_left.append(left[keep])
        found_right.append(right[keep])
    if not found_left:
        return np.empty(0, dtype=np.intp), np.empty(0, dtype=np.intp)
    return np.concatenate(found_left), np.concatenate(found_right)
