"""Facts about the loaded data that the requests are chosen from: the densest z13 tile,
a bounding box holding about N parcels, the commonest status."""

from __future__ import annotations

import math

import psycopg

ORIGIN = 20037508.342789244  # half the Web Mercator square, metres


def densest_tile(conn: psycopg.Connection, z: int) -> tuple[int, int, int]:
    """(x, y, parcels) of the XYZ tile at zoom ``z`` holding the most parcel centroids."""
    span = 2 * ORIGIN / (1 << z)
    row = conn.execute(
        """
        select floor((st_x(c) + %(o)s) / %(s)s)::int as x,
               floor((%(o)s - st_y(c)) / %(s)s)::int as y, count(*)
        from (select st_transform(st_pointonsurface(geom), 3857) as c from parcels) t
        group by 1, 2 order by 3 desc limit 1
        """,
        {"o": ORIGIN, "s": span},
    ).fetchone()
    if row is None:
        raise RuntimeError("no parcels")
    return int(row[0]), int(row[1]), int(row[2])


def tile_center(z: int, x: int, y: int) -> tuple[float, float]:
    """Longitude and latitude of the centre of an XYZ tile."""
    n = 1 << z
    lon = (x + 0.5) / n * 360 - 180
    lat = math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * (y + 0.5) / n))))
    return lon, lat


def count_in(conn: psycopg.Connection, bbox: tuple[float, float, float, float]) -> int:
    """Parcels whose bounding box meets ``bbox`` (what an OGC bbox query returns)."""
    row = conn.execute(
        "select count(*) from parcels where geom && st_makeenvelope(%s, %s, %s, %s, 4490)",
        bbox,
    ).fetchone()
    return int(row[0]) if row else 0


def bbox_with(
    conn: psycopg.Connection, center: tuple[float, float], target: int
) -> tuple[tuple[float, float, float, float], int]:
    """A square around ``center`` meeting about ``target`` parcels (bisection on its
    half-width), and the count it meets."""
    lon, lat = center
    low, high = 1e-4, 0.5

    def box(half: float) -> tuple[float, float, float, float]:
        return (
            round(lon - half, 6),
            round(lat - half, 6),
            round(lon + half, 6),
            round(lat + half, 6),
        )

    best = box(high)
    count = count_in(conn, best)
    for _ in range(25):
        half = (low + high) / 2
        best, count = box(half), count_in(conn, box(half))
        if abs(count - target) <= target * 0.03:
            break
        if count < target:
            low = half
        else:
            high = half
    return best, count


def commonest_status(conn: psycopg.Connection, prefer: str = "identified") -> tuple[str, int]:
    """``prefer`` with its count of current cases when it has any, else the commonest."""
    rows = conn.execute(
        """
        select c.status, count(*) from cases c
        where not exists (select 1 from cases n where n.parcel_id = c.parcel_id and n.id > c.id)
        group by 1 order by 2 desc
        """
    ).fetchall()
    counts = {str(status): int(n) for status, n in rows}
    if counts.get(prefer):
        return prefer, counts[prefer]
    if not counts:
        raise RuntimeError("no cases in the database")
    return next(iter(counts.items()))
