"""The import of a file into PostGIS through a staging table, in memory bounded by a batch.

Each batch, once typed, placed and compared with the stored parcels (the checks that need
only its own rows), is copied into a temporary table (``COPY … FROM STDIN``) and let go.
The checks across the file's rows (repeated rows, codes missing or repeated, rows
overlapping) then run over that table (its GiST index found the candidate pairs; the
rules themselves are :mod:`~landgis.imports.file_checks`'s and
:mod:`~landgis.io.validate`'s), and the accepted rows go into ``parcels`` with one
``INSERT … SELECT``, in the caller's transaction.

Used for new parcels only (``insert`` mode, codes read from the file, no rejects file):
other imports keep the pipeline that holds the file's rows in memory.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Sequence
from typing import Any

import geopandas as gpd
import numpy as np
import shapely
from sqlalchemy import Column, Float, Integer, MetaData, String, Table, Text, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.orm import Session

from landgis.db.backends import backend_for
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

    def _create(self, frame: gpd.GeoDataFrame) -> Table:
        skip = {"row", "extra", "geometry", frame.geometry.name, *_PLACED}
        self.fields = [str(c) for c in frame.columns if c not in skip]
        columns = [Column("row", Integer), Column("code_key", Text)]
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
        self.count += n
        if n == 0:
            return
        columns: dict[str, Sequence[Any]] = {
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
        areas: :meth:`area_warnings`)."""
        if self.table is None or self.count == 0:
            return []
        self.session.execute(text(f"CREATE INDEX ON {self.name} USING gist (geom)"))
        self.session.execute(text(f"ANALYZE {self.name}"))
        repeats = self._repeats()
        problems = [
            duplicate_row_problem(row, code, first) for row, (first, code) in repeats.items()
        ]
        problems += self._code_problems(set(repeats), codes_given=codes_given)
        problems += self._overlap_problems(set(repeats))
        return problems

    def _repeats(self) -> dict[int, tuple[int, Any]]:
        """Each row repeating an earlier one exactly: the row it repeats, and its code.
        Only rows sharing their bounds with another are read back and compared."""
        names = ", ".join(f'"{f}"' for f in self.fields)
        result = self.session.execute(
            text(
                f"SELECT row, {names + ', ' if names else ''}extra, ST_AsBinary(geom) AS wkb "
                f"FROM (SELECT *, count(*) OVER (PARTITION BY ST_XMin(geom), ST_YMin(geom),"
                f" ST_XMax(geom), ST_YMax(geom)) AS n FROM {self.name}"
                f" WHERE geom IS NOT NULL AND NOT ST_IsEmpty(geom)) AS c"
                f" WHERE n > 1 ORDER BY row"
            )
        ).all()
        if len(result) < 2:
            return {}
        records = [dict(r._mapping) for r in result]
        geoms = shapely.from_wkb([bytes(r.pop("wkb")) for r in records])
        frame = gpd.GeoDataFrame(records, geometry=list(geoms), crs=CGCS2000)
        found = repeated_rows(frame, self.fields)
        rows = frame["row"].tolist()
        codes = frame["parcel_code"].tolist() if "parcel_code" in frame else [None] * len(rows)
        return {int(rows[p]): (int(rows[first]), codes[p]) for p, first in found.items()}

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

    def _overlap_problems(self, repeats: set[int]) -> list[Problem]:
        """Both rows of each pair of rows that overlap: the index finds the pairs whose
        boxes share some area, PostGIS keeps those whose interiors meet, and
        :func:`~landgis.io.validate.measured_overlaps` measures them."""
        code = "parcel_code" if "parcel_code" in self.fields else None
        codes = f"a.{code}, b.{code}" if code else "NULL, NULL"
        pairs = self.session.execute(
            text(
                f"SELECT a.row, b.row, {codes}, ST_AsBinary(a.geom), ST_AsBinary(b.geom)"
                f" FROM {self.name} a JOIN {self.name} b"
                f" ON a.geom && b.geom AND a.row < b.row"
                f" WHERE NOT ST_IsEmpty(a.geom) AND NOT ST_IsEmpty(b.geom)"
                f" AND least(ST_XMax(a.geom), ST_XMax(b.geom))"
                f" > greatest(ST_XMin(a.geom), ST_XMin(b.geom))"
                f" AND least(ST_YMax(a.geom), ST_YMax(b.geom))"
                f" > greatest(ST_YMin(a.geom), ST_YMin(b.geom))"
                f" AND ST_Relate(a.geom, b.geom, :pattern)"
                f" ORDER BY a.row, b.row"
            ),
            {"pattern": OVERLAP_PATTERN},
        ).all()
        pairs = [p for p in pairs if p[0] not in repeats and p[1] not in repeats]
        if not pairs:
            return []
        a = shapely.from_wkb([bytes(p[4]) for p in pairs])
        b = shapely.from_wkb([bytes(p[5]) for p in pairs])
        problems = []
        for found in measured_overlaps(a, b):
            row, other, code, other_code = pairs[found.i][:4]
            problems.append(file_overlap_problem(row, code, other, other_code, found))
            problems.append(file_overlap_problem(other, other_code, row, code, found))
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
        result = self.session.execute(
            text(
                f"INSERT INTO parcels ({listed}) SELECT {selected} FROM {self.name} s"
                f" LEFT JOIN unnest(CAST(:bad AS integer[])) AS b(r) ON b.r = s.row"
                f" WHERE b.r IS NULL ORDER BY s.row"
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
