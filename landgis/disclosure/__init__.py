"""The public idle-land list (闲置土地信息公开, under the Measures on the Disposal of Idle
Land): the land found idle, with its location, area, holder, cause and disposal, as a land
bureau publishes it on its portal.

:mod:`.columns` says what may be published (and nothing else can be), :mod:`.rows` reads
the list from the ledger (:func:`disclosure_for`, with this installation's settings).
The public page and the workbook (:mod:`landgis.io.exports.disclosure_workbook`) show it.
"""

from landgis.disclosure.columns import (
    COLUMNS,
    DEFAULT_COLUMNS,
    PUBLISHABLE_STATUSES,
    DisclosureColumn,
    columns_of,
)
from landgis.disclosure.rows import (
    DisclosureList,
    disclosure_for,
    disclosure_list,
    published_statuses,
    shown,
    shown_date,
)

__all__ = [
    "COLUMNS",
    "DEFAULT_COLUMNS",
    "PUBLISHABLE_STATUSES",
    "DisclosureColumn",
    "DisclosureList",
    "columns_of",
    "disclosure_for",
    "disclosure_list",
    "published_statuses",
    "shown",
    "shown_date",
]
