"""The workflow table: allowed transitions, evidence, reasons, roles."""

import itertools

import pytest

from landgis import schema
from landgis.errors import ForbiddenTransition, MissingEvidence, PermissionDenied
from landgis.vocab import CASE_STATUSES
from landgis.workflow import MAIN_LINE, TRANSITIONS, Workflow, has_value, role_allows

WORKFLOW = Workflow()
EVIDENCE = {
    "identified": {"determination_no": "青自然资闲认〔2023〕1号", "identified_on": "2023-02-01"},
    "planned": {"route": "buyback", "plan_no": "青府函〔2023〕2号"},
    "revitalized": {"revitalized_area_m2": 100.0, "revitalized_on": "2023-05-01"},
    "closed": {"closed_on": "2023-06-01"},
}


def test_every_entry_names_known_statuses_and_its_rule():
    for t in TRANSITIONS:
        assert t.source in CASE_STATUSES and t.target in CASE_STATUSES
        assert t.rule and t.rule.render("en") != t.rule.render("zh")
        assert role_allows("admin", t.role)


def test_the_main_line_moves_forward_one_step_at_a_time_with_its_evidence():
    for source, target in itertools.pairwise(MAIN_LINE):
        transition = WORKFLOW.check(source, target, EVIDENCE.get(target, {}), role="editor")
        assert transition.kind == "forward"


@pytest.mark.parametrize(
    ("source", "target"),
    [
        ("suspected", "planned"),
        ("identified", "closed"),
        ("disposing", "suspected"),
        ("closed", "dismissed"),
    ],
)
def test_skipping_or_jumping_is_a_forbidden_transition(source, target):
    with pytest.raises(ForbiddenTransition) as raised:
        WORKFLOW.check(source, target, EVIDENCE.get(target, {}), role="admin", reason="x")
    assert "allowed" in raised.value.message_en


@pytest.mark.parametrize(
    ("target", "field"),
    [
        ("identified", "determination_no"),
        ("planned", "plan_no"),
        ("revitalized", "revitalized_area_m2"),
        ("closed", "closed_on"),
    ],
)
def test_missing_evidence_is_its_own_error_naming_the_field(target, field):
    source = MAIN_LINE[MAIN_LINE.index(target) - 1]
    evidence = {k: v for k, v in EVIDENCE[target].items() if k != field}
    with pytest.raises(MissingEvidence) as raised:
        WORKFLOW.check(source, target, evidence, role="editor")
    assert [p["field"] for p in raised.value.problems] == [field]
    label = schema.CASE[field]
    assert label.zh in raised.value.message
    assert label.en in raised.value.message_en
    assert field not in raised.value.message_en


def test_english_messages_name_statuses_fields_and_roles_not_codes():
    with pytest.raises(MissingEvidence) as missing:
        WORKFLOW.check("identified", "planned", {}, role="editor")
    assert missing.value.message == "改为“方案已批复”需要填写:处置方式、方案批复文号。"
    english = missing.value.message_en
    assert english == "Moving to Plan approved needs: Disposal route, Plan approval number."
    assert "plan_no" not in english
    assert missing.value.problems[0] | {"problem_en": "missing"} == missing.value.problems[0]
    with pytest.raises(ForbiddenTransition) as forbidden:
        WORKFLOW.check("suspected", "closed", {}, role="admin")
    assert "closed" not in forbidden.value.message_en
    assert "suspected" not in forbidden.value.message_en
    with pytest.raises(PermissionDenied) as denied:
        WORKFLOW.check("closed", "revitalized", {}, role="editor", reason="x")
    assert "admin " not in denied.value.message_en
    assert "管理员" in denied.value.message


def test_a_zero_revitalized_area_is_not_evidence():
    with pytest.raises(MissingEvidence):
        WORKFLOW.check(
            "disposing",
            "revitalized",
            {"revitalized_area_m2": 0.0, "revitalized_on": "2023-05-01"},
            role="editor",
        )


def test_a_step_back_and_a_dismissal_need_a_reason():
    with pytest.raises(MissingEvidence, match="Reason"):
        WORKFLOW.check("planned", "identified", {}, role="editor")
    assert (
        WORKFLOW.check("planned", "identified", {}, role="editor", reason="方案调整").kind == "back"
    )
    with pytest.raises(MissingEvidence, match="Reason"):
        WORKFLOW.check("investigating", "dismissed", {}, role="editor", reason="  ")
    assert (
        WORKFLOW.check("investigating", "dismissed", {}, role="editor", reason="已动工").kind
        == "dismiss"
    )


def test_only_an_administrator_reopens_a_closed_case():
    with pytest.raises(PermissionDenied):
        WORKFLOW.check("closed", "revitalized", {}, role="editor", reason="复核")
    assert WORKFLOW.check("closed", "revitalized", {}, role="admin", reason="复核").kind == "reopen"
    assert [t.target for t in WORKFLOW.allowed("closed", "editor")] == []
    assert [t.target for t in WORKFLOW.allowed("closed", "admin")] == ["revitalized"]


def test_viewers_may_take_no_transition():
    for status in CASE_STATUSES:
        assert WORKFLOW.allowed(status, "viewer") == []


def test_a_county_can_change_the_evidence_gates():
    relaxed = Workflow(evidence={"identified": ["determination_no"]})
    relaxed.check("investigating", "identified", {"determination_no": "X"}, role="editor")
    stricter = Workflow(evidence={"investigating": ["responsible_unit"]})
    with pytest.raises(MissingEvidence):
        stricter.check("suspected", "investigating", {}, role="editor")
    with pytest.raises(ValueError, match="unknown statuses"):
        Workflow(evidence={"finished": ["closed_on"]})


def test_has_value():
    assert not has_value("plan_no", None)
    assert not has_value("plan_no", " ")
    assert has_value("plan_no", "A")
    assert not has_value("revitalized_area_m2", 0)
    assert has_value("revitalized_area_m2", 0.5)
