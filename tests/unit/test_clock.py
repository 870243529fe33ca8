"""The statutory clock: every expectation below is computed by hand from the rules."""

from dataclasses import FrozenInstanceError, replace
from datetime import date, timedelta

import pytest

from landgis.clock import CITATIONS, ClockFacts, ClockRules, ClockWarning, clock_warnings
from landgis.errors import InvalidInput

DAY = timedelta(days=1)
QUIET = ClockRules(warn_days_ahead=0)  # no "approaching" warnings: only the rules themselves
IDLE_CODES = {
    "suspected_idle",
    "suspected_idle_approaching",
    "idle_fee_due",
    "idle_fee_approaching",
    "recovery_due",
    "recovery_approaching",
}
ART14_CODES = {"idle_fee_due", "idle_fee_approaching", "recovery_due", "recovery_approaching"}


def parcel(**changes) -> ClockFacts:
    """A parcel not in the ledger, agreed to start on 1 March 2020, not started."""
    facts = ClockFacts(
        parcel_code="QX-001",
        holder="青溪精密机械有限公司",
        agreed_start_date=date(2020, 3, 1),
        actual_start_date=None,
        land_price_yuan=1_000_000.0,
    )
    return replace(facts, **changes)


def case(**changes) -> ClockFacts:
    """The same parcel in the ledger: an identified, enterprise-cause case."""
    return replace(
        parcel(case_no="XZ-2021-007", status="identified", cause="enterprise"), **changes
    )


def codes(facts, as_of: date, rules: ClockRules = QUIET) -> list[str]:
    return [w.code for w in clock_warnings(facts, as_of, rules)]


def only(facts, as_of: date, code: str, rules: ClockRules = QUIET) -> ClockWarning:
    found = [w for w in clock_warnings(facts, as_of, rules) if w.code == code]
    assert len(found) == 1, found
    return found[0]


# --- Art. 2: suspected idle land -------------------------------------------------------


@pytest.mark.parametrize(
    ("agreed", "due"),
    [
        (date(2020, 3, 1), date(2021, 3, 1)),
        (date(2019, 12, 31), date(2020, 12, 31)),
        (date(2020, 2, 29), date(2021, 2, 28)),  # no 29 February in 2021
        (date(2019, 2, 28), date(2020, 2, 28)),  # not moved to the 29th of a leap year
    ],
)
def test_suspected_idle_fires_one_year_after_the_agreed_start_and_not_the_day_before(agreed, due):
    facts = [parcel(agreed_start_date=agreed)]
    assert codes(facts, due - DAY) == []
    warning = only(facts, due, "suspected_idle")
    assert warning.severity == "warning"
    assert warning.due_on == due
    assert codes(facts, due) == ["suspected_idle"]


def test_suspected_idle_message_names_the_parcel_and_the_dates():
    warning = only([parcel()], date(2021, 3, 11), "suspected_idle")
    assert warning.case_no is None
    assert warning.parcel_code == "QX-001"
    for text in (warning.message.render("zh"), warning.message.render("en")):
        assert "QX-001" in text
        assert "青溪精密机械有限公司" in text
        assert "2020-03-01" in text
        assert "2021-03-01" in text
        assert "2021-03-11" in text
    assert "10 天" in warning.message.render("zh")
    assert "10 days ago" in warning.message.render("en")
    assert warning.rule.render("zh") == "未按约定动工满一年,涉嫌闲置"
    assert warning.article.render("zh") == "《闲置土地处置办法》(2012) 第二条"
    assert warning.article.render("en") == "Measures on the Disposal of Idle Land (2012), Art. 2"


@pytest.mark.parametrize(
    "status",
    ["suspected", "investigating", "identified", "planned", "disposing", "dismissed", "closed"],
)
def test_parcels_in_the_ledger_are_not_flagged_as_suspected_idle(status):
    facts = [case(status=status, cause="government")]
    assert "suspected_idle" not in codes(facts, date(2025, 1, 1))


def test_a_case_number_without_a_status_counts_as_not_in_the_ledger():
    facts = [parcel(case_no="XZ-2021-007")]
    assert codes(facts, date(2021, 3, 1)) == ["suspected_idle"]
    assert only(facts, date(2021, 3, 1), "suspected_idle").case_no == "XZ-2021-007"


def test_a_parcel_without_an_agreed_start_date_raises_nothing():
    assert clock_warnings([parcel(agreed_start_date=None)], date(2030, 1, 1)) == []


@pytest.mark.parametrize("started", [date(2020, 3, 1), date(2021, 2, 1), date(2024, 6, 30)])
def test_started_parcels_raise_no_idle_warnings(started):
    as_of = date(2024, 6, 30)
    for facts in (parcel(actual_start_date=started), case(actual_start_date=started)):
        assert not IDLE_CODES & set(codes([facts], as_of, ClockRules()))


def test_a_start_after_the_date_asked_about_counts_as_not_started():
    facts = [parcel(actual_start_date=date(2021, 6, 1))]
    assert codes(facts, date(2021, 5, 31)) == ["suspected_idle"]
    assert codes(facts, date(2021, 6, 1)) == []


def test_idle_after_years_is_configurable():
    rules = ClockRules(idle_after_years=2, warn_days_ahead=0)
    facts = [parcel()]
    assert codes(facts, date(2022, 2, 28), rules) == []
    warning = only(facts, date(2022, 3, 1), "suspected_idle", rules)
    assert warning.due_on == date(2022, 3, 1)
    assert warning.rule.render("zh") == "未按约定动工满两年,涉嫌闲置"
    assert "2 years" in warning.rule.render("en")


# --- Art. 5: investigation within 30 days ----------------------------------------------


def suspected(**changes) -> ClockFacts:
    return case(**{"status": "suspected", "cause": None, "opened_on": date(2022, 3, 1), **changes})


def test_investigation_is_overdue_from_the_31st_day():
    facts = [suspected(agreed_start_date=None)]
    assert codes(facts, date(2022, 3, 31)) == []  # 1 March + 30 days: still in time
    warning = only(facts, date(2022, 4, 1), "investigation_overdue")
    assert warning.severity == "overdue"
    assert warning.due_on == date(2022, 3, 31)
    assert "逾期 1 天" in warning.message.render("zh")
    assert "1 day late" in warning.message.render("en")
    assert "2022-03-01" in warning.message.render("zh")
    assert warning.article.render("en").endswith("Art. 5")
    later = only(facts, date(2022, 4, 10), "investigation_overdue")
    assert "10 days late" in later.message.render("en")


@pytest.mark.parametrize("status", ["investigating", "identified", "dismissed"])
def test_investigation_clock_stops_once_the_status_moves_on(status):
    facts = [suspected(agreed_start_date=None, status=status, investigating_on=date(2022, 3, 20))]
    assert "investigation_overdue" not in codes(facts, date(2022, 6, 1))


def test_investigation_days_are_configurable():
    rules = ClockRules(investigation_days=15, warn_days_ahead=0)
    facts = [suspected(agreed_start_date=None)]
    assert codes(facts, date(2022, 3, 16), rules) == []
    assert codes(facts, date(2022, 3, 17), rules) == ["investigation_overdue"]


def test_investigation_approaching_includes_the_last_day():
    facts = [suspected(agreed_start_date=None)]
    rules = ClockRules(warn_days_ahead=10)
    assert codes(facts, date(2022, 3, 20), rules) == []
    assert codes(facts, date(2022, 3, 21), rules) == ["investigation_approaching"]
    last = only(facts, date(2022, 3, 31), "investigation_approaching", rules)
    assert last.severity == "info"
    assert "今日为最后期限" in last.message.render("zh")
    assert codes(facts, date(2022, 4, 1), rules) == ["investigation_overdue"]


# --- Art. 14(1): idle fee ------------------------------------------------------------


def test_idle_fee_is_due_one_year_after_the_agreed_start_at_twenty_percent_of_the_price():
    facts = [case()]
    assert codes(facts, date(2021, 2, 28)) == []
    warning = only(facts, date(2021, 3, 1), "idle_fee_due")
    assert warning.severity == "warning"
    assert warning.due_on == date(2021, 3, 1)
    assert warning.amount_yuan == pytest.approx(200_000.0)
    assert warning.case_no == "XZ-2021-007"
    assert "200,000.00 元" in warning.message.render("zh")
    assert "200,000.00 yuan" in warning.message.render("en")
    assert "XZ-2021-007" in warning.message.render("zh")
    assert warning.article.render("zh") == "《闲置土地处置办法》(2012) 第十四条第(一)项"
    assert (
        warning.article.render("en") == "Measures on the Disposal of Idle Land (2012), Art. 14(1)"
    )
    assert "20%" in warning.rule.render("zh")
    assert "20 %" in warning.rule.render("en")


@pytest.mark.parametrize(
    ("share", "price", "amount"),
    [(0.20, 1_000_000.0, 200_000.0), (0.1, 1_000_000.0, 100_000.0), (0.2, 3_456_789.0, 691_357.8)],
)
def test_idle_fee_amount_is_the_configured_share_of_the_price(share, price, amount):
    rules = ClockRules(idle_fee_share=share, warn_days_ahead=0)
    warning = only([case(land_price_yuan=price)], date(2021, 3, 1), "idle_fee_due", rules)
    assert warning.amount_yuan == pytest.approx(amount)
    assert f"{share * 100:g}%" in warning.rule.render("zh")


def test_idle_fee_without_a_price_has_no_amount_and_says_so():
    warning = only([case(land_price_yuan=None)], date(2021, 3, 1), "idle_fee_due")
    assert warning.amount_yuan is None
    assert "未登记" in warning.message.render("zh")
    assert "not recorded" in warning.message.render("en")


def test_an_undetermined_cause_is_not_exempt_but_the_message_says_it_is_undetermined():
    warning = only([case(cause=None)], date(2021, 3, 1), "idle_fee_due")
    assert "尚未确定" in warning.message.render("zh")
    assert "not yet determined" in warning.message.render("en")


@pytest.mark.parametrize("cause", ["enterprise", "judicial_seizure", "business_failure", None])
def test_non_exempt_causes_get_the_art14_warnings(cause):
    assert codes([case(cause=cause)], date(2022, 3, 1)) == ["recovery_due", "idle_fee_due"]


def test_idle_fee_years_are_configurable():
    rules = ClockRules(idle_fee_after_years=2, recovery_after_years=3, warn_days_ahead=0)
    facts = [case()]
    assert codes(facts, date(2022, 2, 28), rules) == []
    assert codes(facts, date(2022, 3, 1), rules) == ["idle_fee_due"]
    assert codes(facts, date(2023, 3, 1), rules) == ["recovery_due", "idle_fee_due"]
    assert (
        only(facts, date(2023, 3, 1), "recovery_due", rules)
        .rule.render("zh")
        .startswith("未动工开发满三年")
    )


# --- Art. 14(2): recovery without compensation -----------------------------------------


def test_recovery_is_due_two_years_after_the_agreed_start_and_not_the_day_before():
    facts = [case()]
    assert codes(facts, date(2022, 2, 28)) == ["idle_fee_due"]
    warning = only(facts, date(2022, 3, 1), "recovery_due")
    assert warning.severity == "overdue"
    assert warning.due_on == date(2022, 3, 1)
    assert warning.amount_yuan is None
    assert (
        warning.article.render("en") == "Measures on the Disposal of Idle Land (2012), Art. 14(2)"
    )
    assert warning.rule.render("zh") == "未动工开发满两年,无偿收回国有建设用地使用权"


def test_twenty_ninth_of_february_start_dates_for_art14():
    facts = [case(agreed_start_date=date(2020, 2, 29))]
    assert codes(facts, date(2021, 2, 27)) == []
    assert only(facts, date(2021, 2, 28), "idle_fee_due").due_on == date(2021, 2, 28)
    assert codes(facts, date(2022, 2, 27)) == ["idle_fee_due"]
    assert only(facts, date(2022, 2, 28), "recovery_due").due_on == date(2022, 2, 28)
    rules = ClockRules(recovery_after_years=4, warn_days_ahead=0)
    assert "recovery_due" not in codes(facts, date(2024, 2, 28), rules)
    assert only(facts, date(2024, 2, 29), "recovery_due", rules).due_on == date(2024, 2, 29)


# --- Art. 8: exempt causes -----------------------------------------------------------


@pytest.mark.parametrize("cause", ["government", "force_majeure"])
def test_exempt_causes_get_no_art14_warnings_but_still_the_case_deadline(cause):
    facts = [case(cause=cause, deadline=date(2023, 6, 30))]
    found = codes(facts, date(2025, 1, 1), ClockRules())
    assert not ART14_CODES & set(found)
    assert found == ["case_overdue"]


def test_exempt_causes_are_configurable():
    rules = ClockRules(exempt_causes=("government",), warn_days_ahead=0)
    assert codes([case(cause="force_majeure")], date(2022, 3, 1), rules) == [
        "recovery_due",
        "idle_fee_due",
    ]
    assert codes([case(cause="government")], date(2022, 3, 1), rules) == []


@pytest.mark.parametrize("status", ["revitalized", "closed", "dismissed"])
def test_finished_cases_raise_nothing(status):
    facts = [
        case(
            status=status,
            route="extension",
            planned_on=date(2021, 1, 1),
            deadline=date(2023, 1, 1),
        )
    ]
    assert clock_warnings(facts, date(2025, 1, 1), ClockRules()) == []


@pytest.mark.parametrize("status", ["suspected", "investigating", "planned", "disposing"])
def test_art14_applies_to_every_open_status(status):
    facts = [case(status=status, opened_on=date(2022, 3, 1))]
    found = codes(facts, date(2022, 3, 1))
    assert "recovery_due" in found
    assert "idle_fee_due" in found


# --- Art. 12: extension and temporary use ----------------------------------------------


@pytest.mark.parametrize(
    ("route", "code", "planned", "limit"),
    [
        ("extension", "extension_too_long", date(2022, 1, 1), date(2023, 1, 1)),
        ("extension", "extension_too_long", date(2020, 2, 29), date(2021, 2, 28)),
        ("temporary_use", "temporary_use_too_long", date(2022, 1, 1), date(2024, 1, 1)),
        ("temporary_use", "temporary_use_too_long", date(2020, 2, 29), date(2022, 2, 28)),
    ],
)
def test_route_period_limit_fires_one_day_past_the_limit(route, code, planned, limit):
    as_of = planned + DAY

    def facts(deadline):
        return [case(route=route, planned_on=planned, deadline=deadline, cause="government")]

    assert codes(facts(limit), as_of) == []
    warning = only(facts(limit + DAY), as_of, code)
    assert warning.severity == "warning"
    assert warning.due_on == limit
    assert "1 天" in warning.message.render("zh")
    assert "by 1 day" in warning.message.render("en")
    missing = only(facts(None), as_of, code)
    assert missing.due_on == limit
    assert "未设完成时限" in missing.message.render("zh")
    assert "no completion deadline" in missing.message.render("en")


def test_route_limits_cite_their_articles():
    as_of = date(2022, 1, 2)
    extension = only(
        [case(route="extension", planned_on=date(2022, 1, 1))], as_of, "extension_too_long"
    )
    assert extension.article.render("zh") == "《闲置土地处置办法》(2012) 第十二条第(一)项"
    assert extension.article.render("en").endswith("Art. 12(1)")
    temporary = only(
        [case(route="temporary_use", planned_on=date(2022, 1, 1))], as_of, "temporary_use_too_long"
    )
    assert temporary.article.render("zh") == "《闲置土地处置办法》(2012) 第十二条第(四)项"
    assert temporary.article.render("en").endswith("Art. 12(4)")


def test_route_limits_are_configurable():
    planned, deadline = date(2022, 1, 1), date(2023, 6, 30)
    as_of = date(2022, 1, 2)
    facts = [case(route="extension", planned_on=planned, deadline=deadline, cause="government")]
    assert codes(facts, as_of) == ["extension_too_long"]
    assert codes(facts, as_of, ClockRules(extension_max_years=2, warn_days_ahead=0)) == []
    facts = [
        case(
            route="temporary_use", planned_on=planned, deadline=date(2025, 1, 1), cause="government"
        )
    ]
    assert codes(facts, as_of) == ["temporary_use_too_long"]
    assert codes(facts, as_of, ClockRules(temporary_use_max_years=3, warn_days_ahead=0)) == []


@pytest.mark.parametrize("route", ["buyback", "idle_fee", "free_recovery", None])
def test_other_routes_have_no_period_limit(route):
    facts = [case(route=route, planned_on=date(2022, 1, 1), cause="government")]
    assert codes(facts, date(2022, 1, 2)) == []


def test_route_limit_needs_the_plan_date():
    facts = [case(route="extension", planned_on=None, cause="government")]
    assert codes(facts, date(2022, 1, 2)) == []


# --- the campaign's own deadline -------------------------------------------------------


def test_case_overdue_from_the_day_after_the_deadline():
    facts = [case(agreed_start_date=None, deadline=date(2022, 6, 30), status="disposing")]
    assert codes(facts, date(2022, 6, 30)) == []
    warning = only(facts, date(2022, 7, 1), "case_overdue")
    assert warning.severity == "overdue"
    assert warning.due_on == date(2022, 6, 30)
    assert warning.article.render("zh") == "地方清闲促建工作方案"
    assert warning.article.render("en") == "local campaign plan"
    assert "逾期 1 天" in warning.message.render("zh")
    assert "1 day late" in warning.message.render("en")
    assert "处置中" in warning.message.render("zh")
    assert "XZ-2021-007" in warning.message.render("zh")
    later = only(facts, date(2022, 7, 11), "case_overdue")
    assert "逾期 11 天" in later.message.render("zh")
    assert "11 days late" in later.message.render("en")


def test_case_deadline_approaching_window():
    facts = [case(agreed_start_date=None, deadline=date(2022, 6, 30))]
    assert codes(facts, date(2022, 5, 30), ClockRules()) == []  # 31 days ahead
    assert codes(facts, date(2022, 5, 31), ClockRules()) == ["case_deadline_approaching"]
    today = only(facts, date(2022, 6, 30), "case_deadline_approaching", ClockRules())
    assert today.severity == "info"
    assert "今日到期" in today.message.render("zh")
    assert "due today" in today.message.render("en")
    assert codes(facts, date(2022, 7, 1), ClockRules()) == ["case_overdue"]


def test_cases_without_a_deadline_are_never_overdue():
    facts = [case(agreed_start_date=None, deadline=None)]
    assert clock_warnings(facts, date(2040, 1, 1), ClockRules()) == []


# --- "approaching" warnings ------------------------------------------------------------


def test_approaching_warnings_start_warn_days_ahead_before_the_point():
    rules = ClockRules()  # 30 days
    assert codes([parcel()], date(2021, 1, 29), rules) == []  # 31 days before 1 March 2021
    warning = only([parcel()], date(2021, 1, 30), "suspected_idle_approaching", rules)
    assert warning.severity == "info"
    assert warning.due_on == date(2021, 3, 1)
    assert "30 天" in warning.message.render("zh")
    assert "30 days left" in warning.message.render("en")
    assert codes([parcel()], date(2021, 3, 1), rules) == ["suspected_idle"]


def test_art14_approaching_warnings_carry_the_amount():
    rules = ClockRules()
    facts = [case()]
    assert codes(facts, date(2021, 2, 1), rules) == ["idle_fee_approaching"]
    assert only(facts, date(2021, 2, 1), "idle_fee_approaching", rules).amount_yuan == 200_000
    assert codes(facts, date(2022, 2, 1), rules) == ["idle_fee_due", "recovery_approaching"]


def test_warn_days_ahead_is_configurable():
    # 19 February 2021 is 10 days before 1 March 2021 (February 2021 has 28 days)
    assert codes([parcel()], date(2021, 2, 19), ClockRules(warn_days_ahead=9)) == []
    assert codes([parcel()], date(2021, 2, 19), ClockRules(warn_days_ahead=10)) == [
        "suspected_idle_approaching"
    ]


# --- output as a whole -----------------------------------------------------------------


def every_rule() -> list[ClockFacts]:
    """Facts that, on 1 July 2022 with the default rules, raise every warning code."""
    return [
        parcel(parcel_code="A", agreed_start_date=date(2021, 3, 1)),  # suspected_idle
        parcel(parcel_code="B", agreed_start_date=date(2021, 7, 20)),  # approaching
        case(parcel_code="C", status="suspected", opened_on=date(2022, 5, 1)),  # overdue
        case(parcel_code="D", status="suspected", opened_on=date(2022, 6, 20), cause=None),
        case(parcel_code="E", agreed_start_date=date(2020, 7, 1), land_price_yuan=None),
        case(parcel_code="F", agreed_start_date=date(2021, 7, 15)),  # fee approaching
        case(parcel_code="G", agreed_start_date=date(2020, 7, 10)),  # recovery approaching
        case(
            parcel_code="H",
            cause="government",
            route="extension",
            planned_on=date(2022, 1, 1),
            deadline=date(2023, 12, 31),
        ),
        case(
            parcel_code="I",
            cause="government",
            route="temporary_use",
            planned_on=date(2022, 1, 1),
            deadline=None,
        ),
        case(parcel_code="J", cause="force_majeure", deadline=date(2022, 6, 1)),
        case(parcel_code="K", cause="force_majeure", deadline=date(2022, 7, 15)),
    ]


def test_the_sample_raises_every_code_and_every_warning_is_cited_in_both_languages():
    warnings = clock_warnings(every_rule(), date(2022, 7, 1))
    assert {w.code for w in warnings} == set(CITATIONS)
    for w in warnings:
        assert w.severity in {"overdue", "warning", "info"}
        for text in (
            w.rule.render("zh"),
            w.rule.render("en"),
            w.article.render("zh"),
            w.article.render("en"),
            w.message.render("zh"),
            w.message.render("en"),
        ):
            assert text.strip()
            assert "{" not in text
        assert w.parcel_code in w.message.render("zh")
        assert w.parcel_code in w.message.render("en")
        assert w.due_on is not None


def test_warnings_are_sorted_by_severity_then_due_date_then_parcel():
    warnings = clock_warnings(every_rule(), date(2022, 7, 1))
    assert [(w.severity, w.due_on, w.parcel_code, w.code) for w in warnings] == [
        ("overdue", date(2022, 3, 1), "C", "recovery_due"),  # agreed 2020-03-01 + 2 years
        ("overdue", date(2022, 3, 1), "D", "recovery_due"),
        ("overdue", date(2022, 5, 31), "C", "investigation_overdue"),  # 1 May + 30 days
        ("overdue", date(2022, 6, 1), "J", "case_overdue"),
        ("overdue", date(2022, 7, 1), "E", "recovery_due"),  # exactly two years today
        ("warning", date(2021, 3, 1), "C", "idle_fee_due"),
        ("warning", date(2021, 3, 1), "D", "idle_fee_due"),
        ("warning", date(2021, 7, 1), "E", "idle_fee_due"),
        ("warning", date(2021, 7, 10), "G", "idle_fee_due"),
        ("warning", date(2022, 3, 1), "A", "suspected_idle"),
        ("warning", date(2023, 1, 1), "H", "extension_too_long"),  # plan 2022-01-01 + 1 year
        ("warning", date(2024, 1, 1), "I", "temporary_use_too_long"),  # plan + 2 years
        ("info", date(2022, 7, 10), "G", "recovery_approaching"),
        ("info", date(2022, 7, 15), "F", "idle_fee_approaching"),
        ("info", date(2022, 7, 15), "K", "case_deadline_approaching"),
        ("info", date(2022, 7, 20), "B", "suspected_idle_approaching"),
        ("info", date(2022, 7, 20), "D", "investigation_approaching"),  # 20 June + 30 days
    ]


def test_same_due_date_is_ordered_by_parcel_code():
    facts = [parcel(parcel_code=code) for code in ("Z-9", "A-1", "M-5")]
    assert [w.parcel_code for w in clock_warnings(facts, date(2021, 3, 1), QUIET)] == [
        "A-1",
        "M-5",
        "Z-9",
    ]


def test_input_may_be_any_iterable_and_empty_input_gives_nothing():
    assert clock_warnings([], date(2022, 1, 1)) == []
    assert codes((f for f in [parcel()]), date(2021, 3, 1)) == ["suspected_idle"]


def test_rules_and_facts_are_immutable():
    with pytest.raises(FrozenInstanceError):
        ClockRules().idle_fee_share = 0.5  # type: ignore[misc]
    with pytest.raises(FrozenInstanceError):
        parcel().status = "closed"  # type: ignore[misc]


def test_defaults_follow_the_2012_measures():
    rules = ClockRules()
    assert rules.idle_after_years == 1
    assert rules.investigation_days == 30
    assert rules.idle_fee_after_years == 1
    assert rules.idle_fee_share == 0.20
    assert rules.recovery_after_years == 2
    assert rules.extension_max_years == 1
    assert rules.temporary_use_max_years == 2
    assert rules.exempt_causes == ("government", "force_majeure")


@pytest.mark.parametrize(
    "changes",
    [{"idle_after_years": -1}, {"warn_days_ahead": -5}, {"idle_fee_share": 1.5}],
)
def test_impossible_rules_are_refused_in_both_languages(changes):
    with pytest.raises(InvalidInput) as caught:
        ClockRules(**changes)
    assert caught.value.message != caught.value.message_en
