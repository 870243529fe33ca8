"""What an import of building footprints did, or would do, or why it was refused: the
columns read, each building with the parcel it stands on and its areas, every problem by
row."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from landgis.i18n import DEFAULT_LANGUAGE, Text, _
from landgis.imports.report import (
    Clause,
    ProblemCounts,
    ReportRefused,
    problem_dicts,
    problem_lines,
)
from landgis.io.problems import Problem, errors


@dataclass(frozen=True)
class SitedBuilding:
    """A row's building as it goes in: on parcel ``parcel_code``, its areas in m²."""

    row: int
    name: str
    parcel_code: str
    footprint_area_m2: float
    floor_area_m2: float

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "row": self.row,
            "name": self.name,
            "parcel_code": self.parcel_code,
            "footprint_area_m2": round(self.footprint_area_m2, 2),
            "floor_area_m2": round(self.floor_area_m2, 2),
        }


@dataclass
class BuildingsReport(ProblemCounts):
    """What an import of footprints did or, ``check_only``, would do: ``rows`` read,
    ``stored`` written (checking: that would be), ``columns`` file column → field."""

    source: str
    check_only: bool = False
    accepted: bool = False
    format: str | None = None
    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None
    columns: dict[str, str] = field(default_factory=dict)
    rows: int = 0
    stored: int = 0
    buildings: list[SitedBuilding] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def head(self) -> Text:
        """The report's first line."""
        if not self.accepted:
            return _(
                "错误:导入被拒绝,未写入任何厂房(错误 {errors} 处,警告 {warnings} 处)",
                errors=self.errors,
                warnings=self.warnings,
            )
        if self.check_only:
            return _("检查通过(未写入):厂房 {count} 栋可以导入", count=self.stored)
        return _("已导入厂房 {count} 栋", count=self.stored)

    def text_lines(self, limit: int = 50, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """The report for a terminal: the summary, the buildings and their parcels, then
        up to ``limit`` problems."""
        lines = [self.head().render(lang)]
        details = [d for d in (self.format, self.layer, self.encoding, self.crs) if d]
        if details:
            lines.append("  " + " · ".join(details))
        for sited in self.buildings[:limit]:
            said = _(
                "第 {row} 行 {name} → 宗地 {parcel_code},占地 {footprint:,.2f} ㎡,"
                "建筑面积 {floor:,.2f} ㎡",
                row=sited.row,
                name=sited.name,
                parcel_code=sited.parcel_code,
                footprint=sited.footprint_area_m2,
                floor=sited.floor_area_m2,
            )
            lines.append(f"  {said.render(lang)}")
        return lines + problem_lines(self.problems, limit, lang)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "source": self.source,
            "check_only": self.check_only,
            "accepted": self.accepted,
            "format": self.format,
            "layer": self.layer,
            "encoding": self.encoding,
            "crs": self.crs,
            "columns": dict(self.columns),
            "rows": self.rows,
            "stored": self.stored,
            "buildings": [b.to_dict() for b in self.buildings],
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": problem_dicts(self.problems),
        }


class BuildingsRefused(ReportRefused):
    """An import of footprints with errors: nothing was written; ``report`` says why."""

    def __init__(self, report: BuildingsReport) -> None:
        found = errors(report.problems)
        message: Text
        if len(found) == 1 and found[0].row:
            said = Clause(found[0].text)
            message = _("第 {row} 行:{problem}。未导入任何厂房。", row=found[0].row, problem=said)
        elif len(found) == 1:
            message = _("{problem}。未导入任何厂房。", problem=Clause(found[0].text))
        else:
            message = _("文件中有 {count} 处错误,未导入任何厂房。", count=len(found))
        super().__init__(report, message)
