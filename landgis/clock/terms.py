"""What the clock is told and what it answers: thresholds, one parcel's facts, a warning."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from landgis.errors import InvalidInput
from landgis.i18n import Text, _
from landgis.i18n.values import in_both

SEVERITY_ORDER: dict[str, int] = {"overdue": 0, "warning": 1, "info": 2}


@dataclass(frozen=True)
class ClockRules:
    """Thresholds of the clock; the defaults follow the 2012 measures."""

    idle_after_years: int = 1  # Art. 2: not started >= 1 year after the agreed start date
    investigation_days: int = 30  # Art. 5: investigate within 30 days of finding suspected land
    idle_fee_after_years: int = 1  # Art. 14(1): idle >= 1 year -> idle fee
    idle_fee_share: float = 0.20  # Art. 14(1): 20 % of the land price (出让或者划拨价款)
    recovery_after_years: int = 2  # Art. 14(2): idle >= 2 years -> recovery without compensation
    extension_max_years: int = 1  # Art. 12(1): extension of the start date at most 1 year
    temporary_use_max_years: int = 2  # Art. 12(4): government temporary use at most 2 years
    exempt_causes: tuple[str, ...] = ("government", "force_majeure")  # Art. 8: exempt from Art. 14
    warn_days_ahead: int = 30  # raise "approaching" warnings this many days before a point

    def __post_init__(self) -> None:
        counts = {
            "idle_after_years": self.idle_after_years,
            "investigation_days": self.investigation_days,
            "idle_fee_after_years": self.idle_fee_after_years,
            "recovery_after_years": self.recovery_after_years,
            "extension_max_years": self.extension_max_years,
            "temporary_use_max_years": self.temporary_use_max_years,
            "warn_days_ahead": self.warn_days_ahead,
        }
        for name, value in counts.items():
            if value < 0:
                raise InvalidInput(
                    _("时限参数 {name} 不能为负数(当前为 {value})", name=name, value=value)
                )
        if not 0 <= self.idle_fee_share <= 1:
            raise InvalidInput(
                _("土地闲置费比例应在 0 到 1 之间(当前为 {share})", share=self.idle_fee_share)
            )


@dataclass(frozen=True)
class ClockFacts:
    """What the clock needs to know about one parcel and its current case."""

    parcel_code: str
    holder: str | None
    agreed_start_date: date | None
    actual_start_date: date | None
    land_price_yuan: float | None
    case_no: str | None = None  # None: the parcel is not in the ledger
    status: str | None = None  # workflow status code (landgis.vocab.CASE_STATUSES)
    cause: str | None = None  # idle cause code (landgis.vocab.CAUSES)
    route: str | None = None  # disposal route code (landgis.vocab.ROUTES)
    opened_on: date | None = None  # case opened: suspected idle land found
    investigating_on: date | None = None  # investigation started (status investigating)
    planned_on: date | None = None  # disposal plan approved (status planned)
    deadline: date | None = None  # the case's own completion deadline (完成时限)


@dataclass(frozen=True)
class ClockWarning:
    """One warning: the rule and article it applies, the date it sets, and what to tell
    (catalogue messages, rendered by whoever shows them; :meth:`to_dict` gives both
    languages under the keys ``rule``/``rule_en``, ``article``/``article_en``,
    ``message``/``message_en``)."""

    code: str
    severity: str  # "overdue" | "warning" | "info"
    parcel_code: str
    case_no: str | None
    rule: Text
    article: Text
    due_on: date | None
    message: Text
    amount_yuan: float | None = None
    lease_no: str | None = None  # a lease's warning (landgis.space.alerts): the lease

    def to_dict(self) -> dict[str, Any]:
        """The warning, JSON-ready, its texts in Chinese and English."""
        return {
            "code": self.code,
            "severity": self.severity,
            "parcel_code": self.parcel_code,
            "case_no": self.case_no,
            **in_both("rule", self.rule),
            **in_both("article", self.article),
            "due_on": self.due_on,
            **in_both("message", self.message),
            "amount_yuan": self.amount_yuan,
            "lease_no": self.lease_no,
        }


# The thresholds of the 2012 measures, as the clock uses them when given none.
DEFAULT_RULES = ClockRules()
