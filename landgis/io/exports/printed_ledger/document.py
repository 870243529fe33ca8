"""The printed ledger as a PDF: the lines (:mod:`.lines`) laid out by a Jinja template
(``ledger.html``) and a paged-media stylesheet (``ledger.css``), rendered by WeasyPrint.

The header row repeats on every page (a ``thead``), the footer counts pages (CSS counters
``page`` and ``pages``), rows never break across pages. Nothing is fetched but the
package's own files: the fonts come from the system (:mod:`.fonts`).

The machinery every printed document uses lives here too: :func:`template_environment`
(a document's templates, then the shared ``printed.html`` of :mod:`landgis.printing`),
:func:`print_context` (what that page needs: paper, fonts, running title, footer) and
:func:`render_pdf` (the shared ``print.css``, then the document's own stylesheet).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO
from urllib.parse import unquote, urlsplit

import jinja2

from landgis import printing
from landgis.errors import ConfigurationError
from landgis.i18n import DEFAULT_LANGUAGE, _
from landgis.io.exports.printed_ledger.fonts import font_family_css
from landgis.io.exports.printed_ledger.lines import CaseLine, Line, shown_text
from landgis.schema import PrintedColumn

HERE = Path(__file__).resolve().parent
TEMPLATE = "ledger.html"
STYLESHEET = HERE / "ledger.css"
MEDIA_TYPE = "application/pdf"
_PAGE, _PAGES = "\x00page\x00", "\x00pages\x00"


def css_string(text: str) -> str:
    """``text`` escaped for a double-quoted CSS string (inside a ``<style>`` element:
    no ``<`` or ``>`` either)."""
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"')
    return escaped.replace("\n", "\\A ").replace("<", "\\3C ").replace(">", "\\3E ")


def page_footer(lang: str, page: str, pages: str) -> str:
    """``第 {page} 页 共 {pages} 页`` in ``lang``, with ``page`` and ``pages`` as given
    (``&P`` and ``&N`` in a workbook's footer)."""
    return _("第 {page} 页 共 {pages} 页", page=page, pages=pages).render(lang)


def footer_content(lang: str) -> str:
    """The CSS ``content`` of the footer: ``"第 " counter(page) " 页 共 " counter(pages) " 页"``
    in ``lang``."""
    words = page_footer(lang, _PAGE, _PAGES)
    parts: list[str] = []
    for piece in words.split("\x00"):
        if piece in ("page", "pages"):
            parts.append(f"counter({piece})")
        elif piece:
            parts.append(f'"{css_string(piece)}"')
    return " ".join(parts)


@dataclass(frozen=True)
class _Cell:
    kind: str
    lines: list[str]
    text: str


def _cell(column: PrintedColumn, value: Any) -> _Cell:
    text = shown_text(value)
    return _Cell(column.kind, text.split("\n") if text else [], text)


@dataclass(frozen=True)
class _Row:
    cells: list[_Cell]
    overdue: bool


@dataclass(frozen=True)
class _Sum:
    label: str
    after: list[_Cell]
    total: bool


def _rows(lines: Iterable[Line], columns: Sequence[PrintedColumn], span: int) -> Any:
    for line in lines:
        if isinstance(line, CaseLine):
            cells = [_cell(c, v) for c, v in zip(columns, line.values, strict=True)]
            yield _Row(cells, line.overdue)
        else:
            after = [
                _cell(c, line.sums.get(i)) if c.summed else _Cell(c.kind, [], "")
                for i, c in enumerate(columns)
                if i >= span
            ]
            yield _Sum(line.label, after, line.total)


def label_span(columns: Sequence[PrintedColumn]) -> int:
    """How many columns a subtotal's label spans: those before the first summed one."""
    return next((i for i, c in enumerate(columns) if c.summed), len(columns)) or 1


def _environment() -> jinja2.Environment:
    return template_environment(HERE)


@functools.cache
def template_environment(directory: Path) -> jinja2.Environment:
    """The Jinja environment of a printed document's templates in ``directory``, then the
    shared ones (``printed.html``, ``printed_macros.html``); escaped, strict, with the
    ``css_string`` filter."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader([directory, printing.TEMPLATES]),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["css_string"] = css_string
    return env


def print_context(
    *,
    title: str,
    lang: str,
    paper: str = "A4",
    running_title: str | None = None,
    orientation: str = "landscape",
) -> dict[str, Any]:
    """What the shared page (``printed.html``) needs: the document's ``title``, its
    language, the ``paper`` and its ``orientation``, the running title at the top of every
    page but the first (the title unless given), the footer ``第 x 页 共 y 页`` in
    ``lang``, the CJK font families and the colon of a label in ``lang``."""
    return {
        "html_lang": "zh-CN" if lang == DEFAULT_LANGUAGE else "en",
        "title": title,
        "running_title": title if running_title is None else running_title,
        "paper": paper,
        "orientation": orientation,
        "footer": footer_content(lang),
        "fonts": font_family_css(),
        "colon": ":" if lang == DEFAULT_LANGUAGE else ": ",
    }


def printed_html(
    *,
    title: str,
    columns: Sequence[PrintedColumn],
    lines: Iterable[Line],
    paper: str,
    lang: str = DEFAULT_LANGUAGE,
    filter_line: str = "",
    notes: Sequence[str] = (),
    sign_off: Sequence[str] = (),
) -> str:
    """The printed ledger as an HTML document for WeasyPrint."""
    width = sum(c.width for c in columns) or 1.0
    span = label_span(columns)
    heads = [
        {"header": c.header(lang), "share": round(100.0 * c.width / width, 3)} for c in columns
    ]
    return (
        _environment()
        .get_template(TEMPLATE)
        .render(
            **print_context(title=title, lang=lang, paper=paper),
            filter_line=filter_line,
            columns=heads,
            lines=_rows(lines, columns, span),
            label_span=span,
            notes=list(notes),
            sign_off=list(sign_off),
        )
    )


def _weasyprint() -> Any:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:  # OSError: Pango is not installed
        raise ConfigurationError(
            _(
                "打印版台账需要 WeasyPrint 和系统的 Pango 库:"
                "请运行 scripts/system-deps.sh 安装 libpango-1.0-0、libpangoft2-1.0-0。"
            ),
            detail=str(exc),
        ) from exc
    return weasyprint


def local_fetcher(weasyprint: Any, root: Path = HERE) -> Any:
    """A URL fetcher that reads the files under ``root`` and ``data:`` URLs (pictures
    inlined in the page) and nothing else (no network)."""

    class LocalFiles(weasyprint.urls.URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            parts = urlsplit(url)
            if parts.scheme == "data":
                return super().fetch(url, headers)
            path = Path(unquote(parts.path)).resolve()
            if parts.scheme != "file" or not path.is_relative_to(root):
                raise ValueError(f"a printed document loads only its own files, not {url}")
            return super().fetch(url, headers)

    return LocalFiles(allowed_protocols={"file", "data"})


def render_pdf(html: str, out: BinaryIO, stylesheet: Path, root: Path) -> None:
    """Render ``html`` with the shared ``print.css`` and then ``stylesheet`` to a PDF
    written to ``out``, loading nothing but the files under ``root`` (the fonts come from
    the system)."""
    weasyprint = _weasyprint()
    fetcher = local_fetcher(weasyprint, root)
    sheets = [
        weasyprint.CSS(filename=str(path), url_fetcher=fetcher)
        for path in (printing.STYLESHEET, stylesheet)
    ]
    document = weasyprint.HTML(string=html, base_url=str(root) + "/", url_fetcher=fetcher)
    document.write_pdf(out, stylesheets=sheets)


def write_pdf(html: str, out: BinaryIO) -> None:
    """Render ``html`` (from :func:`printed_html`) to a PDF written to ``out``."""
    render_pdf(html, out, STYLESHEET, HERE)
