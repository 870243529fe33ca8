"""Import a year's figures of the enterprises (亩均效益评价's inputs) from the tables
counties keep (CSV, XLSX, XLS): one pipeline, each step once.

=============  =================================================================
``columns``    which column is which: names counties use, units, a mapping file
``options``    :class:`FiguresOptions`: the year and what the import is asked to do
``source``     open the table: its header row(s) under the title, its data rows
``rows``       each row typed and checked; enterprises listed twice
``report``     :class:`FiguresReport`, :class:`FiguresRefused`
``store``      the one writer: a year's rows replaced
``pipeline``   :func:`check_figures` → :func:`store_figures`, :func:`import_figures`
=============  =================================================================
"""

from landgis.efficiency.imports.options import FiguresOptions
from landgis.efficiency.imports.pipeline import (
    CheckedFigures,
    check_figures,
    import_figures,
    store_figures,
)
from landgis.efficiency.imports.report import EnterpriseMatch, FiguresRefused, FiguresReport

__all__ = [
    "CheckedFigures",
    "EnterpriseMatch",
    "FiguresOptions",
    "FiguresRefused",
    "FiguresReport",
    "check_figures",
    "import_figures",
    "store_figures",
]
