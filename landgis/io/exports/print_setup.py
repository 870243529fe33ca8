"""How a ledger is printed: the paper (A3 or A4, landscape) and the printed columns
(:mod:`landgis.schema.printed`), from the settings (``print_paper``, ``print_columns``);
the printed ledger (PDF) and the workbook's print set-up both follow it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Literal

from landgis.errors import InvalidInput
from landgis.i18n import _, listing
from landgis.schema.printed import DEFAULT_PRINTED, PRINTABLE, PrintedColumn, check_printed

if TYPE_CHECKING:
    from landgis.settings import Settings

Paper = Literal["A3", "A4"]
PAPERS: tuple[Paper, ...] = ("A3", "A4")
# Each paper, landscape: width and height in millimetres.
PAPER_MM: dict[str, tuple[int, int]] = {"A3": (420, 297), "A4": (297, 210)}


def paper_option(value: Any) -> Paper | None:
    """The ``paper`` option of the printed formats: A3, A4 or None (the setting's)."""
    if value is None:
        return None
    text = str(value).strip().upper()
    for paper in PAPERS:
        if text == paper:
            return paper
    raise InvalidInput(
        _("纸张 “{value}” 不可用,请选择 {choices}。", value=value, choices=listing(PAPERS))
    )


@dataclass(frozen=True)
class PrintSetup:
    """The paper (landscape), the printed columns' keys in order, and the size of ledger
    above which the workbook leaves out its detail sheets."""

    paper: Paper = "A3"
    columns: tuple[str, ...] = DEFAULT_PRINTED
    # Above this many ledger rows the workbook has no 处置记录 and 打印 sheets.
    workbook_detail_max_rows: int = 20_000

    def __post_init__(self) -> None:
        try:
            check_printed(self.columns)
        except ValueError as exc:
            raise InvalidInput(
                _("打印列 {columns} 不可用:{reason}", columns=listing(self.columns), reason=exc)
            ) from exc
        paper_option(self.paper)

    @property
    def printed(self) -> tuple[PrintedColumn, ...]:
        """The printed columns, in order."""
        return tuple(PRINTABLE[key] for key in self.columns)

    @classmethod
    def from_settings(cls, settings: Settings, paper: Paper | None = None) -> PrintSetup:
        """The set-up the settings name, on ``paper`` when given."""
        return cls(
            paper or settings.print_paper,
            tuple(settings.print_columns),
            settings.workbook_detail_max_rows,
        )
