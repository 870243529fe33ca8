"""The columns of the printed ledger (打印版台账): the dozen or so a county prints, signs
and sends up, each showing one or more of the ledger's columns (:data:`LEDGER`), one
per line (宗地位置/编号 shows the location over the parcel code).

Which of them are printed, and in which order, is a setting (``print_columns``, the keys
of :data:`PRINTABLE`; default :data:`DEFAULT_PRINTED`). Every ledger column can be
printed on its own too, under its own key and header.
"""

from __future__ import annotations

from dataclasses import dataclass

from landgis.schema.columns import HELPERS, LEDGER, Column, ColumnKind

_LEDGER: dict[str, Column] = {c.key: c for c in LEDGER}
# Columns printed on their own: the ledger's, and the case number (not the version).
_ON_THEIR_OWN: tuple[Column, ...] = (
    *(c for c in LEDGER if c.key != "seq"),
    *(c for c in HELPERS if c.key == "case_no"),
)


@dataclass(frozen=True)
class PrintedColumn:
    """A printed column: ``key`` (as settings name it), its headers, the ledger columns
    it shows (``sources``, one line each) and its share of the page's width (``width``,
    in characters of a CJK text)."""

    key: str
    zh: str
    en: str
    sources: tuple[Column, ...]
    width: float

    @property
    def kind(self) -> ColumnKind:
        """How the column is shown: its source's kind (text when it shows several)."""
        return self.sources[0].kind if len(self.sources) == 1 else "text"

    @property
    def summed(self) -> bool:
        """Whether subtotals and totals sum it (an area in 亩 or ㎡)."""
        return self.kind in ("mu", "m2")

    def header(self, lang: str = "zh") -> str:
        """The header in ``lang`` (``zh`` or ``en``)."""
        return self.en if lang == "en" else self.zh


def _printed(key: str, zh: str, en: str, sources: tuple[str, ...], width: float) -> PrintedColumn:
    return PrintedColumn(key, zh, en, tuple(_LEDGER[s] for s in sources), width)


_WIDTHS: dict[str, float] = {"int": 4, "mu": 7, "m2": 8, "date": 7}

PRINTED: tuple[PrintedColumn, ...] = (
    _printed("seq", "序号", "No.", ("seq",), 3.5),
    _printed("zone", "园区", "Zone", ("zone_name",), 6),
    _printed(
        "parcel", "宗地位置/编号", "Location / parcel code", ("location", "parcel_code"), 14.5
    ),
    _printed("holder", "企业名称", "Enterprise", ("holder",), 9.5),
    _printed("idle_area", "面积(亩)", "Area (mu)", ("idle_area_mu",), 5.5),
    _printed("cause", "闲置/低效原因", "Cause", ("category", "cause"), 6.5),
    _printed(
        "determination",
        "认定情况",
        "Determination",
        ("determination_no", "identified_on"),
        12,
    ),
    _printed("route", "处置方式", "Disposal route", ("route",), 8),
    _printed("progress", "处置进展", "Progress", ("status",), 6),
    _printed("revitalized_area", "盘活面积(亩)", "Revitalized (mu)", ("revitalized_area_mu",), 6),
    _printed("responsible_unit", "责任单位", "Responsible unit", ("responsible_unit",), 8),
    _printed("deadline", "完成时限", "Deadline", ("deadline",), 6.5),
    _printed("remarks", "备注", "Remarks", ("remarks",), 11),
)
"""The columns of a printed 台账, in their usual order."""

DEFAULT_PRINTED: tuple[str, ...] = tuple(c.key for c in PRINTED)

PRINTABLE: dict[str, PrintedColumn] = {
    **{
        c.key: PrintedColumn(c.key, c.zh, c.en, (c,), _WIDTHS.get(c.kind, 9)) for c in _ON_THEIR_OWN
    },
    **{c.key: c for c in PRINTED},
}
"""Every column that can be printed, by key: the printed 台账's own, and each ledger
column (and the case number, ``case_no``) on its own."""


def check_printed(keys: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """``keys`` as printed columns: known (:data:`PRINTABLE`), each once, at least one,
    the first one not an area (the subtotal rows write their label there); ValueError
    naming what is wrong."""
    chosen = tuple(str(key).strip() for key in keys)
    unknown = [key for key in chosen if key not in PRINTABLE]
    if unknown:
        raise ValueError(
            f"unknown printed columns {', '.join(unknown)}; known: {', '.join(PRINTABLE)}"
        )
    if not chosen:
        raise ValueError("at least one column must be printed")
    if len(set(chosen)) != len(chosen):
        raise ValueError("a printed column is named twice")
    if PRINTABLE[chosen[0]].summed:
        raise ValueError("the first printed column cannot be an area")
    return chosen
