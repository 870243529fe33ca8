"""The coordinate systems a user chooses from when a file does not say its own: CGCS2000
and WGS84 longitude/latitude, and every CGCS2000 Gauss-Kruger zone over China (3-degree
zones 25–45 and 6-degree zones 13–23, each with and without the zone number prefixed to
the easting; DOMAIN.md section 4), grouped, each named in any language."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from landgis.geo import CGCS2000
from landgis.i18n import Text, _
from landgis.io.crs_guess import gk3_epsg, gk6_epsg

GK3_ZONES = range(25, 46)  # central meridians 75°E–135°E
GK6_ZONES = range(13, 24)  # central meridians 75°E–135°E
WGS84 = "EPSG:4326"


@dataclass(frozen=True)
class CRSChoice:
    """One coordinate system to choose: its code (``EPSG:4544``) and its name."""

    code: str
    label: Text


@dataclass(frozen=True)
class CRSGroup:
    """Coordinate systems of one kind, under a heading."""

    label: Text
    choices: tuple[CRSChoice, ...]


def _zone(width: int, zone: int, meridian: int, epsg: int, *, prefixed: bool) -> CRSChoice:
    code = f"EPSG:{epsg}"
    if prefixed:
        label = _(
            "CGCS2000 {width}° 带 中央经线 {meridian}°E,带号 {zone} 在横坐标前({code})",
            width=width,
            meridian=meridian,
            zone=zone,
            code=code,
        )
    else:
        label = _(
            "CGCS2000 {width}° 带 中央经线 {meridian}°E({code})",
            width=width,
            meridian=meridian,
            code=code,
        )
    return CRSChoice(code, label)


def _gk3(*, prefixed: bool) -> tuple[CRSChoice, ...]:
    return tuple(
        _zone(3, z, 3 * z, gk3_epsg(z, prefixed=prefixed), prefixed=prefixed) for z in GK3_ZONES
    )


def _gk6(*, prefixed: bool) -> tuple[CRSChoice, ...]:
    return tuple(
        _zone(6, z, 6 * z - 3, gk6_epsg(z, prefixed=prefixed), prefixed=prefixed) for z in GK6_ZONES
    )


@cache
def crs_choices() -> tuple[CRSGroup, ...]:
    """Every coordinate system to choose from, by group: longitude/latitude first, then
    the 3-degree zones (the usual ones for parcels), then the 6-degree zones."""
    return (
        CRSGroup(
            _("经纬度"),
            (
                CRSChoice(CGCS2000, _("CGCS2000 经纬度({code})", code=CGCS2000)),
                CRSChoice(WGS84, _("WGS84 经纬度({code})", code=WGS84)),
            ),
        ),
        CRSGroup(_("CGCS2000 3° 带(横坐标不含带号)"), _gk3(prefixed=False)),
        CRSGroup(_("CGCS2000 3° 带(带号在横坐标前)"), _gk3(prefixed=True)),
        CRSGroup(_("CGCS2000 6° 带(横坐标不含带号)"), _gk6(prefixed=False)),
        CRSGroup(_("CGCS2000 6° 带(带号在横坐标前)"), _gk6(prefixed=True)),
    )


def listed_crs(text: str | None) -> CRSChoice | None:
    """The listed coordinate system ``text`` names (``EPSG:4544``, ``epsg:4544`` or
    ``4544``), if it is one of :func:`crs_choices`."""
    if not text:
        return None
    code = text.strip().upper()
    code = f"EPSG:{code}" if code.isdigit() else code.replace(" ", "")
    return next((c for g in crs_choices() for c in g.choices if c.code == code), None)
