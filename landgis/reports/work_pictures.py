"""The work report's pictures, drawn offline from the data (no tiles, nothing fetched):
the map of the ledger's parcels coloured by status as of the period's end, and the charts
of what was revitalized in the period by route, zone and month. A chart with nothing to
show is left out."""

from __future__ import annotations

from sqlalchemy.orm import Session

from landgis.maps.printed import status_map
from landgis.reports.charts import revitalized_chart_png
from landgis.reports.work_document import WorkReport

# Each chart's name in the templates and what it groups by.
CHARTS = {"chart_route": "route", "chart_zone": "zone", "chart_month": "month"}


def work_pictures(session: Session, report: WorkReport) -> dict[str, bytes | None]:
    """The PNG of each picture of ``report`` by name (``map``, ``chart_route``,
    ``chart_zone``, ``chart_month``); None for a chart with nothing to show."""
    figures = report.figures
    pictures: dict[str, bytes | None] = {
        name: revitalized_chart_png(by, figures, report.lang)
        if figures[f"revitalized_by_{by}"]
        else None
        for name, by in CHARTS.items()
    }
    pictures["map"] = status_map(session, report.date_to, report.lang).png
    return pictures
