"""A clerk's decision on a suggested case (:mod:`.suggestions`): open it as a ledger case,
or dismiss it with a reason. Each is made once per year and parcel
(``efficiency_reviews``), by an editor, in the ledger service's transaction; opening goes
through the ledger's own use case, so the case's first event records who, when and the
evaluation's figures. :func:`year_reviews` lists the decisions of a year.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from landgis import cases, wallclock
from landgis.commands import OpenCase
from landgis.db.models import Case, EfficiencyReview, Parcel, Zone
from landgis.efficiency.evaluation import check_year
from landgis.efficiency.suggestions import Suggestion, figures_reason, suggestion_for
from landgis.errors import Conflict, InvalidInput, NotFound
from landgis.i18n import DEFAULT_LANGUAGE, _, listing
from landgis.i18n.values import in_both
from landgis.ledger_service import LedgerService

REASON_MAX = 500


def _parcel_id(service: LedgerService, parcel_code: str) -> int:
    found = service.session.scalar(select(Parcel.id).where(Parcel.parcel_code == parcel_code))
    if found is None:
        raise NotFound(_("没有编号为 {parcel_code} 的宗地。", parcel_code=parcel_code))
    return int(found)


def _not_reviewed(service: LedgerService, year: int, parcel_code: str) -> None:
    """Conflict when the parcel's suggestion of ``year`` was already acted on."""
    parcel_id = _parcel_id(service, parcel_code)
    review = service.session.scalar(
        select(EfficiencyReview).where(
            EfficiencyReview.year == year, EfficiencyReview.parcel_id == parcel_id
        )
    )
    if review is None:
        return
    if review.decision == "opened":
        case_no = service.session.scalar(select(Case.case_no).where(Case.id == review.case_id))
        raise Conflict(
            _(
                "宗地 {parcel_code} 的 {year} 年度建议已由 {actor} 立案({case_no}),不能再次处理。",
                parcel_code=parcel_code,
                year=year,
                actor=review.actor or "-",
                case_no=case_no or "-",
            )
        )
    raise Conflict(
        _(
            "宗地 {parcel_code} 的 {year} 年度建议已由 {actor} 不予立案(理由:{reason}),"
            "不能再次处理。",
            parcel_code=parcel_code,
            year=year,
            actor=review.actor or "-",
            reason=review.reason or "-",
        )
    )


def _suggested(service: LedgerService, year: int, parcel_code: str) -> Suggestion:
    """The parcel's suggestion of ``year``: refused when it was acted on (Conflict) or is
    not suggested (NotFound)."""
    cases.require_editor(service.actor)
    check_year(year)
    _not_reviewed(service, year, parcel_code)
    found = suggestion_for(service.session, service.settings.efficiency, year, parcel_code)
    if found is None:
        raise NotFound(
            _(
                "宗地 {parcel_code} 不在 {year} 年度的建议立案清单中。",
                parcel_code=parcel_code,
                year=year,
            )
        )
    return found


def _record(service: LedgerService, review: EfficiencyReview) -> EfficiencyReview:
    """Store ``review``; a decision made meanwhile by someone else is a Conflict."""
    try:
        with service.session.begin_nested():
            service.session.add(review)
    except IntegrityError as exc:
        raise Conflict(
            _("该宗地 {year} 年度的建议刚被他人处理,请刷新后查看。", year=review.year)
        ) from exc
    return review


def open_note(suggestion: Suggestion) -> str:
    """The note of the case's first event: why the parcel was suggested, with the
    evaluation's figures (year, class, score, tax per 亩) when the enterprise has them."""
    parts = [suggestion.reason]
    if suggestion.kind != "low_efficiency" and suggestion.grade and suggestion.score is not None:
        parts.append(
            figures_reason(
                suggestion.year, suggestion.grade, suggestion.score, suggestion.tax_per_mu
            )
        )
    note = _("依据亩均效益评价建议立案:{reasons}。", reasons=listing(parts, ";"))
    return note.render(DEFAULT_LANGUAGE)


def open_from_suggestion(service: LedgerService, year: int, parcel_code: str) -> Case:
    """Open the parcel's suggested case of ``year`` through the ledger service: its
    category and cause from the suggestion, the reason as 原因说明, the evaluation's
    figures in the first event's note; and record the decision."""
    suggestion = _suggested(service, year, parcel_code)
    fields: dict[str, str] = {"cause_detail": suggestion.reason.render(DEFAULT_LANGUAGE)}
    if suggestion.cause is not None:
        fields["cause"] = suggestion.cause
    case = service.handle(
        OpenCase(
            parcel_code=parcel_code,
            category=suggestion.category,
            fields=fields,
            note=open_note(suggestion),
        )
    )
    _record(
        service,
        EfficiencyReview(
            year=year,
            parcel_id=suggestion.parcel_id,
            decision="opened",
            case_id=case.id,
            actor=service.actor.username,
            decided_at=wallclock.utc_now(),
        ),
    )
    return case


def dismiss_suggestion(
    service: LedgerService, year: int, parcel_code: str, reason: str
) -> EfficiencyReview:
    """Dismiss the parcel's suggested case of ``year`` for ``reason`` (required): it is
    not suggested again that year."""
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(
            _("不予立案需要填写理由。"),
            problems=[{"field": "reason", **in_both("problem", _("不能为空"))}],
        )
    if len(text) > REASON_MAX:
        raise InvalidInput(
            _("理由最长 {limit} 字,收到 {count} 字。", limit=REASON_MAX, count=len(text)),
            problems=[{"field": "reason", **in_both("problem", _("过长"))}],
        )
    suggestion = _suggested(service, year, parcel_code)
    return _record(
        service,
        EfficiencyReview(
            year=year,
            parcel_id=suggestion.parcel_id,
            decision="dismissed",
            reason=text,
            actor=service.actor.username,
            decided_at=wallclock.utc_now(),
        ),
    )


@dataclass(frozen=True)
class Review:
    """A decision on a year's suggestion, as listed: the parcel, what was decided, the case
    opened (its number) or the reason for dismissing, who decided and when."""

    year: int
    parcel_code: str
    zone: str | None
    decision: str
    case_no: str | None
    reason: str | None
    actor: str | None
    decided_at: dt.datetime


def year_reviews(session: Session, year: int) -> list[Review]:
    """The decisions on the suggestions of ``year``, the latest first."""
    stmt = (
        select(
            EfficiencyReview.year,
            Parcel.parcel_code,
            Zone.name,
            EfficiencyReview.decision,
            Case.case_no,
            EfficiencyReview.reason,
            EfficiencyReview.actor,
            EfficiencyReview.decided_at,
        )
        .join(Parcel, Parcel.id == EfficiencyReview.parcel_id)
        .outerjoin(Zone, Zone.id == Parcel.zone_id)
        .outerjoin(Case, Case.id == EfficiencyReview.case_id)
        .where(EfficiencyReview.year == year)
        .order_by(EfficiencyReview.decided_at.desc(), EfficiencyReview.id.desc())
    )
    return [Review(*row) for row in session.execute(stmt).all()]
