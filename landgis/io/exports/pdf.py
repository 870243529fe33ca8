"""The printed ledger (打印版台账) as a PDF: the printed columns on A3 or A4 landscape,
the header row on every page, subtotals and totals, page numbers and a sign-off line
(:mod:`.printed_ledger`)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any, BinaryIO

from landgis.errors import InvalidInput
from landgis.i18n import _
from landgis.io.exports.base import Exporter
from landgis.io.exports.print_setup import paper_option
from landgis.io.exports.printed_ledger import (
    MEDIA_TYPE,
    CaseLine,
    Line,
    printed_html,
    printed_lines,
    printed_title,
    sign_off,
    write_pdf,
)
from landgis.io.exports.rows import LedgerData

# WeasyPrint lays out some 30 rows a second: beyond this many cases (a few minutes, some
# hundred pages) a printed ledger is refused and the clerk asked to narrow it.
MAX_PRINTED_CASES = 3000


def at_most(lines: Iterable[Line], limit: int | None = None) -> Iterator[Line]:
    """``lines``, refused (:class:`~landgis.errors.InvalidInput`) past ``limit`` cases
    (:data:`MAX_PRINTED_CASES` when None)."""
    limit = MAX_PRINTED_CASES if limit is None else limit
    cases = 0
    for line in lines:
        if isinstance(line, CaseLine):
            cases += 1
            if cases > limit:
                raise InvalidInput(
                    _(
                        "打印版台账最多 {limit} 宗,筛选出的台账更多:请按园区、处置状态等筛选后"
                        "分别打印。",
                        limit=limit,
                    )
                )
        yield line


def overdue_note(lang: str) -> str:
    """The note on the shaded rows."""
    return _("注:底纹标出的条目已逾期(超过完成时限仍未盘活或销号)。").render(lang)


class PdfExporter(Exporter):
    """The printed ledger. Option ``paper``: A3 or A4 (landscape; default: the setting)."""

    name = "pdf"
    label = "打印版台账(PDF)"
    media_type = MEDIA_TYPE
    extension = "pdf"
    options = ("paper",)

    def normalize(self, options: dict[str, Any]) -> dict[str, Any]:
        return {"paper": paper_option(options.get("paper"))}

    def write(self, data: LedgerData, out: BinaryIO, **options: Any) -> None:
        setup = data.print_setup
        columns = setup.printed
        html = printed_html(
            title=printed_title(data),
            columns=columns,
            lines=at_most(printed_lines(data, columns)),
            paper=options.get("paper") or setup.paper,
            lang=data.lang,
            filter_line=data.filter_line(),
            notes=[overdue_note(data.lang)],
            sign_off=sign_off(data.lang),
        )
        write_pdf(html, out)
