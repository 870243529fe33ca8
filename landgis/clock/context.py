"""One parcel's facts seen on a date: what every rule asks of them, and a warning built
from its citation."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from landgis.clock.citations import CITATIONS, Days, threshold_words
from landgis.clock.terms import ClockFacts, ClockRules, ClockWarning
from landgis.i18n import Text, _
from landgis.workflow import OPEN_STATUSES


def add_years(start: date, years: int) -> date:
    """``start`` plus calendar years; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February into a common year
        return start.replace(year=start.year + years, day=28)


def subject_of(facts: ClockFacts) -> Text:
    """宗地 … (holder, case number) / Parcel … (holder, case …)."""
    code, holder, case_no = facts.parcel_code, facts.holder, facts.case_no
    if holder and case_no:
        return _(
            "宗地 {parcel_code}({holder},台账编号 {case_no})",
            parcel_code=code,
            holder=holder,
            case_no=case_no,
        )
    if holder:
        return _("宗地 {parcel_code}({holder})", parcel_code=code, holder=holder)
    if case_no:
        return _("宗地 {parcel_code}(台账编号 {case_no})", parcel_code=code, case_no=case_no)
    return _("宗地 {parcel_code}", parcel_code=code)


def since_words(days: int) -> Text:
    """How long ago a point passed: ",已超过 3 天" / ", 3 days ago"; "(今日)" / " (today)"."""
    return _(",已超过 {days}", days=Days(days)) if days else _("(今日)")


def left_words(days: int, today: Text) -> Text:
    """How long is left: "还剩 3 天" / "3 days left", or ``today`` on the last day."""
    return _("还剩 {days}", days=Days(days)) if days else today


class Context:
    """One parcel's facts with the date, thresholds and message pieces shared by the rules."""

    def __init__(self, facts: ClockFacts, as_of: date, rules: ClockRules) -> None:
        self.facts = facts
        self.as_of = as_of
        self.rules = rules
        self.words = threshold_words(rules)
        self.subject = subject_of(facts)

    @property
    def in_ledger(self) -> bool:
        return self.facts.case_no is not None and self.facts.status is not None

    @property
    def open_case(self) -> bool:
        return self.in_ledger and self.facts.status in OPEN_STATUSES

    @property
    def not_started(self) -> bool:
        started = self.facts.actual_start_date
        return started is None or started > self.as_of

    def approaching(self, due: date, *, last_day: bool = False) -> bool:
        """Whether ``as_of`` falls in the warning window before ``due``.

        ``due`` itself belongs to the window when it is the last day allowed (``last_day``),
        not when it is the day a consequence starts.
        """
        ahead = self.rules.warn_days_ahead
        if ahead <= 0 or self.as_of < due - timedelta(days=ahead):
            return False
        return self.as_of <= due if last_day else self.as_of < due

    def warning(
        self,
        code: str,
        severity: str,
        due_on: date | None,
        message: Text,
        amount_yuan: float | None = None,
    ) -> ClockWarning:
        citation = CITATIONS[code]
        return ClockWarning(
            code=code,
            severity=severity,
            parcel_code=self.facts.parcel_code,
            case_no=self.facts.case_no,
            rule=replace(citation.rule, values=self.words),
            article=citation.article,
            due_on=due_on,
            message=message,
            amount_yuan=amount_yuan,
        )
