"""Run by the suite as a child process (so its peak memory is its own), for row 9:

- ``html OUT.json ARGS...``: run ``landgis ARGS`` (a command writing a PDF) in this
  process with WeasyPrint's step replaced by saving what landgis hands it: the HTML, its
  base folder and its stylesheets, as JSON to ``OUT.json``; nothing is rendered.
- ``bare IN.json OUT.pdf``: render that HTML with WeasyPrint alone,
  ``weasyprint.HTML(string=html, base_url=root).write_pdf(out, stylesheets=...)`` with
  the same stylesheets, and print the seconds it took as JSON.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any, BinaryIO


def capture_html(out: Path, command: list[str]) -> None:
    """``landgis command`` with the documents' render step saving its input to ``out``."""
    from landgis.io.exports.printed_ledger import document
    from landgis.reports import work_pdf

    def save(html: str, _pdf: BinaryIO, stylesheet: Path, root: Path) -> None:
        from landgis import printing

        sheets = [str(printing.STYLESHEET), str(stylesheet)]
        found = {"html": html, "root": str(root), "stylesheets": sheets}
        out.write_text(json.dumps(found, ensure_ascii=False), encoding="utf-8")

    document.render_pdf = save  # type: ignore[assignment]  # the printed ledger's
    work_pdf.render_pdf = save  # type: ignore[assignment]  # the work report's
    from landgis.cli import app

    try:
        app(command, prog_name="landgis")
    except SystemExit as done:
        if done.code:
            raise
    if not out.exists():
        raise SystemExit(f"landgis {' '.join(command)} rendered no PDF")


def render_bare(source: Path, pdf: Path) -> float:
    """Seconds WeasyPrint alone takes to render the saved HTML into ``pdf``."""
    import weasyprint

    found: dict[str, Any] = json.loads(source.read_text(encoding="utf-8"))
    started = time.perf_counter()
    sheets = [weasyprint.CSS(filename=name) for name in found["stylesheets"]]
    html = weasyprint.HTML(string=found["html"], base_url=found["root"] + "/")
    html.write_pdf(str(pdf), stylesheets=sheets)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> None:
    args = sys.argv[1:] if argv is None else argv
    if len(args) >= 3 and args[0] == "html":
        capture_html(Path(args[1]), args[2:])
    elif len(args) == 3 and args[0] == "bare":
        print(json.dumps({"seconds": render_bare(Path(args[1]), Path(args[2]))}))
    else:
        raise SystemExit("usage: child_documents html OUT.json ARGS... | bare IN.json OUT.pdf")


if __name__ == "__main__":
    main()
