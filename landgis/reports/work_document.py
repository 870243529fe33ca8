"""The work report (工作情况报告) of a period, as figures and words: the paragraph a county
writes in its report ("建立13宗、539亩工业用地低效闲置问题处置台账,通过依法回购、司法拍卖、
租赁转产等方式,盘活低效用地120亩、闲置厂房1.64万平方米"), the figures by route, zone and
month, and the printed ledger as its annex.

Every figure is the headline figures' (:func:`landgis.stats.headline_figures`): the ledger
as of the period's last day, what its cases revitalized in the period, each area summed
from the stored m² and rounded once. The paragraph shows 亩 as the report writes them: a
whole number when the total is one (539), else with its two decimals (480.55); the factory
floor area in 万平方米 is the shown ㎡ total divided by 10,000 and rounded to 0.01, so the
paragraph and the table beside it agree.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from landgis import vocab
from landgis.errors import InvalidInput
from landgis.i18n import DEFAULT_LANGUAGE, Localizable, _, listing, term
from landgis.io.exports.pdf import MAX_PRINTED_CASES
from landgis.io.exports.print_setup import PrintSetup
from landgis.io.exports.printed_ledger import (
    CaseLine,
    printed_lines,
    printed_title,
    shown_text,
    sign_off,
)
from landgis.io.exports.printed_ledger.document import label_span
from landgis.io.exports.rows import collect_ledger
from landgis.ledger_rules.totals import wan_m2
from landgis.reports.charts import month_label
from landgis.settings import Settings
from landgis.stats import UNASSIGNED, headline_figures

# How many routes the paragraph names before "等" (the rest are in the table).
ROUTES_NAMED = 3


def written_date(day: dt.date, lang: str) -> str:
    """``day`` as a report writes it in ``lang`` (``2023年8月31日``, ``2023-08-31``)."""
    return _("{year}年{month}月{day}日", year=day.year, month=day.month, day=day.day).render(lang)


def mu_text(area_mu: float) -> str:
    """亩 as the report writes them: ``539`` for a whole total, else ``480.55``."""
    return f"{area_mu:.0f}" if float(area_mu).is_integer() else f"{area_mu:.2f}"


ROUTE_HEADERS: tuple[Localizable, ...] = (
    _("处置方式"),
    _("宗数"),
    _("盘活面积(亩)"),
    _("盘活厂房面积(㎡)"),
)
ZONE_HEADERS: tuple[Localizable, ...] = (
    _("园区"),
    _("台账宗数"),
    _("台账面积(亩)"),
    _("期间盘活面积(亩)"),
)
MONTH_HEADERS: tuple[Localizable, ...] = (
    _("月份"),
    _("宗数"),
    _("盘活面积(亩)"),
    _("盘活厂房面积(㎡)"),
)


@dataclass(frozen=True)
class FigureTable:
    """A table of figures as printed: its headers, its rows of text and a total row."""

    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    total: tuple[str, ...]


@dataclass(frozen=True)
class Annex:
    """The printed ledger as the report's annex: its title, headers and lines (a case's
    cells, or a subtotal's label and cells after it), as printed."""

    title: str
    headers: tuple[str, ...]
    widths: tuple[float, ...]
    lines: tuple[tuple[bool, tuple[str, ...]], ...]
    label_span: int
    sign_off: tuple[str, ...]
    # Why the lines are left out (a ledger too long to print with the report), or "".
    note: str = ""


@dataclass(frozen=True)
class WorkReport:
    """The report's content in ``lang``: the figures in words (``words``: ``period``,
    ``cases``, ``ledger_mu``, ``routes``, ``revitalized_mu``, ``factory_wan_m2``, …), the
    paragraphs, the tables and the annex; :meth:`fields` are the template's variables."""

    lang: str
    date_from: dt.date
    date_to: dt.date
    title: str
    words: Mapping[str, Any]
    paragraph: str
    standing: str
    by_route: FigureTable
    by_zone: FigureTable
    by_month: FigureTable
    figures: Mapping[str, Any] = field(repr=False)
    annex: Annex = field(repr=False)

    def fields(self) -> dict[str, Any]:
        """The variables a work report template may use (listed in the README)."""
        return {
            **self.words,
            "title": self.title,
            "paragraph": self.paragraph,
            "standing": self.standing,
            "by_route": self.by_route,
            "by_zone": self.by_zone,
            "by_month": self.by_month,
        }


def report_title(county: str) -> Localizable:
    """The report's title."""
    return _("{county}低效闲置工业用地处置工作情况报告", county=county)


def standing_paragraph(**values: Any) -> Localizable:
    """Where the ledger stands at the period's end (``values`` as in :func:`report_paragraph`)."""
    return _(
        "截至{date_to},台账内累计盘活{revitalized_total_mu}亩,占台账面积的{share};"
        "台账内闲置厂房{idle_factory_m2}平方米;逾期未完成处置{overdue}宗。",
        **values,
    )


def report_paragraph(**values: Any) -> Localizable:
    """The paragraph of the source report, its figures given as ``values`` (text, or
    template expressions such as ``{{ cases }}``); ``routes`` empty leaves out the routes."""
    if values.get("routes"):
        return _(
            "{period},建立{cases}宗、{ledger_mu}亩工业用地低效闲置问题处置台账,通过{routes}"
            "等方式,盘活低效用地{revitalized_mu}亩、闲置厂房{factory_wan_m2}万平方米。",
            **values,
        )
    return _(
        "{period},建立{cases}宗、{ledger_mu}亩工业用地低效闲置问题处置台账,"
        "盘活低效用地{revitalized_mu}亩、闲置厂房{factory_wan_m2}万平方米。",
        **values,
    )


def check_period(date_from: dt.date, date_to: dt.date) -> None:
    """Refuse a period that ends before it starts."""
    if date_from > date_to:
        raise InvalidInput(
            _(
                "起始日期 {date_from} 晚于截止日期 {date_to}。",
                date_from=date_from,
                date_to=date_to,
            ),
        )


def _route_listing(groups: Mapping[str, Mapping[str, Any]], lang: str) -> str:
    """The routes that revitalized land in the period, in the vocabulary's order (依法回购、
    司法拍卖、租赁转产…): the :data:`ROUTES_NAMED` largest by area, the rest left to "等"."""
    used = [key for key in groups if key != UNASSIGNED]
    largest = sorted(used, key=lambda key: -float(groups[key]["area_mu"]))[:ROUTES_NAMED]
    rank = {code: i for i, code in enumerate(vocab.ROUTES)}
    names = [term("route", k) for k in sorted(largest, key=lambda k: rank.get(k, len(rank)))]
    return listing(names).render(lang) if names else ""


def _label(key: str, lang: str, vocabulary: str | None) -> str:
    if key == UNASSIGNED:
        return _("未指定").render(lang)
    return term(vocabulary, key).render(lang) if vocabulary else key


def _revitalized_table(
    groups: Mapping[str, Mapping[str, Any]],
    headers: Sequence[Localizable],
    labels: Any,
    lang: str,
) -> FigureTable:
    rows = tuple(
        (labels(key), str(values["cases"]), f"{values['area_mu']:.2f}", _m2(values))
        for key, values in groups.items()
    )
    return FigureTable(tuple(h.render(lang) for h in headers), rows, ())


def _m2(values: Mapping[str, Any]) -> str:
    return f"{float(values.get('building_area_m2') or 0.0):.2f}"


def _zone_table(figures: Mapping[str, Any], lang: str) -> FigureTable:
    ledger, revitalized = figures["by_zone"], figures["revitalized_by_zone"]
    keys = [*ledger, *(k for k in revitalized if k not in ledger)]
    headers = ZONE_HEADERS
    rows = tuple(
        (
            _label(key, lang, None),
            str(ledger.get(key, {}).get("cases", 0)),
            f"{float(ledger.get(key, {}).get('area_mu', 0.0)):.2f}",
            f"{float(revitalized.get(key, {}).get('area_mu', 0.0)):.2f}",
        )
        for key in keys
    )
    total = (
        _("合计").render(lang),
        str(figures["cases"]),
        f"{figures['ledger_area_mu']:.2f}",
        f"{figures['revitalized_area_mu']:.2f}",
    )
    return FigureTable(tuple(h.render(lang) for h in headers), rows, total)


def _with_total(table: FigureTable, figures: Mapping[str, Any], lang: str) -> FigureTable:
    total = (
        _("合计").render(lang),
        str(figures["revitalized_cases"]),
        f"{figures['revitalized_area_mu']:.2f}",
        f"{figures['revitalized_building_area_m2']:.2f}",
    )
    return FigureTable(table.headers, table.rows, total)


def work_annex(
    session: Session,
    settings: Settings,
    as_of: dt.date,
    lang: str = DEFAULT_LANGUAGE,
    *,
    cases: int | None = None,
) -> Annex:
    """The printed ledger as of ``as_of``: the settings' printed columns, cases by zone
    with subtotals and the total. ``cases``, how many cases that ledger has when known
    (the headline figures'), leaves a ledger too long to print unread."""
    setup = PrintSetup.from_settings(settings)
    data = collect_ledger(
        session, as_of=as_of, county=settings.county_name, lang=lang, print_setup=setup
    )
    columns = setup.printed
    span = label_span(columns)
    lines: list[tuple[bool, tuple[str, ...]]] = []
    if cases is None or cases <= MAX_PRINTED_CASES:
        cases = 0
        for line in printed_lines(data, columns):
            if isinstance(line, CaseLine):
                cases += 1
                if cases > MAX_PRINTED_CASES:
                    break
                lines.append((True, tuple(shown_text(v) for v in line.values)))
            else:
                after = tuple(
                    shown_text(line.sums.get(i)) if c.summed else ""
                    for i, c in enumerate(columns)
                    if i >= span
                )
                lines.append((False, (line.label, *after)))
    note = ""
    if cases > MAX_PRINTED_CASES:
        lines = []
        note = _(
            "台账超过 {limit} 宗,不随报告附印:请按园区等筛选后分别打印台账(打印版台账)。",
            limit=MAX_PRINTED_CASES,
        ).render(lang)
    return Annex(
        title=_("附件:{title}", title=printed_title(data)).render(lang),
        headers=tuple(c.header(lang) for c in columns),
        widths=tuple(c.width for c in columns),
        lines=tuple(lines),
        label_span=span,
        sign_off=tuple(sign_off(lang)),
        note=note,
    )


def _words(
    figures: Mapping[str, Any], county: str, date_from: dt.date, date_to: dt.date, lang: str
) -> dict[str, Any]:
    """The figures as the paragraphs write them."""
    period = _(
        "{date_from}至{date_to}",
        date_from=written_date(date_from, lang),
        date_to=written_date(date_to, lang),
    )
    return {
        "county": county,
        "period": period.render(lang),
        "date_from": written_date(date_from, lang),
        "date_to": written_date(date_to, lang),
        "cases": int(figures["cases"]),
        "ledger_mu": mu_text(figures["ledger_area_mu"]),
        "routes": _route_listing(figures["revitalized_by_route"], lang),
        "revitalized_mu": mu_text(figures["revitalized_area_mu"]),
        "revitalized_cases": int(figures["revitalized_cases"]),
        "factory_m2": f"{figures['revitalized_building_area_m2']:.2f}",
        "factory_wan_m2": f"{wan_m2(figures['revitalized_building_area_m2']):.2f}",
        "idle_factory_m2": f"{figures['idle_building_area_m2']:.2f}",
        "revitalized_total_mu": mu_text(figures["revitalized_total_area_mu"]),
        "share": f"{100 * figures['revitalized_share']:.1f}%",
        "overdue": int(figures["overdue_cases"]),
    }


def work_report(
    session: Session,
    settings: Settings,
    date_from: dt.date,
    date_to: dt.date,
    lang: str = DEFAULT_LANGUAGE,
) -> WorkReport:
    """The work report of ``date_from`` to ``date_to`` (both included) for the county of
    ``settings``, in ``lang``."""
    check_period(date_from, date_to)
    figures = headline_figures(session, date_from=date_from, date_to=date_to)
    words = _words(figures, settings.county_name, date_from, date_to, lang)
    by_route = _revitalized_table(
        figures["revitalized_by_route"], ROUTE_HEADERS, lambda k: _label(k, lang, "route"), lang
    )
    by_month = _revitalized_table(
        figures["revitalized_by_month"], MONTH_HEADERS, lambda k: month_label(k, lang), lang
    )
    return WorkReport(
        lang=lang,
        date_from=date_from,
        date_to=date_to,
        title=report_title(settings.county_name).render(lang),
        words=words,
        paragraph=report_paragraph(**words).render(lang),
        standing=standing_paragraph(**words).render(lang),
        by_route=_with_total(by_route, figures, lang),
        by_zone=_zone_table(figures, lang),
        by_month=_with_total(by_month, figures, lang),
        figures=figures,
        annex=work_annex(session, settings, date_to, lang, cases=int(figures["cases"])),
    )
