"""The results table: one line per tool and case, as Markdown."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

COLUMNS = ("Row", "Case", "Tool", "Result", "Peak memory", "vs baselines", "Notes")


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

    def cells(self) -> tuple[str, ...]:
        return (
            self.row,
            self.case,
            self.tool,
            self.result,
            self.memory,
            self.ratios,
            self.note,
        )


def failed(row: str, case: str, tool: str, error: BaseException | str) -> Line:
    """A line telling that a measurement failed, with the reason on one line."""
    reason = " ".join(str(error).split())[:300] or type(error).__name__
    return Line(row, case, tool, f"FAILED: {reason}")


def _cell(text: str) -> str:
    return " ".join(text.split()).replace("|", "\\|")


def markdown(lines: Sequence[Line]) -> str:
    """The lines as a Markdown table (pipes in cells escaped, newlines folded)."""
    out = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
    out += ["| " + " | ".join(_cell(c) for c in line.cells()) + " |" for line in lines]
    return "\n".join(out) + "\n"
