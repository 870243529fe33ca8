"""The disclosure list read from the ledger: the cases of the published statuses with the
published columns' values, their count and their total area by the totals' rule.

The date of the finding (认定日期) is the date of the event that moved the case to 已认定
from before it (suspected or investigating), the latest such when a case was found idle
twice; a case with no such event (a ledger loaded without its history) shows the
determination date it carries. The progress (处置进展) is the case's status.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from landgis import wallclock
from landgis.db.models import Case, CaseEvent, Parcel, Zone
from landgis.disclosure.columns import (
    BEFORE_FINDING,
    COLUMNS,
    DEFAULT_COLUMNS,
    PUBLISHABLE_STATUSES,
    DisclosureColumn,
    columns_of,
)
from landgis.errors import InvalidInput
from landgis.i18n import DEFAULT_LANGUAGE, _, listing, term
from landgis.ledger_rules.totals import area_total

if TYPE_CHECKING:
    from landgis.settings import Settings


@dataclass(frozen=True)
class DisclosureList:
    """The published list: ``rows`` hold the values of ``columns`` only (codes for
    vocabulary columns, m² for areas, dates for dates), in the list's order."""

    county: str
    as_of: dt.date
    columns: tuple[DisclosureColumn, ...]
    rows: tuple[Mapping[str, Any], ...]
    total_m2: float

    @property
    def count(self) -> int:
        """How many parcels (宗) the list shows."""
        return len(self.rows)

    @property
    def total_mu(self) -> float:
        """The idle land of the list in 亩: the stored m² summed, converted and rounded
        once (:func:`~landgis.ledger_rules.totals.area_total`)."""
        return area_total(self.total_m2, "mu")

    def title(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """``青溪县闲置土地信息公开``."""
        return _("{county}闲置土地信息公开", county=self.county).render(lang)

    def as_of_line(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """``截至 2026年12月4日`` in ``lang``."""
        return _("截至 {date}", date=shown_date(self.as_of, lang)).render(lang)

    def total_line(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """``共 12 宗,面积 345.67 亩`` in ``lang``."""
        return _("共 {count} 宗,面积 {area:.2f} 亩", count=self.count, area=self.total_mu).render(
            lang
        )

    def headers(self, lang: str = DEFAULT_LANGUAGE) -> list[str]:
        """The columns' headers in ``lang``."""
        return [c.header(lang) for c in self.columns]

    def cells(self, lang: str = DEFAULT_LANGUAGE) -> list[list[Any]]:
        """Each row's cells as shown: names for codes in ``lang``, areas in 亩 by the
        totals' rule, dates as dates, None where there is nothing."""
        return [[shown(c, row.get(c.key), lang) for c in self.columns] for row in self.rows]


def shown_date(day: dt.date, lang: str) -> str:
    """``2026年12月4日``, or ``2026-12-04`` in English."""
    return f"{day.year}年{day.month}月{day.day}日" if lang == DEFAULT_LANGUAGE else day.isoformat()


def shown(column: DisclosureColumn, value: Any, lang: str = DEFAULT_LANGUAGE) -> Any:
    """One value of ``column`` as the list shows it."""
    if value is None or value == "":
        return None
    if column.shown_as == "vocab" and column.vocabulary:
        return term(column.vocabulary, str(value)).render(lang)
    if column.shown_as == "mu":
        return area_total(float(value), "mu")
    return value


def _finding_dates() -> Any:
    """Each case's date of the finding: its latest event that moved it to 已认定 from
    before it."""
    return (
        select(
            CaseEvent.case_id.label("case_id"),
            func.max(CaseEvent.occurred_on).label("found_on"),
        )
        .where(
            CaseEvent.status_after == "identified",
            or_(CaseEvent.status_before.is_(None), CaseEvent.status_before.in_(BEFORE_FINDING)),
        )
        .group_by(CaseEvent.case_id)
        .subquery("findings")
    )


def published_statuses(statuses: Sequence[str]) -> tuple[str, ...]:
    """``statuses`` checked: each one the list may publish (InvalidInput if not)."""
    wrong = [s for s in statuses if s not in PUBLISHABLE_STATUSES]
    if wrong or not statuses:
        raise InvalidInput(
            _(
                "公开清单只能列出以下状态的条目:{allowed}。",
                allowed=listing(term("status", s) for s in PUBLISHABLE_STATUSES),
            )
        )
    return tuple(dict.fromkeys(statuses))


def disclosure_list(
    session: Session,
    *,
    county: str,
    statuses: Sequence[str] = PUBLISHABLE_STATUSES,
    columns: Sequence[str] = DEFAULT_COLUMNS,
    as_of: dt.date | None = None,
) -> DisclosureList:
    """The list as it stands now (dated ``as_of``, today when None): the cases whose
    status is one of ``statuses``, with the values of ``columns``, ordered by the date of
    the finding, then parcel code."""
    chosen = columns_of(tuple(columns))
    findings = _finding_dates()
    found_on = func.coalesce(findings.c.found_on, Case.identified_on)
    values: dict[str, Any] = {
        "location": Parcel.location,
        "parcel_code": Parcel.parcel_code,
        "area_mu": Case.idle_area_m2,
        "holder": Parcel.holder,
        "cause": Case.cause,
        "identified_on": found_on,
        "route": Case.route,
        "progress": Case.status,
        "case_no": Case.case_no,
        "zone_name": Zone.name,
        "project_name": Parcel.project_name,
        "land_use": Parcel.land_use,
        "category": Case.category,
        "determination_no": Case.determination_no,
        "deadline": Case.deadline,
        "revitalized_area_mu": Case.revitalized_area_m2,
    }
    if set(values) != set(COLUMNS):  # every column has its value, nothing more
        raise RuntimeError("the disclosure columns and their values disagree")
    stmt = (
        select(
            *(values[c.key].label(c.key) for c in chosen),
            Case.idle_area_m2.label("_idle_m2"),
            found_on.label("_found_on"),
            Parcel.parcel_code.label("_code"),
        )
        .select_from(Case)
        .join(Parcel, Parcel.id == Case.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .outerjoin(findings, findings.c.case_id == Case.id)
        .where(Case.status.in_(published_statuses(statuses)))
    )
    found = sorted(
        session.execute(stmt).mappings(),
        key=lambda r: (r["_found_on"] is None, r["_found_on"] or dt.date.min, r["_code"]),
    )
    rows = tuple({c.key: r[c.key] for c in chosen} for r in found)
    total_m2 = float(sum(float(r["_idle_m2"] or 0.0) for r in found))
    return DisclosureList(
        county=county,
        as_of=as_of or wallclock.today(),
        columns=chosen,
        rows=rows,
        total_m2=total_m2,
    )


def disclosure_for(
    session: Session, settings: Settings, as_of: dt.date | None = None
) -> DisclosureList:
    """The list this installation publishes: its county, its statuses and columns
    (settings ``disclosure_statuses`` and ``disclosure_columns``)."""
    return disclosure_list(
        session,
        county=settings.county_name,
        statuses=settings.disclosure_statuses,
        columns=settings.disclosure_columns,
        as_of=as_of,
    )


__all__ = [
    "DisclosureList",
    "disclosure_for",
    "disclosure_list",
    "published_statuses",
    "shown",
    "shown_date",
]
