"""What an import did, or would do, or why it was refused: the report and the refusal."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from landgis.errors import CRSError, InvalidInput
from landgis.i18n import DEFAULT_LANGUAGE, Localizable, Text, _, listing, localized
from landgis.io.problems import COORDINATE_KINDS, WARNING, Problem, errors
from landgis.units import m2_to_mu


@dataclass(frozen=True)
class ImportProgress:
    """Where an import stands after a batch: in the ``check`` phase, ``rows_read`` of
    ``rows_total`` rows read and checked and ``errors`` found so far; in the ``write``
    phase, ``rows_written`` written so far (nothing is written before every row is
    checked; in a dry run, that would have been written)."""

    phase: str
    batch: int
    rows_read: int
    rows_total: int
    rows_written: int
    errors: int
    seconds: float
    dry_run: bool = False


ProgressCallback = Callable[[ImportProgress], None]


class ProblemCounts:
    """How many of a report's ``problems`` are errors and warnings."""

    problems: Sequence[Problem]

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return sum(1 for p in self.problems if p.is_error)

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return sum(1 for p in self.problems if p.severity == WARNING)


@dataclass
class ImportReport(ProblemCounts):
    """What an import did or, in a dry run, would do.

    ``assigned_codes`` lists the codes the import gave (``--assign-codes`` or
    ``--code-template``) with their rows. ``parcels`` counts the rows accepted (no error of
    their own) and ``area_m2`` their computed area; ``inserted``/``updated``/``unchanged``
    count what was written (in a dry run: what would be) and are 0 when the import is
    refused (``accepted`` False).
    ``refused`` counts the rows left out: with ``skip_invalid``, the rows with an error
    (the others are imported); without it, every row when any has an error.
    ``problems`` lists every problem (typed records: row, parcel_code, kind, severity,
    the message, and the ``suggestion`` of the import options that fix it, when some do);
    ``updates`` the changes made to existing parcels; ``rejects`` where the refused rows
    were written for the clerk to fix (``workbook``, ``geopackage``: paths or links, as
    the door that ran the import names them).
    """

    source: str
    mode: str = "insert"
    dry_run: bool = False
    skip_invalid: bool = False
    accepted: bool = False
    format: str | None = None
    layer: str | None = None
    encoding: str | None = None
    crs: str | None = None
    features: int = 0
    parcels: int = 0
    refused: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    area_m2: float = 0.0
    problems: list[Problem] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)
    parcel_codes: list[str] = field(default_factory=list)
    # codes given by the import (numbered from a prefix or composed): {"row", "parcel_code"}
    assigned_codes: list[dict[str, Any]] = field(default_factory=list)
    batch_size: int | None = None
    batches: list[dict[str, Any]] = field(default_factory=list)
    rejects: dict[str, str] | None = None

    @property
    def area_mu(self) -> float:
        """The accepted parcels' computed area in 亩."""
        return m2_to_mu(self.area_m2)

    def text_lines(
        self,
        limit: int = 50,
        hint: Callable[[Problem], Localizable | str | None] | None = None,
        lang: str = DEFAULT_LANGUAGE,
    ) -> list[str]:
        """The report for a terminal, in ``lang``: a summary, then up to ``limit``
        problems; ``hint`` may add a line of its own under a problem (the command line's
        options that fix it, from the problem's ``suggestion``)."""
        counts = {
            "parcels": self.parcels,
            "area": self.area_mu,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
        }
        head: Text
        if not self.accepted:
            head = _(
                "错误:导入被拒绝,未写入任何宗地(错误 {errors} 处,警告 {warnings} 处)",
                errors=self.errors,
                warnings=self.warnings,
            )
        elif self.dry_run:
            head = _(
                "检查通过(未写入):{parcels} 宗,{area:.2f} 亩;将新增 {inserted} 宗,"
                "更新 {updated} 宗,{unchanged} 宗无变化",
                **counts,
            )
        else:
            head = _(
                "已导入:{parcels} 宗,{area:.2f} 亩;新增 {inserted} 宗,更新 {updated} 宗,"
                "{unchanged} 宗无变化",
                **counts,
            )
        lines = [head.render(lang)]
        if self.accepted and self.refused:
            left = _("另有 {refused} 行有错误,未导入(已跳过,见下列问题)", refused=self.refused)
            lines.append(f"  {left.render(lang)}")
        details = [d for d in (self.format, self.layer, self.crs, self.encoding) if d]
        if details:
            lines.append("  " + " · ".join(str(d) for d in details))
        if self.batches:
            read = sum(b["rows"] for b in self.batches)
            tally = {
                "batches": len(self.batches),
                "size": self.batch_size or read,
                "read": read,
                "written": sum(b["written"] for b in self.batches),
                "seconds": sum(b["read_s"] + b["check_s"] + b["write_s"] for b in self.batches),
            }
            batches = (
                _(
                    "分 {batches} 批(每批不超过 {size} 行):读取并检查 {read} 行,"
                    "将写入 {written} 行,用时 {seconds:.1f} 秒",
                    **tally,
                )
                if self.dry_run
                else _(
                    "分 {batches} 批(每批不超过 {size} 行):读取并检查 {read} 行,"
                    "写入 {written} 行,用时 {seconds:.1f} 秒",
                    **tally,
                )
            )
            lines.append(f"  {batches.render(lang)}")
        if self.assigned_codes:
            given = [c["parcel_code"] for c in self.assigned_codes]
            shown = " ".join(given[:10]) + (" …" if len(given) > 10 else "")
            said = _("编号由导入给出 {count} 宗:{codes}", count=len(given), codes=shown)
            lines.append(f"  {said.render(lang)}")
        if self.rejects:
            files = listing(self.rejects.values(), " ")
            said = _("未导入的行已写入:{files}(改正后可再次导入)", files=files)
            lines.append(f"  {said.render(lang)}")
        return lines + problem_lines(self.problems, limit, lang, hint)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready."""
        return {
            "source": self.source,
            "mode": self.mode,
            "dry_run": self.dry_run,
            "skip_invalid": self.skip_invalid,
            "accepted": self.accepted,
            "format": self.format,
            "layer": self.layer,
            "encoding": self.encoding,
            "crs": self.crs,
            "features": self.features,
            "parcels": self.parcels,
            "refused": self.refused,
            "inserted": self.inserted,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "area_m2": round(self.area_m2, 2),
            "area_mu": round(self.area_mu, 2),
            "errors": self.errors,
            "warnings": self.warnings,
            "problems": problem_dicts(self.problems),
            "updates": self.updates,
            "parcel_codes": self.parcel_codes,
            "assigned_codes": self.assigned_codes,
            "batch_size": self.batch_size,
            "batches": self.batches,
            "rejects": self.rejects,
        }


def problem_lines(
    problems: Sequence[Problem],
    limit: int,
    lang: str = DEFAULT_LANGUAGE,
    hint: Callable[[Problem], Localizable | str | None] | None = None,
) -> list[str]:
    """The tail of a terminal report: up to ``limit`` problems, each with the line ``hint``
    adds under it if any, then how many more there are."""
    lines = []
    for item in problems[:limit]:
        lines.append(f"  {problem_line(item).render(lang)}")
        extra = hint(item) if hint is not None else None
        if extra:
            lines.append(f"      {localized(extra, lang)}")
    if len(problems) > limit:
        more = _("… 另有 {count} 处问题", count=len(problems) - limit)
        lines.append(f"  {more.render(lang)}")
    return lines


def problem_dicts(problems: Sequence[Problem]) -> list[dict[str, Any]]:
    """The problems as a report's JSON lists them (the message in its request's language
    is added by the door that answers)."""
    return [
        {k: v for k, v in p.to_dict().items() if k not in ("problem", "problem_en")}
        for p in problems
    ]


def problem_line(item: Problem) -> Text:
    """One problem as the terminal report lists it: its level, where it is, its message."""
    level = _("错误") if item.is_error else _("警告")
    said = item.text
    row, code = item.row, item.parcel_code
    if row and code:
        return _(
            "[{level}] 第 {row} 行 {code}:{problem}", level=level, row=row, code=code, problem=said
        )
    if row:
        return _("[{level}] 第 {row} 行:{problem}", level=level, row=row, problem=said)
    if code:
        return _("[{level}] {code}:{problem}", level=level, code=code, problem=said)
    return _("[{level}] {problem}", level=level, problem=said)


class ReportRefused(InvalidInput):
    """A refused import: nothing was written; its ``report`` (with ``problems`` and
    ``to_dict``) says why, in the error's body too."""

    def __init__(self, report: Any, message: Text) -> None:
        super().__init__(message, problems=[p.to_dict() for p in report.problems])
        self.report = report

    def to_dict(self) -> dict[str, Any]:
        body = super().to_dict()
        body["problems"] = self.report.to_dict()["problems"]
        body["report"] = self.report.to_dict()
        return body


class ImportRefused(ReportRefused):
    """An import with error-severity problems: nothing was written; ``report`` says why."""

    report: ImportReport

    def __init__(self, report: ImportReport) -> None:
        found = errors(report.problems)
        message: Text
        if len(found) == 1:
            first = found[0]
            said = Clause(first.text)
            if first.row:
                message = _("第 {row} 行:{problem}。未导入任何宗地。", row=first.row, problem=said)
            else:
                message = _("{problem}。未导入任何宗地。", problem=said)
        else:
            message = _("文件中有 {count} 处错误,未导入任何宗地。", count=len(found))
        super().__init__(report, message)


@dataclass(frozen=True)
class Clause:
    """A problem's message inside a sentence: without its full stop."""

    text: Localizable

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        return self.text.render(lang).rstrip("。.")


class CoordinatesRefused(ImportRefused, CRSError):
    """An import refused because of where its coordinates are (no CRS, swapped axes,
    outside the county, GCJ-02 …)."""


def refusal(report: ImportReport) -> ImportRefused:
    """The refusal of an import, by what is at fault: the coordinates or anything else."""
    coordinates = any(p.kind in COORDINATE_KINDS for p in errors(report.problems))
    return (CoordinatesRefused if coordinates else ImportRefused)(report)
