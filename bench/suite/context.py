"""What every row of the suite shares: sizes, run counts, the loaded databases."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from bench.suite import data
from bench.suite.procs import Timed, log, timed_command

T = TypeVar("T")


@dataclass
class Context:
    """Sizes and counts of one run, the work directory, and databases made on demand."""

    quick: bool
    workers: int
    work: Path
    stack: contextlib.ExitStack
    _main: data.Database | None = None
    _big: data.Database | None = None
    big_import: Timed | None = None
    _big_error: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def parcels(self) -> int:
        return 10_000 if self.quick else 100_000

    @property
    def big_parcels(self) -> int:
        return 30_000 if self.quick else 1_000_000

    @property
    def runs(self) -> int:
        return 2 if self.quick else 3

    @property
    def load_seconds(self) -> float:
        """How long each wrk load lasts."""
        return 2 if self.quick else 4

    def main_file(self) -> Path:
        """The province of the main database: every parcel in the ledger (the workbook
        row needs one case per parcel)."""
        return data.province(self.parcels, case_share=1.0)

    def main_db(self) -> data.Database:
        """The province loaded as the demo is loaded (all layers), made once."""
        if self._main is None:
            gpkg = self.main_file()
            db = self.stack.enter_context(data.scratch_database("main"))
            log(f"loading {gpkg.name} into {db.name}")
            seconds = data.load_province(db, gpkg)
            log(f"loaded in {seconds:.0f} s")
            self.notes.append(
                f"Main database: {self.parcels:,} parcels with one case each, loaded by "
                f"`landgis demo` in {seconds:.0f} s."
            )
            self._main = db
        return self._main

    def big_db(self) -> data.Database:
        """The big province's parcel layer imported by ``landgis import``, made once."""
        if self._big_error:
            raise RuntimeError(self._big_error)
        if self._big is None:
            try:
                gpkg = data.province(self.big_parcels, buildings=False)
                db = self.stack.enter_context(data.scratch_database("big"))
                data.init(db)
                log(f"importing {gpkg.name} into {db.name}")
                command = [data.LANDGIS, "import", str(gpkg), "--layer", "parcels"]
                self.big_import = timed_command(
                    command, env=db.landgis_env, cwd=data.ROOT, timeout_s=1500
                )
                with db.connect() as conn:
                    conn.execute("analyze")
            except Exception as error:
                self._big_error = f"big import failed: {error}"
                raise
            self._big = db
        return self._big


def repeat(function: Callable[[], T], runs: int, budget_s: float) -> list[T]:
    """Call ``function`` ``runs`` times, fewer if the time spent passes ``budget_s``
    (always at least once)."""
    results: list[T] = []
    started = time.perf_counter()
    while len(results) < runs:
        results.append(function())
        if time.perf_counter() - started > budget_s:
            break
    return results
