"""The public idle-land list laid out for print: ``disclosure.html`` (extending the shared
``printed.html``) and ``disclosure.css`` (after the shared ``print.css``), landscape A4,
rendered by WeasyPrint through the printed ledger's machinery (its template environment,
page set-up, fonts and footer).

The table has a 序号 column, then the published columns in the settings' order, and a
合计 row with the count and the area by the totals' rule, as the public page shows them.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from landgis.disclosure import DisclosureColumn, DisclosureList
from landgis.i18n import DEFAULT_LANGUAGE, _
from landgis.io.exports.printed_ledger.document import (
    print_context,
    render_pdf,
    template_environment,
)
from landgis.io.exports.printed_ledger.lines import shown_text

HERE = Path(__file__).resolve().parent
TEMPLATE = "disclosure.html"
STYLESHEET = HERE / "disclosure.css"
MEDIA_TYPE = "application/pdf"
PAPER = "A4"
MISSING = "—"
SEQ_WIDTH = 0.5
# Each column's width relative to the others (1.2 for a column not named).
WIDTHS: dict[str, float] = {
    "location": 2.3,
    "parcel_code": 2.1,
    "area_mu": 0.9,
    "holder": 2.3,
    "cause": 1.1,
    "identified_on": 1.1,
    "route": 1.3,
    "progress": 1.1,
    "case_no": 1.5,
    "project_name": 2.0,
    "determination_no": 1.7,
    "revitalized_area_mu": 1.0,
}
# How a cell is aligned, by how its column's value is shown (a class of print.css).
KINDS: dict[str, str] = {"text": "text", "vocab": "text", "mu": "mu", "date": "date"}
NOTE = _(
    "依据《闲置土地处置办法》公开经认定的闲置土地。面积为闲置面积,单位亩,保留两位小数;"
    "合计由各宗面积之和换算取整,与各行之和可能相差 0.01 亩。"
)


@dataclass(frozen=True)
class _Cell:
    kind: str
    text: str

    @property
    def token(self) -> bool:
        """A code, a number or a date: never hyphenated."""
        return self.text.isascii() and " " not in self.text


def _cell(column: DisclosureColumn, value: Any) -> _Cell:
    text = shown_text(value) if value is not None else ""
    return _Cell(KINDS[column.shown_as], text or MISSING)


def _rows(data: DisclosureList, lang: str) -> Iterator[list[_Cell]]:
    for number, values in enumerate(data.cells(lang), start=1):
        cells = [_cell(c, v) for c, v in zip(data.columns, values, strict=True)]
        yield [_Cell("int", str(number)), *cells]


def _total(data: DisclosureList, lang: str) -> dict[str, Any]:
    """The 合计 row: its label across 序号 and the columns before the area (all of them
    when none is an area), the area, and the columns after it left blank."""
    keys = [c.key for c in data.columns]
    label = _("合计:{count} 宗", count=data.count).render(lang)
    if "area_mu" not in keys:
        return {"label": label, "span": len(keys) + 1, "area": None, "after": 0}
    before = keys.index("area_mu")
    return {
        "label": label,
        "span": before + 1,
        "area": shown_text(data.total_mu),
        "after": len(keys) - before - 1,
    }


def disclosure_html(data: DisclosureList, lang: str = DEFAULT_LANGUAGE) -> str:
    """The list as an HTML document for WeasyPrint, its texts in ``lang``."""
    title = data.title(lang)
    as_of = data.as_of_line(lang)
    weights = [SEQ_WIDTH] + [WIDTHS.get(c.key, 1.2) for c in data.columns]
    headers = [_("序号").render(lang), *data.headers(lang)]
    columns = [
        {"header": header, "share": round(100.0 * weight / sum(weights), 3)}
        for header, weight in zip(headers, weights, strict=True)
    ]
    return (
        template_environment(HERE)
        .get_template(TEMPLATE)
        .render(
            **print_context(
                title=f"{title} · {as_of}", lang=lang, paper=PAPER, running_title=title
            ),
            heading=title,
            as_of_line=as_of,
            total_line=data.total_line(lang),
            columns=columns,
            rows=_rows(data, lang),
            empty=_("目前没有需要公开的闲置土地。").render(lang),
            total=_total(data, lang),
            note=NOTE.render(lang),
        )
    )


def write_disclosure_pdf(data: DisclosureList, out: BinaryIO, lang: str = DEFAULT_LANGUAGE) -> None:
    """Write the list as a PDF to ``out``, its texts in ``lang``."""
    render_pdf(disclosure_html(data, lang), out, STYLESHEET, HERE)


def disclosure_pdf(data: DisclosureList, lang: str = DEFAULT_LANGUAGE) -> bytes:
    """The PDF's bytes."""
    buffer = io.BytesIO()
    write_disclosure_pdf(data, buffer, lang)
    return buffer.getvalue()


def write_disclosure_pdf_file(
    data: DisclosureList, path: Path, lang: str = DEFAULT_LANGUAGE
) -> Path:
    """Write the PDF to ``path``, whole or not at all."""
    partial = path.with_name(f".{path.name}.part")
    try:
        with partial.open("wb") as out:
            write_disclosure_pdf(data, out, lang)
        partial.replace(path)
    finally:
        partial.unlink(missing_ok=True)
    return path
