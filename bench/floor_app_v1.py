"""The floor for OGC items: the least a Python server on PostGIS can cost.

One FastAPI route asks PostGIS for the whole FeatureCollection as ONE JSON string in ONE
query (json_agg over ST_AsGeoJSON), with the columns, filters and paging landgis offers on
``/ogc/collections/parcels/items``. Run it with uvicorn; the database comes from
``FLOOR_DATABASE_URL`` (a libpq URL). Used by the benchmark suite only.
"""

from __future__ import annotations

import os
import threading
from typing import Annotated

import psycopg
from fastapi import FastAPI, Query, Response

from landgis.workflow import OPEN_STATUSES

# The newest case of a parcel (a parcel may have been in the ledger more than once).
CURRENT_CASE = (
    "left join lateral (select * from cases c where c.parcel_id = p.id"
    " order by c.id desc limit 1) c on true"
)
# Parcels whose current case has a status: from the status index, newest case only.
BY_STATUS = (
    "join cases c on c.parcel_id = p.id and c.status = %(status)s and not exists"
    " (select 1 from cases n where n.parcel_id = c.parcel_id and n.id > c.id)"
)
BBOX = "p.geom && st_makeenvelope(%(x0)s, %(y0)s, %(x1)s, %(y1)s, 4490)"
PAGE = """
select p.parcel_code, p.project_name, p.holder, p.location, p.land_use, p.area_m2,
  p.geodesic_area_m2, p.registered_area_m2, p.geom, z.code as zone_code,
  z.name as zone_name, c.case_no, c.status, c.category, c.cause, c.route, c.idle_area_m2,
  c.revitalized_area_m2, c.deadline,
  coalesce(c.status = any(%(open)s) and c.deadline < current_date, false) as overdue
from ({ids}) ids join parcels p on p.id = ids.id
left join zones z on z.id = p.zone_id
{current}
"""
FEATURES = """
select json_build_object(
  'type', 'FeatureCollection',
  'numberMatched', ({count}),
  'numberReturned', count(*),
  'features', coalesce(json_agg(json_build_object(
    'type', 'Feature', 'id', parcel_code, 'geometry', st_asgeojson(geom, 7, 0)::json,
    'properties', json_build_object(
      'parcel_code', parcel_code, 'project_name', project_name, 'holder', holder,
      'location', location, 'land_use', land_use, 'area_m2', area_m2,
      'area_mu', round((area_m2 * 3 / 2000)::numeric, 2),
      'area_ha', round((area_m2 / 10000)::numeric, 4),
      'geodesic_area_m2', geodesic_area_m2, 'registered_area_m2', registered_area_m2,
      'zone_code', zone_code, 'zone_name', zone_name, 'case_no', case_no, 'status', status,
      'category', category, 'cause', cause, 'route', route, 'idle_area_m2', idle_area_m2,
      'revitalized_area_m2', revitalized_area_m2, 'deadline', deadline, 'overdue', overdue
    )) order by parcel_code), '[]'::json)
)::text from ({page}) page
"""


def build_sql(*, status: bool, bbox: bool) -> str:
    """The one query for a page: the page's parcel ids first (joining the current case
    only when filtering on it), then their columns, all folded into one JSON string."""
    source = "from parcels p " + (BY_STATUS if status else "")
    source += f" where {BBOX}" if bbox else ""
    ids = f"select p.id, p.parcel_code {source} order by p.parcel_code"
    ids += " limit %(limit)s offset %(offset)s"
    page = PAGE.format(ids=ids, current=CURRENT_CASE)
    return FEATURES.format(count=f"select count(*) {source}", page=page)


app = FastAPI(title="OGC items floor")
_local = threading.local()


def _connection() -> psycopg.Connection:
    """One autocommit connection per server thread."""
    conn = getattr(_local, "conn", None)
    if conn is None or conn.closed:
        conn = psycopg.connect(os.environ["FLOOR_DATABASE_URL"], autocommit=True)
        _local.conn = conn
    return conn


@app.get("/collections/parcels/items")
def items(
    limit: Annotated[int, Query(ge=1, le=10000)] = 10,
    offset: Annotated[int, Query(ge=0)] = 0,
    bbox: str | None = None,
    status: str | None = None,
) -> Response:
    """One page of parcels as GeoJSON, built entirely by PostGIS."""
    params: dict[str, object] = {
        "open": list(OPEN_STATUSES),
        "status": status,
        "limit": limit,
        "offset": offset,
    }
    if bbox:
        params |= dict(zip(("x0", "y0", "x1", "y1"), map(float, bbox.split(",")), strict=True))
    sql = build_sql(status=status is not None, bbox=bbox is not None)
    body = _connection().execute(sql, params).fetchone()[0]
    return Response(body, media_type="application/geo+json")


@app.get("/health")
def health() -> dict[str, str]:
    """Ready when it answers."""
    return {"status": "ok"}
