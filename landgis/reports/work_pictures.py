"""The work report's pictures, drawn offline from the data (no tiles, nothing fetched):
the map of the ledger's parcels coloured by status as of the period's end, and the charts
of what was revitalized in the period by route, zone and month. A chart with nothing to
show is left out."""

from __future__ import annotations

from sqlalchemy.orm import Session

from landgis.maps.printed import status_map_png
from landgis.reports.charts import month_chart_png, route_chart_png, zone_chart_png
from landgis.reports.work_document import WorkReport
from landgis.settings import Settings

CHARTS = (
    ("chart_route", "revitalized_by_route", route_chart_png),
    ("chart_zone", "revitalized_by_zone", zone_chart_png),
    ("chart_month", "revitalized_by_month", month_chart_png),
)


def work_pictures(
    session: Session, settings: Settings, report: WorkReport
) -> dict[str, bytes | None]:
    """The PNG of each picture of ``report`` by name (``map``, ``chart_route``,
    ``chart_zone``, ``chart_month``); None for a chart with nothing to show."""
    figures = report.figures
    pictures: dict[str, bytes | None] = {
        name: draw(figures, report.lang) if figures[key] else None for name, key, draw in CHARTS
    }
    pictures["map"] = status_map_png(session, settings, report.date_to, report.lang)
    return pictures
