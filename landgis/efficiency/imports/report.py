"""What an import of a year's figures did, or would do, or why it was refused: the rows
stored, the enterprises matched to parcels by credit code or by name, those matched to
none (with the holders' names that nearly match, for the clerk to confirm), and every
problem."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from landgis.i18n import DEFAULT_LANGUAGE, Localizable, Text, _, listing
from landgis.imports.report import (
    Clause,
    ProblemCounts,
    ReportRefused,
    problem_dicts,
    problem_lines,
)
from landgis.io.problems import Problem, errors


@dataclass(frozen=True)
class EnterpriseMatch:
    """The parcels an enterprise of row ``row`` holds (by their codes) and how they were
    found: ``code``, ``name`` or ``none`` (then ``near_misses``, the holders' names most
    like its name)."""

    row: int
    name: str
    credit_code: str | None
    matched_by: str
    parcels: tuple[str, ...] = ()
    near_misses: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "row": self.row,
            "name": self.name,
            "credit_code": self.credit_code,
            "matched_by": self.matched_by,
            "parcels": list(self.parcels),
            "near_misses": list(self.near_misses),
        }


@dataclass
class FiguresReport(ProblemCounts):
    """What an import of ``year``'s figures did or, in a dry run, would do.

    ``enterprises`` counts the enterprises' rows read (totals and notes left out are
    ``skipped``); ``stored`` the rows written (in a dry run: that would be), ``refused``
    the rows left out for an error (every row when the file is refused), ``replaced`` the
    rows of the year stored before, which the import replaces. ``matches`` tells for each
    row stored how its parcels were found. ``columns`` says which column became which
    field, in which unit."""

    source: str
    year: int
    dry_run: bool = False
    skip_invalid: bool = False
    accepted: bool = False
    format: str | None = None
    sheet: str | None = None
    encoding: str | None = None
    header_row: int | None = None
    columns: list[dict[str, Any]] = field(default_factory=list)
    enterprises: int = 0
    skipped: int = 0
    stored: int = 0
    refused: int = 0
    replaced: int = 0
    matches: list[EnterpriseMatch] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    def matched(self, how: str) -> list[EnterpriseMatch]:
        """The enterprises matched ``how``: ``code``, ``name`` or ``none``."""
        return [m for m in self.matches if m.matched_by == how]

    def _head(self) -> Text:
        counts = {
            "year": self.year,
            "stored": self.stored,
            "replaced": self.replaced,
        }
        if not self.accepted:
            return _(
                "错误:导入被拒绝,未写入任何企业数据(错误 {errors} 处,警告 {warnings} 处)",
                errors=self.errors,
                warnings=self.warnings,
            )
        if self.dry_run:
            return _(
                "检查通过(未写入):{year} 年度企业 {stored} 家;将替换该年度已有的 {replaced} 家",
                **counts,
            )
        return _("已导入 {year} 年度企业数据 {stored} 家,替换该年度原有的 {replaced} 家", **counts)

    def text_lines(self, limit: int = 50, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """The report for a terminal, in ``lang``: a summary, the matches to confirm (by
        name) and those not found, then up to ``limit`` problems."""
        lines = [self._head().render(lang)]
        said: list[Localizable] = []
        if self.accepted and self.refused:
            said.append(
                _("另有 {refused} 行有错误,未导入(已跳过,见下列问题)", refused=self.refused)
            )
        details = [d for d in (self.format, self.sheet, self.encoding) if d]
        if self.header_row:
            details.append(_("表头在第 {row} 行", row=self.header_row).render(lang))
        if details:
            lines.append("  " + " · ".join(str(d) for d in details))
        if self.matches:
            said.append(
                _(
                    "匹配宗地:按统一社会信用代码 {code} 家,按企业名称 {name} 家,"
                    "未匹配 {none} 家(其数据照常保存,评价时不计入)",
                    code=len(self.matched("code")),
                    name=len(self.matched("name")),
                    none=len(self.matched("none")),
                )
            )
        for match in self.matched("name")[:limit]:
            said.append(
                _(
                    "按名称匹配,请核对:第 {row} 行 {name} → 宗地 {parcels}",
                    row=match.row,
                    name=match.name,
                    parcels=listing(match.parcels),
                )
            )
        for match in self.matched("none")[:limit]:
            said.append(_unmatched_line(match))
        lines += [f"  {line.render(lang)}" for line in said]
        return lines + problem_lines(self.problems, limit, lang)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "source": self.source,
            "year": self.year,
            "dry_run": self.dry_run,
            "skip_invalid": self.skip_invalid,
            "accepted": self.accepted,
            "format": self.format,
            "sheet": self.sheet,
            "encoding": self.encoding,
            "header_row": self.header_row,
            "columns": self.columns,
            "enterprises": self.enterprises,
            "skipped": self.skipped,
            "stored": self.stored,
            "refused": self.refused,
            "replaced": self.replaced,
            "matched_by_code": [m.to_dict() for m in self.matched("code")],
            "matched_by_name": [m.to_dict() for m in self.matched("name")],
            "unmatched": [m.to_dict() for m in self.matched("none")],
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": problem_dicts(self.problems),
        }


def _unmatched_line(match: EnterpriseMatch) -> Text:
    who = f"{match.name}({match.credit_code})" if match.credit_code else match.name
    if match.near_misses:
        return _(
            "未匹配到宗地:第 {row} 行 {who};相近的土地使用权人:{names}(如为同一企业,"
            "请统一名称或补填统一社会信用代码)",
            row=match.row,
            who=who,
            names=listing(match.near_misses),
        )
    return _("未匹配到宗地:第 {row} 行 {who};没有相近的土地使用权人", row=match.row, who=who)


class FiguresRefused(ReportRefused):
    """An import of figures with errors: nothing was written; ``report`` says why."""

    def __init__(self, report: FiguresReport) -> None:
        found = errors(report.problems)
        message: Text
        if len(found) == 1 and found[0].row:
            said = Clause(found[0].text)
            message = _(
                "第 {row} 行:{problem}。未导入任何企业数据。", row=found[0].row, problem=said
            )
        elif len(found) == 1:
            message = _("{problem}。未导入任何企业数据。", problem=Clause(found[0].text))
        elif found:
            message = _("文件中有 {count} 处错误,未导入任何企业数据。", count=len(found))
        else:
            message = _("文件中没有可导入的企业数据。")
        super().__init__(report, message)
