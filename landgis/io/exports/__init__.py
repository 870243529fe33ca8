"""Ledger exports: the workbook, CSV, GeoJSON, GeoPackage, Shapefile (zip), KML and the
printed ledger (PDF, :mod:`.printed_ledger`).

Each format is a small :class:`Exporter` (one module each) with a ``name``, a
``media_type``, an ``extension``, the options it accepts and a ``write`` that streams bytes
to a binary file. :func:`export_ledger` is the one entry: it takes the ledger as of a date,
narrowed by a :class:`~landgis.parcels.ParcelFilter`, and returns an :class:`ExportResult`
with the bytes (or the path written), a proper filename and its media type.

Rows are read from the database in chunks (:mod:`.rows`) and each format writes a chunk
as it comes, so an export holds one chunk of rows in memory, not the whole ledger.

What every format carries:

- the ledger columns of DOMAIN section 6 (:data:`landgis.ledger.LEDGER_COLUMNS`) in order
  with their Chinese headers, then ``台账编号`` (case number) and ``版本`` (version) so an
  edited copy can be matched back to its case;
- Chinese labels for codes (状态, 问题类型, 闲置原因, 处置方式, 供地方式);
- areas in 亩 (and factory floor areas in ㎡) to two decimals, dates as dates.

GIS formats join each row to its parcel's geometry (CGCS2000, EPSG:4490) by parcel code;
``scope="parcels"`` exports every parcel instead, with its case where it has one.
"""

from landgis.filter_note import describe_filters
from landgis.io.exports.base import Exporter
from landgis.io.exports.columns import (
    CODE_LABELS,
    COLUMN_KINDS,
    EXPORT_COLUMNS,
    HEADERS,
    HELPER_COLUMNS,
    NO_ZONE_LABEL,
    OVERDUE_HEADER,
    ledger_table,
)
from landgis.io.exports.entry import (
    EXPORTERS,
    FORMAT_ALIASES,
    ExportResult,
    content_disposition,
    export_filenames,
    export_ledger,
    get_exporter,
)
from landgis.io.exports.options import (
    SHAPEFILE_FIELDS,
    SHAPEFILE_FIELDS_ZH,
    fit_field_name,
    shapefile_encoding,
    shapefile_field_names,
    target_epsg,
)
from landgis.io.exports.rows import DEFAULT_CHUNK_SIZE, LedgerData, collect_ledger

__all__ = [
    "CODE_LABELS",
    "COLUMN_KINDS",
    "DEFAULT_CHUNK_SIZE",
    "EXPORTERS",
    "EXPORT_COLUMNS",
    "FORMAT_ALIASES",
    "HEADERS",
    "HELPER_COLUMNS",
    "NO_ZONE_LABEL",
    "OVERDUE_HEADER",
    "SHAPEFILE_FIELDS",
    "SHAPEFILE_FIELDS_ZH",
    "ExportResult",
    "Exporter",
    "LedgerData",
    "collect_ledger",
    "content_disposition",
    "describe_filters",
    "export_filenames",
    "export_ledger",
    "fit_field_name",
    "get_exporter",
    "ledger_table",
    "shapefile_encoding",
    "shapefile_field_names",
    "target_epsg",
]
