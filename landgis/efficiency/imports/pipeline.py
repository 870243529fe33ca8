"""Import a year's figures: open the table, read and check its rows, match each
enterprise to the parcels it holds, then (unless a dry run) replace the year's rows.

All or nothing: any error refuses the whole file (nothing written), unless
``skip_invalid``, when the rows without an error go in and the others are reported.
Enterprises matched to no parcel are stored too (the evaluation leaves them out) and
listed in the report with the holders' names that nearly match theirs.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from sqlalchemy.orm import Session

from landgis.efficiency.holdings import NearMisses, parcel_holdings
from landgis.efficiency.imports.options import FiguresOptions
from landgis.efficiency.imports.report import EnterpriseMatch, FiguresRefused, FiguresReport
from landgis.efficiency.imports.rows import FigureRow, mark_duplicates, name_fallback, read_row
from landgis.efficiency.imports.source import open_table
from landgis.efficiency.imports.store import replace_year, stored_count
from landgis.efficiency.land import KeyedHoldings, holding_links
from landgis.io.problems import sort_problems
from landgis.wallclock import utc_now


@dataclass
class CheckedFigures:
    """A table of figures read, checked and matched; nothing written."""

    options: FiguresOptions
    rows: list[FigureRow]
    report: FiguresReport

    @property
    def accepted_rows(self) -> list[FigureRow]:
        """The rows that go in: enterprises' rows without an error."""
        return [r for r in self.rows if not r.skipped and not r.has_error]

    @property
    def refused_whole(self) -> bool:
        """Whether nothing can go in: an error without ``skip_invalid``, or no row left."""
        if not self.accepted_rows:
            return True
        return bool(self.report.errors) and not self.options.skip_invalid


def _match(rows: list[FigureRow], holdings: pd.DataFrame) -> list[EnterpriseMatch]:
    """Each row's parcels, found as the evaluation finds them, with the holders' names
    close to the name of a row that holds none."""
    wanted = [read for read in rows if not read.skipped and not read.has_error]
    figures = pd.DataFrame(
        {
            "figure_id": pd.Series([read.row for read in wanted], dtype="int64"),
            "credit_code": pd.Series([read.credit_code for read in wanted], dtype=object),
            "name": pd.Series([read.name for read in wanted], dtype=object),
        }
    )
    links = holding_links(figures, KeyedHoldings.of(holdings))
    held = {
        int(row): (tuple(group["position"].tolist()), str(group["matched_by"].iloc[0]))
        for row, group in links.groupby("figure_id", sort=False)
    }
    codes, holders = holdings["parcel_code"].tolist(), holdings["holder"].tolist()
    near = NearMisses(holdings)
    matches = []
    for read in wanted:
        positions, matched_by = held.get(read.row, ((), "none"))
        first = holders[positions[0]] if positions else None
        name_fallback(read, first if isinstance(first, str) else None)
        matches.append(
            EnterpriseMatch(
                read.row,
                read.label,
                read.credit_code,
                matched_by,
                tuple(str(codes[i]) for i in positions),
                () if positions else near.of(read.name),
            )
        )
    return matches


def check_figures(
    session: Session, path: Path | str, options: FiguresOptions, *, source_name: str | None = None
) -> CheckedFigures:
    """Read and check the figures of ``path`` and match them to the stored parcels;
    raises :class:`~landgis.io.problems.FileRefused` when the file cannot be read at all."""
    table = open_table(Path(path), options, source_name)
    rows = [read_row(number, cells, table.columns, options.year) for number, cells in table.rows]
    matches = _match(rows, parcel_holdings(session))  # names the nameless
    mark_duplicates(rows)
    by_row = {r.row: r for r in rows}
    report = FiguresReport(
        source=table.name,
        year=options.year,
        skip_invalid=options.skip_invalid,
        format=table.format,
        sheet=table.sheet,
        encoding=table.encoding,
        header_row=table.header_row,
        columns=table.columns.describe(),
    )
    report.matches = [m for m in matches if not by_row[m.row].has_error]
    report.problems = sort_problems([*table.problems, *(p for r in rows for p in r.problems)])
    report.enterprises = sum(1 for r in rows if not r.skipped)
    report.skipped = sum(1 for r in rows if r.skipped)
    report.replaced = stored_count(session, options.year)
    return CheckedFigures(options, rows, report)


def store_figures(
    session: Session, checked: CheckedFigures, *, dry_run: bool = False
) -> FiguresReport:
    """Replace the year's figures with the rows of ``checked`` that go in (nothing in a
    dry run), in a savepoint of the caller's transaction. Raises
    :class:`~landgis.efficiency.imports.report.FiguresRefused` with the report, having
    written nothing, when nothing can go in."""
    report = checked.report
    report.dry_run = dry_run
    accepted = checked.accepted_rows
    if checked.refused_whole:
        report.refused = report.enterprises
        raise FiguresRefused(report)
    report.refused = report.enterprises - len(accepted)
    if not dry_run:
        report.replaced = replace_year(session, checked.options.year, accepted, utc_now())
    report.stored = len(accepted)
    report.accepted = True
    return report


def import_figures(
    session: Session,
    path: Path | str,
    options: FiguresOptions,
    *,
    source_name: str | None = None,
    dry_run: bool = False,
) -> FiguresReport:
    """Read, check, match and (unless ``dry_run``) store the figures of ``options.year``
    in ``path``, replacing that year's; the caller owns the transaction. Returns the
    report; raises :class:`~landgis.efficiency.imports.report.FiguresRefused` (nothing
    written) when the file has errors and ``options.skip_invalid`` is not set, or no
    row can go in."""
    checked = check_figures(session, path, options, source_name=source_name)
    return store_figures(session, checked, dry_run=dry_run)
