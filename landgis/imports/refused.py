"""The rows a checked import refuses, as the file had them, with every problem of each:
written to a workbook and a GeoPackage the clerk fixes and imports again."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

from landgis.db.coerce import is_missing
from landgis.i18n import Localizable
from landgis.imports.checked import Checked
from landgis.imports.rejects import RejectedRow, RejectsFiles, write_rejects


def refused_rows(checked: Checked) -> list[RejectedRow]:
    """Each row with an error, in file order: its number, code, problems (errors and
    warnings) and its original attributes and geometry (read again from the file)."""
    if checked.source is None or not checked.bad_rows:
        return []
    said: dict[int, list[Localizable]] = defaultdict(list)
    for item in checked.report.problems:
        if item.row in checked.bad_rows:
            said[item.row].append(item.text)
    frame = checked.frame
    refused = frame[frame["row"].isin(checked.bad_rows)]
    rows = [int(r) for r in refused["row"]]
    codes = refused["parcel_code"].tolist() if "parcel_code" in refused else [None] * len(rows)
    original = checked.source.raw.rows_at([row - 1 for row in rows])
    geometry = original.geometry.name
    attributes = original.drop(columns=geometry).to_dict("records")
    return [
        RejectedRow(
            row=row,
            parcel_code=None if is_missing(code) else str(code),
            problems=tuple(said[row]),
            attributes=values,
            geometry=geom,
        )
        for row, code, values, geom in zip(rows, codes, attributes, original.geometry, strict=True)
    ]


def write_refused(checked: Checked, path: Path) -> RejectsFiles | None:
    """The refused rows of ``checked`` written next to ``path`` (an ``.xlsx``; the
    GeoPackage takes its name), in the coordinates the file was read in; None when no
    row is refused on its own (nothing read, or the file refused as a whole)."""
    rows = refused_rows(checked)
    if not rows:
        return None
    source = checked.source
    crs = next((b.crs for b in checked.batches if b.crs is not None), None)
    columns = source.columns if source is not None else None
    return write_rejects(rows, path, crs=crs, columns=columns)
