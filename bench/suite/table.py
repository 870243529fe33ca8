"""The results table: one line per tool and case, as Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COLUMNS = (
    "Row",
    "Case",
    "Tool",
    "Result",
    "Peak memory",
    "vs baselines",
    "Target",
    "met?",
    "Notes",
)


@dataclass(frozen=True)
class Line:
    """One measured (or failed) line of the table."""

    row: str
    case: str
    tool: str
    result: str
    memory: str = "–"
    ratios: str = ""
    note: str = ""
    # The project's target for this line and whether it was met (bench.suite.targets).
    target: str = ""
    met: str = ""

    def cells(self) -> tuple[str, ...]:
        """The line's fields in the order they are declared."""
        return (
            self.row,
            self.case,
            self.tool,
            self.result,
            self.memory,
            self.ratios,
            self.note,
            self.target,
            self.met,
        )

    def columns(self) -> tuple[str, ...]:
        """The cells in the table's column order."""
        cells = self.cells()
        return (*cells[:6], self.target, self.met, self.note)


def failed(row: str, case: str, tool: str, error: BaseException | str) -> Line:
    """A line telling that a measurement failed, with the reason on one line."""
    reason = " ".join(str(error).split())[:300] or type(error).__name__
    return Line(row, case, tool, f"FAILED: {reason}")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown(lines: Sequence[Line]) -> str:
    """The lines as a Markdown table (pipes in cells escaped, newlines folded)."""
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(_cell(c) for c in line.columns()) + " |" for line in lines]
    return "\n".join(out) + "\n"
