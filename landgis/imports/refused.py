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
    warnings) and its original attributes and geometry."""
    said: dict[int, list[Localizable]] = defaultdict(list)
    for item in checked.report.problems:
        if item.row in checked.bad_rows:
            said[item.row].append(item.text)
    rejected = []
    for batch in checked.batches:
        if batch.frame is None or not len(batch.frame):
            continue
        rows = batch.frame["row"].tolist()
        codes = batch.frame["parcel_code"].tolist() if "parcel_code" in batch.frame else None
        original = batch.original
        geometry = original.geometry.name
        for position, row in enumerate(rows):
            if row not in checked.bad_rows:
                continue
            item = original.iloc[position]
            code = None if codes is None or is_missing(codes[position]) else str(codes[position])
            rejected.append(
                RejectedRow(
                    row=int(row),
                    parcel_code=code,
                    problems=tuple(said[row]),
                    attributes={c: item[c] for c in original.columns if c != geometry},
                    geometry=item[geometry],
                )
            )
    return rejected


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
