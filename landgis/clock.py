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
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Any, NamedTuple

from landgis.errors import InvalidInput
from landgis.i18n import DEFAULT_LANGUAGE, Text, _, pgettext, term
from landgis.i18n.values import in_both
from landgis.ledger_rules.overdue import case_is_overdue
from landgis.workflow import OPEN_STATUSES

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


class Citation(NamedTuple):
    """A rule's name and article.

    Rule names may hold ``{placeholders}`` filled from the thresholds in force (see
    ``_threshold_words``), so a county that changes a threshold gets a matching rule name.
    """

    rule: Text
    article: Text


_MEASURES = _("《闲置土地处置办法》(2012)")
_CAMPAIGN = _("地方清闲促建工作方案")


CITATIONS: dict[str, Citation] = {
    "suspected_idle": Citation(
        _("未按约定动工满{idle_years}年,涉嫌闲置"),
        _("{measures} 第二条", measures=_MEASURES),
    ),
    "suspected_idle_approaching": Citation(
        _("即将未按约定动工满{idle_years}年"),
        _("{measures} 第二条", measures=_MEASURES),
    ),
    "investigation_overdue": Citation(
        _("发现疑似闲置土地后{investigation_days}日内未开展调查"),
        _("{measures} 第五条", measures=_MEASURES),
    ),
    "investigation_approaching": Citation(
        _("疑似闲置土地应在{investigation_days}日内开展调查"),
        _("{measures} 第五条", measures=_MEASURES),
    ),
    "idle_fee_due": Citation(
        _("未动工开发满{fee_years}年,按价款的{fee_pct}%征缴土地闲置费"),
        _("{measures} 第十四条第(一)项", measures=_MEASURES),
    ),
    "idle_fee_approaching": Citation(
        _("即将未动工开发满{fee_years}年,将征缴土地闲置费"),
        _("{measures} 第十四条第(一)项", measures=_MEASURES),
    ),
    "recovery_due": Citation(
        _("未动工开发满{recovery_years}年,无偿收回国有建设用地使用权"),
        _("{measures} 第十四条第(二)项", measures=_MEASURES),
    ),
    "recovery_approaching": Citation(
        _("即将未动工开发满{recovery_years}年,将无偿收回"),
        _("{measures} 第十四条第(二)项", measures=_MEASURES),
    ),
    "extension_too_long": Citation(
        _("延长动工开发期限最长不得超过{extension_years}年"),
        _("{measures} 第十二条第(一)项", measures=_MEASURES),
    ),
    "temporary_use_too_long": Citation(
        _("政府安排临时使用期限最长不得超过{temporary_years}年"),
        _("{measures} 第十二条第(四)项", measures=_MEASURES),
    ),
    "case_overdue": Citation(_("超过处置完成时限"), _CAMPAIGN),
    "case_deadline_approaching": Citation(_("临近处置完成时限"), _CAMPAIGN),
}

_CN_NUMBERS = ("零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十")


@dataclass(frozen=True)
class Years:
    """A number of years: 一, 两 … before 年 in Chinese, "1 year", "2 years" in English."""

    count: int

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        n = self.count
        if lang == DEFAULT_LANGUAGE:
            return _CN_NUMBERS[n] if 0 <= n < len(_CN_NUMBERS) else str(n)
        one = pgettext("one", "{count} 年", count=n)
        return (one if n == 1 else _("{count} 年", count=n)).render(lang)


@dataclass(frozen=True)
class Days:
    """A number of days: 10 天 (or 10 日) in Chinese, "1 day", "10 days" in English."""

    count: int
    unit: str = "天"

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        n = self.count
        if lang == DEFAULT_LANGUAGE:
            return f"{n} {self.unit}"
        one = pgettext("one", "{count} 天", count=n)
        return (one if n == 1 else _("{count} 天", count=n)).render(lang)


def _threshold_words(rules: ClockRules) -> dict[str, object]:
    """The values the rule names in :data:`CITATIONS` may refer to."""
    return {
        "idle_years": Years(rules.idle_after_years),
        "investigation_days": str(rules.investigation_days),
        "fee_years": Years(rules.idle_fee_after_years),
        "fee_pct": f"{rules.idle_fee_share * 100:g}",
        "recovery_years": Years(rules.recovery_after_years),
        "extension_years": Years(rules.extension_max_years),
        "temporary_years": Years(rules.temporary_use_max_years),
    }


def _add_years(start: date, years: int) -> date:
    """``start`` plus calendar years; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February into a common year
        return start.replace(year=start.year + years, day=28)


def _subject(facts: ClockFacts) -> Text:
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


def _since(days: int) -> Text:
    """How long ago a point passed: ",已超过 3 天" / ", 3 days ago"; "(今日)" / " (today)"."""
    return _(",已超过 {days}", days=Days(days)) if days else _("(今日)")


def _left(days: int, today: Text) -> Text:
    """How long is left: "还剩 3 天" / "3 days left", or ``today`` on the last day."""
    return _("还剩 {days}", days=Days(days)) if days else today


class _Context:
    """One parcel's facts with the date, thresholds and message pieces shared by the rules."""

    def __init__(self, facts: ClockFacts, as_of: date, rules: ClockRules) -> None:
        self.facts = facts
        self.as_of = as_of
        self.rules = rules
        self.words = _threshold_words(rules)
        self.subject = _subject(facts)

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


def _suspected_idle(c: _Context) -> list[ClockWarning]:
    """Art. 2: a parcel not in the ledger whose agreed start date passed a year ago."""
    f = c.facts
    if c.in_ledger or f.agreed_start_date is None or not c.not_started:
        return []
    due = _add_years(f.agreed_start_date, c.rules.idle_after_years)
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
            since=_since((c.as_of - due).days),
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


def _investigation(c: _Context) -> list[ClockWarning]:
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
        when = _left((due - c.as_of).days, _("今日为最后期限"))
        message = _(
            "{subject}于 {opened} 发现疑似闲置,应在 {due} 前开展调查、"
            "发出闲置土地调查通知书({when})。",
            when=when,
            **common,
        )
        return [c.warning("investigation_approaching", "info", due, message)]
    return []


def _cause_words(c: _Context) -> Text:
    cause = c.facts.cause
    if cause is None:
        return _("闲置原因尚未确定(如属政府原因或不可抗力则不适用本条);")
    return _("闲置原因:{cause};", cause=term("cause", cause))


def _art14_start(c: _Context) -> date | None:
    """The agreed start date when Art. 14 applies to the case, else None."""
    f = c.facts
    if not c.open_case or f.cause in c.rules.exempt_causes or not c.not_started:
        return None
    return f.agreed_start_date


def _idle_fee(c: _Context) -> list[ClockWarning]:
    """Art. 14(1): enterprise-cause land idle a year pays a fee of 20 % of the land price."""
    agreed = _art14_start(c)
    if agreed is None:
        return []
    f = c.facts
    due = _add_years(agreed, c.rules.idle_fee_after_years)
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


def _recovery(c: _Context) -> list[ClockWarning]:
    """Art. 14(2): enterprise-cause land idle two years is recovered without compensation."""
    agreed = _art14_start(c)
    if agreed is None:
        return []
    due = _add_years(agreed, c.rules.recovery_after_years)
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
            since=_since((c.as_of - due).days),
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
    c: _Context, route: str, code: str, max_years: int, words: str
) -> list[ClockWarning]:
    """Art. 12: the route's period, from plan approval to the deadline, has a maximum."""
    f = c.facts
    if not c.open_case or f.route != route or f.planned_on is None:
        return []
    limit = _add_years(f.planned_on, max_years)
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


def _extension(c: _Context) -> list[ClockWarning]:
    return _period_limit(
        c, "extension", "extension_too_long", c.rules.extension_max_years, "extension_years"
    )


def _temporary_use(c: _Context) -> list[ClockWarning]:
    return _period_limit(
        c,
        "temporary_use",
        "temporary_use_too_long",
        c.rules.temporary_use_max_years,
        "temporary_years",
    )


def _case_deadline(c: _Context) -> list[ClockWarning]:
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
        when = _left((f.deadline - c.as_of).days, _("今日到期"))
        message = _(
            "{subject}处置状态为「{status}」,完成时限 {deadline}({when})。", when=when, **common
        )
        return [c.warning("case_deadline_approaching", "info", f.deadline, message)]
    return []


_RULES = (
    _suspected_idle,
    _investigation,
    _idle_fee,
    _recovery,
    _extension,
    _temporary_use,
    _case_deadline,
)


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
    rules: ClockRules = ClockRules(),
) -> list[ClockWarning]:
    """All warnings as of a date, sorted by (severity order overdue > warning > info, due_on,
    parcel_code)."""
    found: list[ClockWarning] = []
    for one in facts:
        context = _Context(one, as_of, rules)
        for rule in _RULES:
            found.extend(rule(context))
    return sorted(found, key=warning_order)
