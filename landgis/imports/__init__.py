"""Import parcels from the files counties have: one pipeline, each step once.

=====================  ==============================================================
``options``            :class:`ImportOptions`: everything an import is asked to do
``source``             open the file (:mod:`landgis.io.readers`) or a GeoDataFrame;
                       map its columns to parcel fields
``cells``              type each cell as its field (codes, numbers, dates, text)
``placing``            place the geometries in EPSG:4490, repair what is safe, areas
``rows``               one batch typed and placed (``cells`` + codes + ``placing``)
``stored_checks``      the rows against the stored parcels
``file_checks``        the rows against each other (codes, repeats, overlaps, areas)
``numbering``          codes for the accepted rows that have none
``store``              the one writer: insert new parcels, update stored ones
``checked``            :class:`Checked`: a file read and checked, nothing written
``refused``            the rows refused, as the file had them, with their problems
``rejects``            those rows written as a workbook and a GeoPackage to fix
``rejects_store``      rejects files kept a while for a download link
``report``             :class:`ImportReport`, :class:`ImportRefused`
``pipeline``           :func:`check_file` → :func:`store_checked`, :func:`import_parcels`
``staged``             on PostGIS, new parcels through a staging table (memory bounded
                       by a batch); the across-row checks read back only what they compare
=====================  ==============================================================
"""

from landgis.imports.options import ImportOptions
from landgis.imports.pipeline import (
    Checked,
    accepted_rows,
    check_file,
    check_frame,
    import_frame,
    import_parcels,
    keep_refused,
    store_checked,
)
from landgis.imports.report import (
    CoordinatesRefused,
    ImportProgress,
    ImportRefused,
    ImportReport,
    ProgressCallback,
)

__all__ = [
    "Checked",
    "CoordinatesRefused",
    "ImportOptions",
    "ImportProgress",
    "ImportRefused",
    "ImportReport",
    "ProgressCallback",
    "accepted_rows",
    "check_file",
    "check_frame",
    "import_frame",
    "import_parcels",
    "keep_refused",
    "store_checked",
]
