"""The registry of export formats and the one entry, :func:`export_ledger`."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import os
import re
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import quote

from sqlalchemy.orm import Session

from landgis.errors import InvalidInput
from landgis.i18n import DEFAULT_LANGUAGE, _, listing
from landgis.io.exports.base import Exporter
from landgis.io.exports.gis import GeoJSONExporter, GeoPackageExporter
from landgis.io.exports.kml import KmlExporter
from landgis.io.exports.pdf import PdfExporter
from landgis.io.exports.print_setup import PrintSetup
from landgis.io.exports.rows import DEFAULT_CHUNK_SIZE, collect_ledger
from landgis.io.exports.shapefile import ShapefileExporter
from landgis.io.exports.tabular import CsvExporter
from landgis.io.exports.workbook import XlsxExporter
from landgis.parcels import ParcelFilter

EXPORTERS: dict[str, Exporter] = {
    exporter.name: exporter
    for exporter in (
        XlsxExporter(),
        CsvExporter(),
        GeoJSONExporter(),
        GeoPackageExporter(),
        ShapefileExporter(),
        KmlExporter(),
        PdfExporter(),
    )
}
FORMAT_ALIASES: dict[str, str] = {
    "excel": "xlsx",
    "json": "geojson",
    "geopackage": "gpkg",
    "shp": "shapefile",
    "shp.zip": "shapefile",
    "zip": "shapefile",
}


def get_exporter(fmt: str) -> Exporter:
    """The exporter named ``fmt`` (a name, an alias or an extension, any case)."""
    key = str(fmt or "").strip().lower().lstrip(".")
    key = FORMAT_ALIASES.get(key, key)
    if key not in EXPORTERS:
        raise InvalidInput(
            _(
                "不支持的导出格式 “{format}”,可选:{offered}。",
                format=fmt,
                offered=listing(EXPORTERS),
            )
        )
    return EXPORTERS[key]


# --- the entry --------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class ExportResult:
    """A finished export: the bytes (or the path written), its filenames and media type;
    ``rows`` counts the ledger rows exported (features of parcels without a case aside)."""

    filename: str
    ascii_filename: str
    media_type: str
    content: bytes | None = None
    path: Path | None = None
    rows: int = 0

    @property
    def content_disposition(self) -> str:
        """``attachment`` with an ASCII filename and the UTF-8 one (RFC 6266 / 5987)."""
        return content_disposition(self.filename, self.ascii_filename)


def content_disposition(filename: str, ascii_filename: str) -> str:
    """The ``Content-Disposition`` of a download: ``attachment`` with ``ascii_filename``
    for old clients and ``filename`` in UTF-8 (RFC 6266 / 5987)."""
    return f"attachment; filename=\"{ascii_filename}\"; filename*=UTF-8''{quote(filename, safe='')}"


_UNSAFE_FILENAME = re.compile(r'[\\/:*?"<>|\s]+')


def safe_place(county: str) -> str:
    """The county's name as a file name may hold it (``county`` when nothing is left)."""
    return _UNSAFE_FILENAME.sub("_", county).strip("_.") or "county"


def export_filenames(county: str, as_of: dt.date, extension: str) -> tuple[str, str]:
    """``台账_青溪县_2023-08-31.xlsx`` and its ASCII fallback ``ledger_2023-08-31.xlsx``."""
    place = safe_place(county)
    day = as_of.isoformat()
    return f"台账_{place}_{day}.{extension}", f"ledger_{day}.{extension}"


def export_ledger(
    session: Session,
    fmt: str,
    *,
    as_of: dt.date | None = None,
    filters: ParcelFilter | None = None,
    out: str | os.PathLike[str] | BinaryIO | None = None,
    county: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    lang: str = DEFAULT_LANGUAGE,
    print_setup: PrintSetup | None = None,
    **options: Any,
) -> ExportResult:
    """Export the ledger as of ``as_of`` (today when None), narrowed by ``filters``; the
    notes naming the filters in ``lang`` (zh or en); printed (the PDF, the workbook's
    print set-up) as ``print_setup`` says (the settings' when None).

    ``fmt`` names the format (see :data:`EXPORTERS`); ``options`` are the format's own
    (None values are ignored). With ``out`` None the bytes come back in the result; with a
    path the file is written (whole or not at all) and the result names it; with a binary
    stream the bytes go there. Unknown formats or options and bad values raise
    :class:`~landgis.errors.InvalidInput` (before the ledger is read, except a workbook
    period that starts after the ledger date).

    The rows are read from the database ``chunk_size`` at a time and written as they come:
    with a path or a stream nothing holds the whole file in memory.
    """
    exporter = get_exporter(fmt)
    checked = exporter.check_options(options)
    data = collect_ledger(
        session,
        as_of=as_of,
        filters=filters,
        county=county,
        chunk_size=chunk_size,
        lang=lang,
        print_setup=print_setup,
    )
    filename, ascii_name = export_filenames(data.county, data.as_of, exporter.extension)
    result = ExportResult(
        filename=filename, ascii_filename=ascii_name, media_type=exporter.media_type
    )
    if out is None:
        buffer = io.BytesIO()
        exporter.write(data, buffer, **checked)
        return dataclasses.replace(result, content=buffer.getvalue(), rows=data.count)
    if isinstance(out, str | os.PathLike):
        path = Path(out)
        partial = path.with_name(f".{path.name}.part")
        try:
            with partial.open("wb") as handle:
                exporter.write(data, handle, **checked)
            partial.replace(path)
        finally:
            partial.unlink(missing_ok=True)
        return dataclasses.replace(result, path=path, rows=data.count)
    exporter.write(data, out, **checked)
    return dataclasses.replace(result, rows=data.count)
