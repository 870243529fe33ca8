"""Each rule's name and article, in one table a county can correct, and the words for
years and days they use."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple

from landgis.clock.terms import ClockRules
from landgis.i18n import DEFAULT_LANGUAGE, Text, _, pgettext


class Citation(NamedTuple):
    """A rule's name and article.

    Rule names may hold ``{placeholders}`` filled from the thresholds in force (see
    ``threshold_words``), so a county that changes a threshold gets a matching rule name.
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


def threshold_words(rules: ClockRules) -> dict[str, object]:
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
