"""Row 9: the printed documents of a ledger of 10,000 cases (--quick: 4,000): the printed
ledger (``landgis export -f pdf``: refused past 3,000 cases, so also whole zones of about
1,000) and the work report (``landgis report work``, PDF), each in a child process, beside
WeasyPrint alone rendering the HTML and stylesheets landgis hands it
(:mod:`bench.suite.child_documents`)."""

from __future__ import annotations

import dataclasses
import json
import re
import shutil
import subprocess
import sys
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from bench.suite import data
from bench.suite.context import Context
from bench.suite.figures import fmt_mb, fmt_ratio, fmt_seconds, fmt_spread, median, ratio
from bench.suite.procs import Timed, log, timed_command
from bench.suite.table import Line, failed

ROW = "9 documents"
BARE = "WeasyPrint alone (same HTML and CSS)"


@dataclass(frozen=True)
class Document:
    """One document of the row: its case, landgis's tool name and arguments, its file."""

    case: str
    tool: str
    args: tuple[str, ...]
    name: str


def pick_zones(counts: Mapping[str, int], most: int) -> tuple[list[str], int]:
    """Whole zones, largest first, holding together as many cases as fit in ``most``
    (zones that would pass it are skipped), and their cases."""
    chosen: list[str] = []
    total = 0
    for zone, cases in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        if cases and total + cases <= most:
            chosen.append(zone)
            total += cases
    return chosen, total


def pages_of(pdfinfo: str) -> int | None:
    """The page count in ``pdfinfo``'s report, None when it gives none."""
    match = re.search(r"^Pages:\s+(\d+)\s*$", pdfinfo, re.M)
    return int(match.group(1)) if match else None


def _pages(pdf: Path) -> str:
    if shutil.which("pdfinfo") is None or not pdf.exists():
        return "?"
    done = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=False)
    pages = pages_of(done.stdout)
    return "?" if pages is None else f"{pages:,}"


def _zone_counts(db: data.Database) -> dict[str, int]:
    with db.connect() as conn:
        rows = conn.execute(
            """
            select z.code, count(*) from cases c
            join parcels p on p.id = c.parcel_id join zones z on z.id = p.zone_id
            where c.status <> 'dismissed' group by 1
            """
        ).fetchall()
    return {str(code): int(n) for code, n in rows}


def _documents(ctx: Context, db: data.Database, cases: int) -> list[Document]:
    zones, in_zones = pick_zones(_zone_counts(db), ctx.printed_cases)
    by_zone = tuple(arg for zone in zones for arg in ("--zone", zone))
    return [
        Document(f"printed ledger, {cases:,} cases", "landgis export -f pdf", (), "ledger-all"),
        Document(
            f"printed ledger, {in_zones:,} cases ({len(zones)} whole "
            f"zone{'s' if len(zones) != 1 else ''})",
            "landgis export -f pdf --zone …",
            by_zone,
            "ledger-zones",
        ),
        Document(f"work report (PDF), {cases:,} cases", "landgis report work", (), "work"),
    ]


def _command(document: Document, out: Path) -> list[str]:
    if document.name == "work":
        return ["report", "work", "-o", str(out)]
    return ["export", "-f", "pdf", *document.args, "-o", str(out)]


def _refusal(error: Exception) -> str | None:
    """landgis's message when it refused to print (too many cases), else None."""
    text = str(error)
    return text.split("错误:", 1)[1].strip() if "错误:" in text and "最多" in text else None


def _measure(ctx: Context, db: data.Database, document: Document) -> list[Line]:
    """Catch the document's HTML, then time WeasyPrint alone on it and landgis."""
    work = ctx.work
    html = work / f"{document.name}.json"
    catch = [sys.executable, "-m", "bench.suite.child_documents", "html", str(html)]
    catch += _command(document, work / f"{document.name}-html-only.pdf")
    log(f"row 9: {document.case}: landgis's HTML")
    try:
        caught = timed_command(catch, env=db.landgis_env, cwd=data.ROOT, timeout_s=ctx.cap(600))
    except Exception as error:
        refused = _refusal(error)
        if refused is None:
            raise
        return [Line(ROW, document.case, document.tool, f"refused by landgis: {refused}")]
    size = len(json.loads(html.read_text(encoding="utf-8"))["html"].encode())
    budget = 90 if ctx.quick else 300  # no new turn after this
    bare_pdf = work / f"{document.name}-bare.pdf"
    landgis_pdf = work / f"{document.name}.pdf"
    bare_command = [sys.executable, "-m", "bench.suite.child_documents", "bare"]
    bare_command += [str(html), str(bare_pdf)]
    landgis_command = [data.LANDGIS, *_command(document, landgis_pdf)]
    tools: tuple[tuple[str, list[str], dict[str, str]], ...] = (
        (BARE, bare_command, {}),
        (document.tool, landgis_command, db.landgis_env),
    )
    found: dict[str, list[Timed]] = {tool: [] for tool, _command, _env in tools}
    lines: dict[str, Line] = {}
    started = time.perf_counter()
    # Runs interleaved, the baseline first in each: both meet the same machine, and a slow
    # landgis cannot leave the baseline without time.
    for turn in range(ctx.runs):
        for tool, command, env in tools:
            if tool in lines:
                continue
            log(f"row 9: {document.case}: {tool}, run {turn + 1}")
            try:
                timed = timed_command(command, env=env, cwd=data.ROOT, timeout_s=ctx.cap(900))
            except Exception as error:
                lines[tool] = failed(ROW, document.case, tool, error)
                continue
            found[tool].append(timed)
        if time.perf_counter() - started > budget:
            break
    found = {tool: runs for tool, runs in found.items() if runs and tool not in lines}
    if BARE in found:
        runs = found[BARE]
        render = median([json.loads(r.stdout.strip().splitlines()[-1])["seconds"] for r in runs])
        lines[BARE] = _line(
            document.case,
            BARE,
            runs,
            f"{_pages(bare_pdf)} pages; {size / 1e6:.1f} MB of HTML; render alone "
            f"{fmt_seconds(render)} (p50) of the child's wall time",
        )
    if document.tool in found:
        line = _line(
            document.case,
            document.tool,
            found[document.tool],
            f"{_pages(landgis_pdf)} pages; landgis up to the HTML (no render) "
            f"{fmt_seconds(caught.seconds)}, peak RSS {fmt_mb(caught.max_rss_kb)}",
        )
        if BARE in found:
            line = dataclasses.replace(line, ratios=_ratios(found[document.tool], found[BARE]))
        lines[document.tool] = line
    return [lines[tool] for tool in (document.tool, BARE) if tool in lines]


def _line(case: str, tool: str, runs: Sequence[Timed], note: str) -> Line:
    times = [r.seconds for r in runs]
    count = f"{len(runs)} run{'s' if len(runs) != 1 else ''}, child process wall time and peak RSS"
    rss = max(r.max_rss_kb for r in runs)
    return Line(ROW, case, tool, fmt_spread(times), fmt_mb(rss), "", f"{count}; {note}")


def _ratios(mine: Sequence[Timed], bare: Sequence[Timed]) -> str:
    """landgis against the bare render: median time and peak memory."""
    slower = ratio(median([r.seconds for r in mine]), median([r.seconds for r in bare]))
    memory = ratio(max(r.max_rss_kb for r in mine), max(r.max_rss_kb for r in bare))
    return f"time {fmt_ratio(slower)} bare, peak RSS {fmt_ratio(memory)} bare"


def run(ctx: Context) -> list[Line]:
    cases = ctx.document_cases
    label = f"{cases:,} cases"
    try:
        gpkg = data.province(cases, case_share=1.0)
        db = ctx.stack.enter_context(data.scratch_database("documents"))
        log(f"row 9: loading {gpkg.name} into {db.name}")
        seconds = data.load_province(db, gpkg, timeout_s=ctx.cap(300))
        documents = _documents(ctx, db, cases)
    except Exception as error:
        return [failed(ROW, label, "landgis", error)]
    ctx.notes.append(
        f"Row 9: {cases:,} parcels with one case each (and the cases' events), loaded by "
        f"`landgis demo` into PostGIS in {seconds:.0f} s; the work report covers 1 January "
        "to the day of the run."
    )
    lines: list[Line] = []
    for document in documents:
        try:
            lines += _measure(ctx, db, document)
        except Exception as error:
            lines.append(failed(ROW, document.case, document.tool, error))
    return lines
