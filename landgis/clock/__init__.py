"""The statutory clock: which warnings parcels and cases raise on a given date.

Rules of 《闲置土地处置办法》(2012, 国土资源部令第53号, "Measures on the Disposal of Idle
Land"), plus the local campaign's own completion deadline. Pure logic, no database: the
caller gathers one :class:`ClockFacts` per parcel (and its current case) and asks
:func:`clock_warnings` what is due, approaching or overdue as of a date.

The regulation text behind these rules was taken from secondary sources (re-posts of the
measures), not from the official gazette. Every threshold is therefore a field of
:class:`ClockRules` and every rule name and citation sits in the one table
:data:`CITATIONS`, so a county can correct either without touching the logic.

Counting: periods in years are calendar years; a period that starts on 29 February ends on
28 February of a common year (the month has no corresponding day, so its last day is used,
as the Civil Code counts periods in years). "Not started" means no actual start date, or
one after the date asked about. The second branch of Art. 2 (work started but less than a
third developed, or less than 25 % invested, and suspended for a year) needs facts the
clock does not have and is not checked here.

A parcel counts as "in the ledger" when its facts carry both a case number and a status;
a case number without a status is treated like a parcel not yet in the ledger. Finished
cases (revitalized, closed, dismissed) raise nothing. Each timed rule has an "approaching"
variant (severity ``info``) within ``warn_days_ahead`` days of its point; 0 turns them off.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from landgis.clock.citations import CITATIONS, Citation, Days, Years
from landgis.clock.context import Context
from landgis.clock.rules import RULES
from landgis.clock.terms import DEFAULT_RULES, SEVERITY_ORDER, ClockFacts, ClockRules, ClockWarning

__all__ = [
    "CITATIONS",
    "SEVERITY_ORDER",
    "Citation",
    "ClockFacts",
    "ClockRules",
    "ClockWarning",
    "Days",
    "Years",
    "clock_warnings",
    "warning_order",
]


def warning_order(w: ClockWarning) -> tuple[int, bool, date, str, str]:
    """Where a warning is listed: by severity, then due date, parcel and rule."""
    return (
        SEVERITY_ORDER[w.severity],
        w.due_on is None,
        w.due_on or date.min,
        w.parcel_code,
        w.code,
    )


def clock_warnings(
    facts: Iterable[ClockFacts],
    as_of: date,
    rules: ClockRules = DEFAULT_RULES,
) -> list[ClockWarning]:
    """All warnings as of a date, sorted by (severity order overdue > warning > info, due_on,
    parcel_code)."""
    found: list[ClockWarning] = []
    for one in facts:
        context = Context(one, as_of, rules)
        for rule in RULES:
            found.extend(rule(context))
    return sorted(found, key=warning_order)
