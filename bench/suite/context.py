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

# Seconds kept for each row still to run when an earlier one's caps are shortened.
RESERVE_S = {
    "1": 240,
    "2": 75,
    "3": 45,
    "4": 30,
    "5": 60,
    "6": 90,
    "7": 120,
    "8": 120,
    "9": 480,
}


@dataclass
class Context:
    """Sizes and counts of one run, the work directory, and databases made on demand."""

    quick: bool
    workers: int
    work: Path
    stack: contextlib.ExitStack
    _main: data.Database | None = None
    _ledger: data.Database | None = None
    _ledger_error: str | None = None
    _big: data.Database | None = None
    big_import: Timed | None = None
    _big_error: str | None = None
    import_rate: float | None = None  # landgis import rows/s measured on the main file
    notes: list[str] = field(default_factory=list)
    deadline: float = float("inf")  # time.monotonic() by which the run should be done
    pending: tuple[str, ...] = ()  # rows still to run after the current one

    def cap(self, wanted_s: float) -> float:
        """``wanted_s``, shortened so that the rows still to run keep their share of the
        run's time budget (never below 20 s)."""
        reserve = sum(RESERVE_S.get(row, 60) for row in self.pending)
        left = self.deadline - time.monotonic() - reserve * (0.3 if self.quick else 1)
        return max(20.0, min(wanted_s, left))

    @property
    def parcels(self) -> int:
        return 10_000 if self.quick else 100_000

    @property
    def big_parcels(self) -> int:
        return 30_000 if self.quick else 1_000_000

    @property
    def embedded_parcels(self) -> int:
        """The province served on SpatiaLite and on PostGIS (row 8): a county's scale."""
        return 2_000 if self.quick else 10_000

    @property
    def document_cases(self) -> int:
        """The ledger the documents are made of (row 9): one case per parcel."""
        return 4_000 if self.quick else 10_000

    @property
    def printed_cases(self) -> int:
        """About how many cases the printed ledger of row 9 holds (whole zones, at most
        this many; the command prints at most 3,000)."""
        return 300 if self.quick else 1_000

    @property
    def runs(self) -> int:
        return 2 if self.quick else 3

    @property
    def big_budget_s(self) -> float:
        """The longest the big import may take before it is given up (and not tried when
        the measured import rate says it would take longer)."""
        return 120 if self.quick else 420

    @property
    def load_seconds(self) -> float:
        """How long each wrk load lasts."""
        return 2 if self.quick else 4

    @property
    def ledger_budget_s(self) -> float:
        """The longest loading the ledger database may take before it is given up."""
        return 240 if self.quick else 480

    def main_file(self) -> Path:
        """The province of the main database (5 % of the parcels in the ledger)."""
        return data.province(self.parcels)

    def use_main(self, name: str) -> None:
        """Take an already loaded database as the main one (it is not dropped)."""
        self._main = data.Database(name)
        self.notes.append(f"Main database: the existing {name}.")

    def use_ledger(self, name: str) -> None:
        """Take an already loaded database as the ledger one (it is not dropped)."""
        self._ledger = data.Database(name)
        self.notes.append(f"Ledger database: the existing {name}.")

    def ledger_db(self) -> data.Database:
        """A province with every parcel in the ledger (one case each), loaded as the demo
        is loaded, made once: the workbook and the headline figures need many cases."""
        if self._ledger_error:
            raise RuntimeError(self._ledger_error)
        if self._ledger is None:
            try:
                gpkg = data.province(self.parcels, case_share=1.0)
                db = self.stack.enter_context(data.scratch_database("ledger"))
                log(f"loading {gpkg.name} into {db.name}")
                seconds = data.load_province(db, gpkg, timeout_s=self.cap(self.ledger_budget_s))
            except TimeoutError as error:
                self._ledger_error = f"loading the ledger database: {error}"
                raise RuntimeError(self._ledger_error) from None
            except Exception as error:
                self._ledger_error = str(error)
                raise
            log(f"loaded in {seconds:.0f} s")
            self.notes.append(
                f"Ledger database: {self.parcels:,} parcels with one case each (and the "
                f"cases' events), loaded by `landgis demo` in {seconds:.0f} s."
            )
            self._ledger = db
        return self._ledger

    def _big_ledger(self, db: data.Database, gpkg: Path) -> None:
        """Add the big file's cases and events onto its imported parcels, so the headline
        figures have a ledger; a failure or a timeout leaves the parcels alone."""
        command = [data.LANDGIS, "demo", "--data", str(gpkg), "--ledger-only"]
        try:
            done = timed_command(
                command, env=db.landgis_env, cwd=data.ROOT, timeout_s=self.cap(240)
            )
        except Exception as error:
            self.notes.append(f"Big database: adding its ledger failed: {error}")
            return
        self.notes.append(
            f"Big database: {self.big_parcels:,} parcels imported; "
            + _ledger_note(done.seconds)
            + "."
        )

    def main_db(self) -> data.Database:
        """The province loaded as the demo is loaded (all layers), made once."""
        if self._main is None:
            gpkg = self.main_file()
            db = self.stack.enter_context(data.scratch_database("main"))
            log(f"loading {gpkg.name} into {db.name}")
            seconds = data.load_province(db, gpkg)
            log(f"loaded in {seconds:.0f} s")
            self.notes.append(
                f"Main database: {self.parcels:,} parcels, 5 % of them in the ledger, loaded "
                f"by `landgis demo` in {seconds:.0f} s."
            )
            self._main = db
        return self._main

    def big_db(self) -> data.Database:
        """The big province's parcel layer imported by ``landgis import``, made once."""
        if self._big_error:
            raise RuntimeError(self._big_error)
        if self._big is None:
            budget = self.cap(self.big_budget_s)
            try:
                if self.import_rate and self.big_parcels / self.import_rate > budget:
                    minutes = self.big_parcels / self.import_rate / 60
                    raise RuntimeError(
                        f"not run: at the {self.import_rate:,.0f} rows/s measured above it "
                        f"would take ~{minutes:.0f} min, over the "
                        f"{budget / 60:.1f}-min budget for it"
                    )
                gpkg = data.province(self.big_parcels, buildings=False)
                db = self.stack.enter_context(data.scratch_database("big"))
                data.init(db)
                log(f"importing {gpkg.name} into {db.name}")
                command = [data.LANDGIS, "import", str(gpkg), "--layer", "parcels"]
                self.big_import = timed_command(
                    command, env=db.landgis_env, cwd=data.ROOT, timeout_s=budget
                )
                self._big_ledger(db, gpkg)
                with db.connect() as conn:
                    conn.execute("analyze")
            except TimeoutError as error:
                self._big_error = str(error)
                raise RuntimeError(self._big_error) from None
            except Exception as error:
                self._big_error = str(error)
                raise
            self._big = db
        return self._big


def _ledger_note(seconds: float) -> str:
    return f"the file's cases and events added by `landgis demo --ledger-only` in {seconds:.0f} s"


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
