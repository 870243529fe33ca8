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
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from landgis.errors import InvalidInput
from landgis.ledger_rules.overdue import case_is_overdue
from landgis.vocab import CASE_STATUSES, CAUSES, ROUTES
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
                    f"时限参数 {name} 不能为负数(当前为 {value})",
                    f"The clock setting {name} cannot be negative (got {value})",
                )
        if not 0 <= self.idle_fee_share <= 1:
            raise InvalidInput(
                f"土地闲置费比例应在 0 到 1 之间(当前为 {self.idle_fee_share})",
                f"The idle fee share must be between 0 and 1 (got {self.idle_fee_share})",
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
    """One warning: the rule and article it applies, the date it sets, and what to tell."""

    code: str
    severity: str  # "overdue" | "warning" | "info"
    parcel_code: str
    case_no: str | None
    rule: str
    rule_en: str
    article: str
    article_en: str
    due_on: date | None
    message: str
    message_en: str
    amount_yuan: float | None = None


class Citation(NamedTuple):
    """A rule's name and article, in Chinese and English.

    Rule names may hold ``{placeholders}`` filled from the thresholds in force (see
    ``_threshold_words``), so a county that changes a threshold gets a matching rule name.
    """

    rule: str
    rule_en: str
    article: str
    article_en: str


_MEASURES = "《闲置土地处置办法》(2012)"
_MEASURES_EN = "Measures on the Disposal of Idle Land (2012)"
_CAMPAIGN = "地方清闲促建工作方案"
_CAMPAIGN_EN = "local campaign plan"

CITATIONS: dict[str, Citation] = {
    "suspected_idle": Citation(
        "未按约定动工满{idle_years}年,涉嫌闲置",
        "Not started {idle_years_en} after the agreed start date: suspected idle land",
        f"{_MEASURES} 第二条",
        f"{_MEASURES_EN}, Art. 2",
    ),
    "suspected_idle_approaching": Citation(
        "即将未按约定动工满{idle_years}年",
        "Soon {idle_years_en} without start of work after the agreed start date",
        f"{_MEASURES} 第二条",
        f"{_MEASURES_EN}, Art. 2",
    ),
    "investigation_overdue": Citation(
        "发现疑似闲置土地后{investigation_days}日内未开展调查",
        "Suspected idle land not investigated within {investigation_days} days",
        f"{_MEASURES} 第五条",
        f"{_MEASURES_EN}, Art. 5",
    ),
    "investigation_approaching": Citation(
        "疑似闲置土地应在{investigation_days}日内开展调查",
        "Suspected idle land to be investigated within {investigation_days} days",
        f"{_MEASURES} 第五条",
        f"{_MEASURES_EN}, Art. 5",
    ),
    "idle_fee_due": Citation(
        "未动工开发满{fee_years}年,按价款的{fee_pct}%征缴土地闲置费",
        "Idle for {fee_years_en}: idle fee of {fee_pct} % of the land price",
        f"{_MEASURES} 第十四条第(一)项",
        f"{_MEASURES_EN}, Art. 14(1)",
    ),
    "idle_fee_approaching": Citation(
        "即将未动工开发满{fee_years}年,将征缴土地闲置费",
        "Soon idle for {fee_years_en}: idle fee of {fee_pct} % of the land price",
        f"{_MEASURES} 第十四条第(一)项",
        f"{_MEASURES_EN}, Art. 14(1)",
    ),
    "recovery_due": Citation(
        "未动工开发满{recovery_years}年,无偿收回国有建设用地使用权",
        "Idle for {recovery_years_en}: recovery of the land-use right without compensation",
        f"{_MEASURES} 第十四条第(二)项",
        f"{_MEASURES_EN}, Art. 14(2)",
    ),
    "recovery_approaching": Citation(
        "即将未动工开发满{recovery_years}年,将无偿收回",
        "Soon idle for {recovery_years_en}: recovery without compensation",
        f"{_MEASURES} 第十四条第(二)项",
        f"{_MEASURES_EN}, Art. 14(2)",
    ),
    "extension_too_long": Citation(
        "延长动工开发期限最长不得超过{extension_years}年",
        "An extension of the start date may not exceed {extension_years_en}",
        f"{_MEASURES} 第十二条第(一)项",
        f"{_MEASURES_EN}, Art. 12(1)",
    ),
    "temporary_use_too_long": Citation(
        "政府安排临时使用期限最长不得超过{temporary_years}年",
        "Temporary use arranged by the government may not exceed {temporary_years_en}",
        f"{_MEASURES} 第十二条第(四)项",
        f"{_MEASURES_EN}, Art. 12(4)",
    ),
    "case_overdue": Citation(
        "超过处置完成时限",
        "Disposal past the case's completion deadline",
        _CAMPAIGN,
        _CAMPAIGN_EN,
    ),
    "case_deadline_approaching": Citation(
        "临近处置完成时限",
        "Completion deadline of the disposal approaching",
        _CAMPAIGN,
        _CAMPAIGN_EN,
    ),
}

_CN_NUMBERS = ("零", "一", "两", "三", "四", "五", "六", "七", "八", "九", "十")


def _years_zh(n: int) -> str:
    return _CN_NUMBERS[n] if 0 <= n < len(_CN_NUMBERS) else str(n)


def _years_en(n: int) -> str:
    return "1 year" if n == 1 else f"{n} years"


def _days_en(n: int) -> str:
    return "1 day" if n == 1 else f"{n} days"


def _threshold_words(rules: ClockRules) -> dict[str, str]:
    """The values the rule names in :data:`CITATIONS` may refer to."""
    return {
        "idle_years": _years_zh(rules.idle_after_years),
        "idle_years_en": _years_en(rules.idle_after_years),
        "investigation_days": str(rules.investigation_days),
        "fee_years": _years_zh(rules.idle_fee_after_years),
        "fee_years_en": _years_en(rules.idle_fee_after_years),
        "fee_pct": f"{rules.idle_fee_share * 100:g}",
        "recovery_years": _years_zh(rules.recovery_after_years),
        "recovery_years_en": _years_en(rules.recovery_after_years),
        "extension_years": _years_zh(rules.extension_max_years),
        "extension_years_en": _years_en(rules.extension_max_years),
        "temporary_years": _years_zh(rules.temporary_use_max_years),
        "temporary_years_en": _years_en(rules.temporary_use_max_years),
    }


def _add_years(start: date, years: int) -> date:
    """``start`` plus calendar years; 29 February becomes 28 February in a common year."""
    try:
        return start.replace(year=start.year + years)
    except ValueError:  # 29 February into a common year
        return start.replace(year=start.year + years, day=28)


class _Context:
    """One parcel's facts with the date, thresholds and message pieces shared by the rules."""

    def __init__(self, facts: ClockFacts, as_of: date, rules: ClockRules) -> None:
        self.facts = facts
        self.as_of = as_of
        self.rules = rules
        self.words = _threshold_words(rules)
        about = [facts.holder] if facts.holder else []
        about_en = [facts.holder] if facts.holder else []
        if facts.case_no:
            about.append(f"台账编号 {facts.case_no}")
            about_en.append(f"case {facts.case_no}")
        self.subject = f"宗地 {facts.parcel_code}" + (f"({','.join(about)})" if about else "")
        self.subject_en = f"Parcel {facts.parcel_code}" + (
            f" ({', '.join(about_en)})" if about_en else ""
        )

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
        message: str,
        message_en: str,
        amount_yuan: float | None = None,
    ) -> ClockWarning:
        citation = CITATIONS[code]
        return ClockWarning(
            code=code,
            severity=severity,
            parcel_code=self.facts.parcel_code,
            case_no=self.facts.case_no,
            rule=citation.rule.format(**self.words),
            rule_en=citation.rule_en.format(**self.words),
            article=citation.article.format(**self.words),
            article_en=citation.article_en.format(**self.words),
            due_on=due_on,
            message=message,
            message_en=message_en,
            amount_yuan=amount_yuan,
        )


def _suspected_idle(c: _Context) -> list[ClockWarning]:
    """Art. 2: a parcel not in the ledger whose agreed start date passed a year ago."""
    f = c.facts
    if c.in_ledger or f.agreed_start_date is None or not c.not_started:
        return []
    due = _add_years(f.agreed_start_date, c.rules.idle_after_years)
    years, years_en = c.words["idle_years"], c.words["idle_years_en"]
    agreed = f.agreed_start_date
    if c.as_of >= due:
        days = (c.as_of - due).days
        over = f",已超过 {days} 天" if days else ""
        over_en = f", {_days_en(days)} ago" if days else " (today)"
        return [
            c.warning(
                "suspected_idle",
                "warning",
                due,
                f"{c.subject}约定 {agreed} 动工,截至 {c.as_of} 仍未动工,"
                f"于 {due} 满{years}年{over};涉嫌闲置,尚未列入台账,"
                f"应在 {c.rules.investigation_days} 日内开展调查核实。",
                f"{c.subject_en}: agreed start {agreed}, not started as of {c.as_of}; "
                f"{years_en} passed on {due}{over_en}. Suspected idle land not in the "
                f"ledger: investigate within {_days_en(c.rules.investigation_days)}.",
            )
        ]
    if c.approaching(due):
        left = (due - c.as_of).days
        return [
            c.warning(
                "suspected_idle_approaching",
                "info",
                due,
                f"{c.subject}约定 {agreed} 动工,截至 {c.as_of} 尚未动工,"
                f"将于 {due} 满{years}年(还剩 {left} 天),届时涉嫌闲置。",
                f"{c.subject_en}: agreed start {agreed}, not started as of {c.as_of}; "
                f"{years_en} pass on {due} ({_days_en(left)} left), when it becomes "
                "suspected idle land.",
            )
        ]
    return []


def _investigation(c: _Context) -> list[ClockWarning]:
    """Art. 5: a suspected case must be investigated within 30 days of being found."""
    f = c.facts
    if not c.in_ledger or f.status != "suspected" or f.opened_on is None:
        return []
    due = f.opened_on + timedelta(days=c.rules.investigation_days)
    n = c.rules.investigation_days
    if c.as_of > due:
        late = (c.as_of - due).days
        return [
            c.warning(
                "investigation_overdue",
                "overdue",
                due,
                f"{c.subject}于 {f.opened_on} 发现疑似闲置,应在 {n} 日内(至 {due})开展调查、"
                f"发出闲置土地调查通知书,截至 {c.as_of} 仍未开展,已逾期 {late} 天。",
                f"{c.subject_en}: suspected idle land found on {f.opened_on}; the "
                f"investigation was due within {_days_en(n)} (by {due}) and has not started "
                f"as of {c.as_of}: {_days_en(late)} late.",
            )
        ]
    if c.approaching(due, last_day=True):
        left = (due - c.as_of).days
        when = f"还剩 {left} 天" if left else "今日为最后期限"
        when_en = f"{_days_en(left)} left" if left else "today is the last day"
        return [
            c.warning(
                "investigation_approaching",
                "info",
                due,
                f"{c.subject}于 {f.opened_on} 发现疑似闲置,应在 {due} 前开展调查、"
                f"发出闲置土地调查通知书({when})。",
                f"{c.subject_en}: suspected idle land found on {f.opened_on}; start the "
                f"investigation by {due} ({when_en}).",
            )
        ]
    return []


def _cause_words(c: _Context) -> tuple[str, str]:
    cause = c.facts.cause
    if cause is None:
        return (
            "闲置原因尚未确定(如属政府原因或不可抗力则不适用本条);",
            "The cause is not yet determined (government or force majeure causes are exempt). ",
        )
    return f"闲置原因:{CAUSES.get(cause, cause)};", f"Cause: {cause}. "


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
    years, years_en, pct = c.words["fee_years"], c.words["fee_years_en"], c.words["fee_pct"]
    cause, cause_en = _cause_words(c)
    if f.land_price_yuan is None:
        amount = None
        money = "出让或划拨价款未登记,金额无法计算,请补录价款"
        money_en = "the land price is not recorded, so the amount cannot be computed"
    else:
        amount = round(c.rules.idle_fee_share * f.land_price_yuan, 2)
        money = f"价款 {f.land_price_yuan:,.2f} 元 × {pct}% = {amount:,.2f} 元"
        money_en = f"{pct} % of {f.land_price_yuan:,.2f} yuan = {amount:,.2f} yuan"
    if c.as_of >= due:
        return [
            c.warning(
                "idle_fee_due",
                "warning",
                due,
                f"{c.subject}约定 {agreed} 动工,截至 {c.as_of} 未动工,"
                f"于 {due} 满{years}年;{cause}应按出让或划拨价款的{pct}%征缴土地闲置费:"
                f"{money}。",
                f"{c.subject_en}: agreed start {agreed}, not started as of "
                f"{c.as_of}; idle for {years_en} on {due}. {cause_en}An idle fee of {pct} % "
                f"of the land price is due: {money_en}.",
                amount,
            )
        ]
    if c.approaching(due):
        left = (due - c.as_of).days
        return [
            c.warning(
                "idle_fee_approaching",
                "info",
                due,
                f"{c.subject}约定 {agreed} 动工,截至 {c.as_of} 未动工,"
                f"将于 {due} 满{years}年(还剩 {left} 天);{cause}届时应征缴土地闲置费:"
                f"{money}。",
                f"{c.subject_en}: agreed start {agreed}, not started as of "
                f"{c.as_of}; idle for {years_en} on {due} ({_days_en(left)} left). "
                f"{cause_en}An idle fee will then be due: {money_en}.",
                amount,
            )
        ]
    return []


def _recovery(c: _Context) -> list[ClockWarning]:
    """Art. 14(2): enterprise-cause land idle two years is recovered without compensation."""
    agreed = _art14_start(c)
    if agreed is None:
        return []
    due = _add_years(agreed, c.rules.recovery_after_years)
    years, years_en = c.words["recovery_years"], c.words["recovery_years_en"]
    cause, cause_en = _cause_words(c)
    if c.as_of >= due:
        days = (c.as_of - due).days
        over = f",已超过 {days} 天" if days else ""
        over_en = f", {_days_en(days)} ago" if days else " (today)"
        return [
            c.warning(
                "recovery_due",
                "overdue",
                due,
                f"{c.subject}约定 {agreed} 动工,截至 {c.as_of} 未动工,"
                f"于 {due} 满{years}年{over};{cause}可报经本级人民政府批准后"
                "无偿收回国有建设用地使用权。",
                f"{c.subject_en}: agreed start {agreed}, not started as of "
                f"{c.as_of}; idle for {years_en} on {due}{over_en}. {cause_en}The land-use "
                "right may be recovered without compensation with the government's approval.",
            )
        ]
    if c.approaching(due):
        left = (due - c.as_of).days
        return [
            c.warning(
                "recovery_approaching",
                "info",
                due,
                f"{c.subject}约定 {agreed} 动工,截至 {c.as_of} 未动工,"
                f"将于 {due} 满{years}年(还剩 {left} 天);{cause}届时可无偿收回。",
                f"{c.subject_en}: agreed start {agreed}, not started as of "
                f"{c.as_of}; idle for {years_en} on {due} ({_days_en(left)} left). "
                f"{cause_en}The land may then be recovered without compensation.",
            )
        ]
    return []


def _period_limit(
    c: _Context, route: str, code: str, max_years: int, words: str
) -> list[ClockWarning]:
    """Art. 12: the route's period, from plan approval to the deadline, has a maximum."""
    f = c.facts
    if not c.open_case or f.route != route or f.planned_on is None:
        return []
    limit = _add_years(f.planned_on, max_years)
    label = ROUTES.get(route, route)
    years, years_en = c.words[words], c.words[f"{words}_en"]
    head = f"{c.subject}处置方式为{label},方案于 {f.planned_on} 批复"
    head_en = f"{c.subject_en}: route {route}, plan approved on {f.planned_on}"
    if f.deadline is None:
        return [
            c.warning(
                code,
                "warning",
                limit,
                f"{head},但未设完成时限;期限最长{years}年,即不得晚于 {limit},请补录完成时限。",
                f"{head_en}, but no completion deadline is set; the period may not exceed "
                f"{years_en}, that is {limit}: record the deadline.",
            )
        ]
    if f.deadline > limit:
        excess = (f.deadline - limit).days
        return [
            c.warning(
                code,
                "warning",
                limit,
                f"{head},完成时限 {f.deadline} 超过最长{years}年的期限(至 {limit}){excess} 天。",
                f"{head_en}; the deadline {f.deadline} exceeds the limit of {years_en} "
                f"({limit}) by {_days_en(excess)}.",
            )
        ]
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
    status = f.status or ""
    label = CASE_STATUSES.get(status, status)
    if case_is_overdue(f.status, f.deadline, c.as_of):
        late = (c.as_of - f.deadline).days
        return [
            c.warning(
                "case_overdue",
                "overdue",
                f.deadline,
                f"{c.subject}处置状态为「{label}」,完成时限 {f.deadline},"
                f"截至 {c.as_of} 已逾期 {late} 天。",
                f"{c.subject_en}: status {status}, completion deadline {f.deadline}, "
                f"{_days_en(late)} late as of {c.as_of}.",
            )
        ]
    if c.approaching(f.deadline, last_day=True):
        left = (f.deadline - c.as_of).days
        when = f"还剩 {left} 天" if left else "今日到期"
        when_en = f"{_days_en(left)} left" if left else "due today"
        return [
            c.warning(
                "case_deadline_approaching",
                "info",
                f.deadline,
                f"{c.subject}处置状态为「{label}」,完成时限 {f.deadline}({when})。",
                f"{c.subject_en}: status {status}, completion deadline {f.deadline} ({when_en}).",
            )
        ]
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


def _sort_key(w: ClockWarning) -> tuple[int, bool, date, str, str]:
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
    return sorted(found, key=_sort_key)
