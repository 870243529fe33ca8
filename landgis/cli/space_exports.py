"""``landgis export --what buildings|projects``: the factory space (buildings, units and
leases) or the 招商项目台账 written to a file."""

from __future__ import annotations

from pathlib import Path

from landgis import wallclock
from landgis.cli.common import fail, folder_for, say, unit_of_work
from landgis.errors import InvalidInput
from landgis.i18n import _, listing

WHAT: tuple[str, ...] = ("ledger", "buildings", "projects")


def check_what(what: str) -> str:
    """``what`` when it can be exported; else the command fails saying what can be."""
    found = what.strip().lower()
    if found not in WHAT:
        fail(
            InvalidInput(
                _("--what “{what}” 不可用,请选择 {choices}。", what=what, choices=listing(WHAT))
            )
        )
    return found


def export_space(
    what: str,
    fmt: str,
    out: Path | None,
    paper: str | None,
    refused: list[str],
    database_url: str | None,
) -> None:
    """Write the buildings (``fmt``: xlsx, gpkg, geojson, shp.zip) or the projects (xlsx)
    as of today; options of the ledger's exports are refused."""
    from landgis.io.exports.print_setup import PrintSetup, paper_option
    from landgis.io.exports.projects_workbook import projects_filenames
    from landgis.io.exports.space_entry import export_buildings, export_projects
    from landgis.io.exports.space_files import check_format, space_filenames

    with unit_of_work(database_url, write=False) as (session, settings):
        if refused:
            raise InvalidInput(
                _(
                    "导出{what}不接受选项 {options}。",
                    what=_("厂房") if what == "buildings" else _("招商项目"),
                    options=listing(refused, " "),
                )
            )
        fmt = fmt.strip().lower()
        if what == "projects" and fmt != "xlsx":
            raise InvalidInput(_("招商项目台账只导出为 xlsx。"))
        day = wallclock.today()
        county = settings.county_name
        chosen = PrintSetup.from_settings(settings, paper_option(paper)).paper
        if what == "buildings":
            check_format(fmt)
            target = folder_for(out or Path(space_filenames(county, day, fmt)[0]))
            count = export_buildings(session, fmt, target, county=county, day=day, paper=chosen)
            message = _("已导出厂房 {count} 栋 → {out}", count=count, out=target)
        else:
            target = folder_for(out or Path(projects_filenames(county, day)[0]))
            count = export_projects(session, target, county=county, day=day, paper=chosen)
            message = _("已导出招商项目 {count} 个 → {out}", count=count, out=target)
    say(message)
