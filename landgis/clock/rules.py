"""The rules, one function each: suspected idle land, investigation, idle fee, recovery,
extension, temporary use and the case's own deadline."""

from __future__ import annotations

from datetime import date, timedelta

from landgis.clock.citations import Days
from landgis.clock.context import Context, add_years, left_words, since_words
from landgis.clock.terms import ClockWarning
from landgis.i18n import Text, _, term
from landgis.ledger_rules.overdue import case_is_overdue


def _suspected_idle(c: Context) -> list[ClockWarning]:
    """Art. 2: a parcel not in the ledger whose agreed start date passed a year ago."""
    f = c.facts
    if c.in_ledger or f.agreed_start_date is None or not c.not_started:
        return []
    due = add_years(f.agreed_start_date, c.rules.idle_after_years)
    common = {
        "subject": c.subject,
        "agreed": f.agreed_start_date,
        "as_of": c.as_of,
        "due": due,
        "years": c.words["idle_years"],
    }
    if c.as_of >= due:
        message = _(
            "{subject}约定 {agreed} 动工,截至 {as_of} 仍未动工,于 {due} 满{years}年{since};"
            "涉嫌闲置,尚未列入台账,应在 {days}内开展调查核实。",
            since=since_words((c.as_of - due).days),
            days=Days(c.rules.investigation_days, "日"),
            **common,
        )
        return [c.warning("suspected_idle", "warning", due, message)]
    if c.approaching(due):
        message = _(
            "{subject}约定 {agreed} 动工,截至 {as_of} 尚未动工,将于 {due} 满{years}年"
            "(还剩 {left}),届时涉嫌闲置。",
            left=Days((due - c.as_of).days),
            **common,
        )
        return [c.warning("suspected_idle_approaching", "info", due, message)]
    return []


def _investigation(c: Context) -> list[ClockWarning]:
    """Art. 5: a suspected case must be investigated within 30 days of being found."""
    f = c.facts
    if not c.in_ledger or f.status != "suspected" or f.opened_on is None:
        return []
    due = f.opened_on + timedelta(days=c.rules.investigation_days)
    common = {"subject": c.subject, "opened": f.opened_on, "due": due}
    if c.as_of > due:
        message = _(
            "{subject}于 {opened} 发现疑似闲置,应在 {days}内(至 {due})开展调查、"
            "发出闲置土地调查通知书,截至 {as_of} 仍未开展,已逾期 {late}。",
            days=Days(c.rules.investigation_days, "日"),
            as_of=c.as_of,
            late=Days((c.as_of - due).days),
            **common,
        )
        return [c.warning("investigation_overdue", "overdue", due, message)]
    if c.approaching(due, last_day=True):
        when = left_words((due - c.as_of).days, _("今日为最后期限"))
        message = _(
            "{subject}于 {opened} 发现疑似闲置,应在 {due} 前开展调查、"
            "发出闲置土地调查通知书({when})。",
            when=when,
            **common,
        )
        return [c.warning("investigation_approaching", "info", due, message)]
    return []


def _cause_words(c: Context) -> Text:
    cause = c.facts.cause
    if cause is None:
        return _("闲置原因尚未确定(如属政府原因或不可抗力则不适用本条);")
    return _("闲置原因:{cause};", cause=term("cause", cause))


def _art14_start(c: Context) -> date | None:
    """The agreed start date when Art. 14 applies to the case, else None."""
    f = c.facts
    if not c.open_case or f.cause in c.rules.exempt_causes or not c.not_started:
        return None
    return f.agreed_start_date


def _idle_fee(c: Context) -> list[ClockWarning]:
    """Art. 14(1): enterprise-cause land idle a year pays a fee of 20 % of the land price."""
    agreed = _art14_start(c)
    if agreed is None:
        return []
    f = c.facts
    due = add_years(agreed, c.rules.idle_fee_after_years)
    pct = c.words["fee_pct"]
    if f.land_price_yuan is None:
        amount = None
        money = _("出让或划拨价款未登记,金额无法计算,请补录价款")
    else:
        amount = round(c.rules.idle_fee_share * f.land_price_yuan, 2)
        money = _(
            "价款 {price:,.2f} 元 × {pct}% = {amount:,.2f} 元",
            price=f.land_price_yuan,
            pct=pct,
            amount=amount,
        )
    common = {
        "subject": c.subject,
        "agreed": agreed,
        "as_of": c.as_of,
        "due": due,
        "years": c.words["fee_years"],
        "cause": _cause_words(c),
        "money": money,
    }
    if c.as_of >= due:
        message = _(
            "{subject}约定 {agreed} 动工,截至 {as_of} 未动工,于 {due} 满{years}年;"
            "{cause}应按出让或划拨价款的{pct}%征缴土地闲置费:{money}。",
            pct=pct,
            **common,
        )
        return [c.warning("idle_fee_due", "warning", due, message, amount)]
    if c.approaching(due):
        message = _(
            "{subject}约定 {agreed} 动工,截至 {as_of} 未动工,将于 {due} 满{years}年"
            "(还剩 {left});{cause}届时应征缴土地闲置费:{money}。",
            left=Days((due - c.as_of).days),
            **common,
        )
        return [c.warning("idle_fee_approaching", "info", due, message, amount)]
    return []


def _recovery(c: Context) -> list[ClockWarning]:
    """Art. 14(2): enterprise-cause land idle two years is recovered without compensation."""
    agreed = _art14_start(c)
    if agreed is None:
        return []
    due = add_years(agreed, c.rules.recovery_after_years)
    common = {
        "subject": c.subject,
        "agreed": agreed,
        "as_of": c.as_of,
        "due": due,
        "years": c.words["recovery_years"],
        "cause": _cause_words(c),
    }
    if c.as_of >= due:
        message = _(
            "{subject}约定 {agreed} 动工,截至 {as_of} 未动工,于 {due} 满{years}年{since};"
            "{cause}可报经本级人民政府批准后无偿收回国有建设用地使用权。",
            since=since_words((c.as_of - due).days),
            **common,
        )
        return [c.warning("recovery_due", "overdue", due, message)]
    if c.approaching(due):
        message = _(
            "{subject}约定 {agreed} 动工,截至 {as_of} 未动工,将于 {due} 满{years}年"
            "(还剩 {left});{cause}届时可无偿收回。",
            left=Days((due - c.as_of).days),
            **common,
        )
        return [c.warning("recovery_approaching", "info", due, message)]
    return []


def _period_limit(
    c: Context, route: str, code: str, max_years: int, words: str
) -> list[ClockWarning]:
    """Art. 12: the route's period, from plan approval to the deadline, has a maximum."""
    f = c.facts
    if not c.open_case or f.route != route or f.planned_on is None:
        return []
    limit = add_years(f.planned_on, max_years)
    common = {
        "subject": c.subject,
        "route": term("route", route),
        "planned": f.planned_on,
        "years": c.words[words],
        "limit": limit,
    }
    if f.deadline is None:
        message = _(
            "{subject}处置方式为{route},方案于 {planned} 批复,但未设完成时限;"
            "期限最长{years}年,即不得晚于 {limit},请补录完成时限。",
            **common,
        )
        return [c.warning(code, "warning", limit, message)]
    if f.deadline > limit:
        message = _(
            "{subject}处置方式为{route},方案于 {planned} 批复,完成时限 {deadline} "
            "超过最长{years}年的期限(至 {limit}){excess}。",
            deadline=f.deadline,
            excess=Days((f.deadline - limit).days),
            **common,
        )
        return [c.warning(code, "warning", limit, message)]
    return []


def _extension(c: Context) -> list[ClockWarning]:
    return _period_limit(
        c, "extension", "extension_too_long", c.rules.extension_max_years, "extension_years"
    )


def _temporary_use(c: Context) -> list[ClockWarning]:
    return _period_limit(
        c,
        "temporary_use",
        "temporary_use_too_long",
        c.rules.temporary_use_max_years,
        "temporary_years",
    )


def _case_deadline(c: Context) -> list[ClockWarning]:
    """The campaign's rule: an open case must be disposed of by its own deadline
    (overdue as :mod:`landgis.ledger_rules.overdue` decides)."""
    f = c.facts
    if not c.open_case or f.deadline is None:
        return []
    common = {
        "subject": c.subject,
        "status": term("status", f.status or ""),
        "deadline": f.deadline,
    }
    if case_is_overdue(f.status, f.deadline, c.as_of):
        message = _(
            "{subject}处置状态为「{status}」,完成时限 {deadline},截至 {as_of} 已逾期 {late}。",
            as_of=c.as_of,
            late=Days((c.as_of - f.deadline).days),
            **common,
        )
        return [c.warning("case_overdue", "overdue", f.deadline, message)]
    if c.approaching(f.deadline, last_day=True):
        when = left_words((f.deadline - c.as_of).days, _("今日到期"))
        message = _(
            "{subject}处置状态为「{status}」,完成时限 {deadline}({when})。", when=when, **common
        )
        return [c.warning("case_deadline_approaching", "info", f.deadline, message)]
    return []


RULES = (
    _suspected_idle,
    _investigation,
    _idle_fee,
    _recovery,
    _extension,
    _temporary_use,
    _case_deadline,
)
