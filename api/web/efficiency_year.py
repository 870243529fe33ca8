"""Which year an evaluation page shows: ``?year=`` if it has figures, else the latest
year with figures; and the years to pick from."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from landgis.efficiency.evaluation import check_year
from landgis.efficiency.figures import figure_years
from landgis.errors import InvalidInput, LandGISError, NotFound
from landgis.i18n import _


@dataclass(frozen=True)
class ChosenYear:
    """The year shown (None when there is none to show), the years with figures (newest
    first) and, when the year asked for cannot be shown, why."""

    year: int | None
    years: tuple[int, ...]
    error: LandGISError | None = None

    @property
    def status_code(self) -> int:
        """422 for a year that is not one, 404 for a year without figures, else 200."""
        if isinstance(self.error, InvalidInput):
            return 422
        return 404 if self.error is not None else 200


def chosen_year(session: Session, asked: str | None) -> ChosenYear:
    """The year ``asked`` for (``?year=`` or a form's) when it has figures, the latest with
    figures when none is; a clerk-readable error for a year that is not one or has none."""
    years = tuple(sorted(figure_years(session), reverse=True))
    asked = (asked or "").strip()
    if not asked:
        if not years:
            error = NotFound(_("还没有企业亩均数据,请先导入一个年度的数据。"))
            return ChosenYear(None, years, error)
        return ChosenYear(years[0], years)
    if not asked.isdigit():
        return ChosenYear(None, years, InvalidInput(_("年度“{year}”不是年份。", year=asked)))
    year = int(asked)
    try:
        check_year(year)
    except InvalidInput as out_of_range:
        return ChosenYear(None, years, out_of_range)
    if year not in years:
        error = NotFound(_("{year} 年度没有企业亩均数据,请先导入该年度的数据。", year=year))
        return ChosenYear(None, years, error)
    return ChosenYear(year, years)
