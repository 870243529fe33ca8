"""Headline figures for a period, the monthly report, and statutory warnings on the demo."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from landgis.alerts import ledger_warnings
from landgis.cases import Actor, record_revitalization
from landgis.cli import app as cli
from landgis.clock import ClockRules
from landgis.db.models import Case
from landgis.errors import InvalidInput
from landgis.ledger import LEDGER_COLUMNS, ledger_rows
from landgis.monthly import NO_PROGRESS, monthly_report
from landgis.stats import headline_figures
from landgis.workflow import Workflow

JAN_1, AUG_31 = dt.date(2023, 1, 1), dt.date(2023, 8, 31)
WORKFLOW = Workflow()


def test_january_to_august_reproduces_the_report(session):
    figures = headline_figures(session, date_from=JAN_1, date_to=AUG_31)

    assert figures["cases"] == 13
    assert figures["ledger_area_mu"] == pytest.approx(539, abs=0.5)
    assert figures["revitalized_area_mu"] == pytest.approx(120, abs=0.5)
    assert figures["overdue_cases"] == 1
    for breakdown in ("revitalized_by_route", "revitalized_by_zone", "revitalized_by_month"):
        groups = figures[breakdown].values()
        assert sum(g["area_mu"] for g in groups) == pytest.approx(
            figures["revitalized_area_mu"], abs=0.01 * len(groups)
        ), breakdown
        assert sum(g["building_area_m2"] for g in groups) == pytest.approx(
            figures["revitalized_building_area_m2"], abs=0.01 * len(groups)
        ), breakdown
    for breakdown in ("by_category", "by_cause", "by_zone", "by_status"):
        groups = figures[breakdown].values()
        assert sum(g["cases"] for g in groups) == 13
        assert sum(g["area_mu"] for g in groups) == pytest.approx(539, abs=0.5)
    assert set(figures["revitalized_by_route"]) == {
        "buyback",
        "judicial_auction",
        "lease_conversion",
    }
    assert min(figures["revitalized_by_month"]) >= "2023-01"
    assert max(figures["revitalized_by_month"]) <= "2023-08"


def test_a_period_counts_only_what_was_revitalized_in_it(session):
    spring = headline_figures(session, date_from=JAN_1, date_to=dt.date(2023, 4, 30))
    summer = headline_figures(session, date_from=dt.date(2023, 5, 1), date_to=AUG_31)
    whole = headline_figures(session, date_from=JAN_1, date_to=AUG_31)
    assert spring["revitalized_area_mu"] + summer["revitalized_area_mu"] == pytest.approx(
        whole["revitalized_area_mu"], abs=0.01
    )
    assert spring["revitalized_area_mu"] > 0 and summer["revitalized_area_mu"] > 0
    assert headline_figures(session, date_to=dt.date(2022, 12, 31))["cases"] == 0


def test_a_period_ending_before_it_starts_is_refused(session):
    with pytest.raises(InvalidInput, match="starts"):
        headline_figures(session, date_from=AUG_31, date_to=JAN_1)


def test_cli_stats_for_the_period(demo_engine):
    url = demo_engine.url.render_as_string(hide_password=False)
    result = CliRunner().invoke(
        cli,
        ["stats", "--from", "2023-01-01", "--to", "2023-08-31", "--json", "--database-url", url],
    )
    assert result.exit_code == 0, result.output
    figures = json.loads(result.output)
    assert (figures["cases"], figures["period"]) == (13, {"from": "2023-01-01", "to": "2023-08-31"})
    assert figures["revitalized_area_mu"] == pytest.approx(120, abs=0.5)


def test_ledger_rows_have_the_exported_columns_in_order(session):
    rows = ledger_rows(session, AUG_31)
    assert list(rows["seq"]) == list(range(1, 14))
    for key, _header in LEDGER_COLUMNS:
        assert key in rows.columns, key
    assert rows["overdue"].sum() == 1
    assert rows["idle_area_mu"].sum() == pytest.approx(539, abs=0.5)
    assert list(rows["zone_code"]) == sorted(rows["zone_code"])  # grouped by zone


def test_the_ledger_on_31_march_is_the_ledger_of_31_march(session):
    march = ledger_rows(session, dt.date(2023, 3, 31)).set_index("case_no")
    august = ledger_rows(session, AUG_31).set_index("case_no")
    assert len(march) < len(august) or (march["status"] != august.loc[march.index, "status"]).any()
    assert march["revitalized_area_mu"].sum() < august["revitalized_area_mu"].sum()


def test_monthly_report_carries_every_case_forward(session):
    report = monthly_report(session, 2023, 8, WORKFLOW)
    assert len(report) == len(ledger_rows(session, AUG_31))
    assert (report["progress"] == NO_PROGRESS.render()).any()
    moved = report[report["progress"] != NO_PROGRESS.render()]
    assert all(text.startswith("8月") for text in moved["progress"])
    assert report["plan"].str.len().min() > 0
    english = monthly_report(session, 2023, 8, WORKFLOW, "en")
    assert list(english["case_no"]) == list(report["case_no"])
    assert (english["progress"] == "No new progress this month").any()
    assert all(
        text.startswith("08-")
        for text in english["progress"][report["progress"] != NO_PROGRESS.render()]
    )


def test_warnings_on_31_august_name_rules_and_articles(session):
    found = ledger_warnings(session, AUG_31)
    codes = {(w.code, w.case_no) for w in found}
    assert ("case_overdue", "QX-XZ-2023-007") in codes
    for warning in found:
        assert warning.rule and warning.article and warning.message
    fees = [w for w in found if w.code == "idle_fee_due"]
    assert fees and all(w.amount_yuan and w.amount_yuan > 0 for w in fees)


def test_government_and_force_majeure_cases_are_exempt_from_article_14(session):
    rows = ledger_rows(session, AUG_31).set_index("case_no")
    exempt = set(rows.index[rows["cause"].isin(["government", "force_majeure"])])
    assert exempt
    for warning in ledger_warnings(session, AUG_31):
        if warning.code in ("idle_fee_due", "recovery_due"):
            assert warning.case_no not in exempt


def test_thresholds_are_configurable(session):
    default = [w for w in ledger_warnings(session, AUG_31) if w.code == "idle_fee_due"]
    half = ledger_warnings(session, AUG_31, ClockRules(idle_fee_share=0.10))
    halved = {w.case_no: w.amount_yuan for w in half if w.code == "idle_fee_due"}
    for warning in default:
        assert halved[warning.case_no] == pytest.approx(warning.amount_yuan / 2)


def test_todays_figures_summed_in_the_database_equal_those_rebuilt_from_events(session):
    today = dt.date.today()
    summed = headline_figures(session)
    rebuilt = headline_figures(session, date_to=today)
    assert summed | {"period": None} == rebuilt | {"period": None}
    # And still after a change of status and a partial revitalization.
    disposing = session.scalars(select(Case).where(Case.status == "disposing")).first()
    assert disposing is not None
    record_revitalization(
        session,
        disposing.case_no,
        version=disposing.version,
        area_m2=1000.0,
        occurred_on=today,
        actor=Actor("科员"),
        workflow=WORKFLOW,
    )
    assert headline_figures(session) | {"period": None} == headline_figures(
        session, date_to=today
    ) | {"period": None}
