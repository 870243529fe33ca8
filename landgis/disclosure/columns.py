"""What the public idle-land list (闲置土地信息公开) may show: its columns, each with its
labels in both languages and how its value is shown, and the statuses it may publish.

Only the columns named here can ever be published; which of them are, and in what order,
is the setting ``disclosure_columns`` (default :data:`DEFAULT_COLUMNS`). Contact details,
credit codes, notes, remarks, documents and the history of a case are none of them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, get_args

from landgis.i18n.values import Label
from landgis.settings import DISCLOSURE_COLUMNS, DISCLOSURE_STATUSES
from landgis.settings import DisclosureColumn as ColumnKey
from landgis.workflow import MAIN_LINE

ShownAs = Literal["text", "vocab", "mu", "date"]

PUBLISHABLE_STATUSES: tuple[str, ...] = MAIN_LINE[MAIN_LINE.index("identified") :]
"""The workflow's main line from 已认定 (identified) on: a case is published once the
land has been found idle, never while it is suspected or being investigated, and never
when it was dismissed."""

BEFORE_FINDING: tuple[str, ...] = MAIN_LINE[: MAIN_LINE.index("identified")]
"""The statuses a case leaves when the land is found idle (the finding's event)."""

if DISCLOSURE_STATUSES != PUBLISHABLE_STATUSES:  # the settings' choices follow the workflow
    raise RuntimeError("landgis.settings.DisclosureStatus must list PUBLISHABLE_STATUSES")


@dataclass(frozen=True)
class DisclosureColumn:
    """One column the list may publish: ``key`` (as the setting names it), its header in
    both languages, how its value is shown (``vocab``: a code shown by its name in
    ``vocabulary``; ``mu``: an area kept in m², shown in 亩 by the totals' rule)."""

    key: str
    label: Label
    shown_as: ShownAs = "text"
    vocabulary: str | None = None

    def header(self, lang: str = "zh") -> str:
        """The column's header in ``lang``."""
        return self.label.render(lang)


def _column(
    key: str, zh: str, en: str, shown_as: ShownAs = "text", vocabulary: str | None = None
) -> DisclosureColumn:
    return DisclosureColumn(key, Label(zh, en), shown_as, vocabulary)


COLUMNS: dict[str, DisclosureColumn] = {
    c.key: c
    for c in (
        _column("location", "宗地位置", "Location"),
        _column("parcel_code", "宗地编号", "Parcel code"),
        _column("area_mu", "面积(亩)", "Area (mu)", "mu"),
        _column("holder", "土地使用权人", "Land-use right holder"),
        _column("cause", "闲置原因", "Cause of idleness", "vocab", "cause"),
        _column("identified_on", "认定日期", "Determined on", "date"),
        _column("route", "处置方式", "Disposal route", "vocab", "route"),
        _column("progress", "处置进展", "Progress", "vocab", "status"),
        _column("case_no", "台账编号", "Case number"),
        _column("zone_name", "所在园区", "Zone"),
        _column("project_name", "项目名称", "Project"),
        _column("land_use", "土地用途", "Land use"),
        _column("category", "问题类型", "Category", "vocab", "category"),
        _column("determination_no", "认定书文号", "Determination number"),
        _column("deadline", "处置完成时限", "Deadline", "date"),
        _column("revitalized_area_mu", "已盘活面积(亩)", "Revitalized area (mu)", "mu"),
    )
}
"""Every column the list may publish, by key."""

DEFAULT_COLUMNS: tuple[str, ...] = DISCLOSURE_COLUMNS
"""The published columns unless the setting says otherwise: location, parcel code, area,
holder, cause, the date of the finding, the disposal route and the progress."""

if set(COLUMNS) != set(get_args(ColumnKey)):  # the settings' choices are these columns
    raise RuntimeError("landgis.settings.DisclosureColumn must name the COLUMNS")


def columns_of(keys: list[str] | tuple[str, ...]) -> tuple[DisclosureColumn, ...]:
    """The columns ``keys`` name, in order, each once; ValueError for a key no column has."""
    unknown = [k for k in keys if k not in COLUMNS]
    if unknown:
        raise ValueError(f"no disclosure column is named {unknown}")
    return tuple(COLUMNS[k] for k in dict.fromkeys(keys))
