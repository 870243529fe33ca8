"""The ledger's use cases as commands, carried out by the ledger service, on both backends:
one event per change by the actor, the version check, the configured workflow, the
server's clock, and the confirmation of a case completed short of its idle area."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io

import pytest
from sqlalchemy import select

from landgis import cases, wallclock
from landgis.cases import Actor
from landgis.commands import (
    AttachDocument,
    ChangeStatus,
    CloseCase,
    CreateParcel,
    EditCase,
    OpenCase,
    RecordRevitalization,
    ReopenCase,
    RevitalizeAndComplete,
    UpdateParcel,
    completing,
    status_change,
)
from landgis.db.models import Case, Parcel
from landgis.errors import (
    InvalidInput,
    MissingEvidence,
    NeedsConfirmation,
    PermissionDenied,
    StaleVersion,
    TooLarge,
)
from landgis.ledger_service import LedgerService
from landgis.settings import Settings
from landgis.units import m2_to_mu

EDITOR = Actor("zhangwei", "editor")
ADMIN = Actor("admin", "admin")
VIEWER = Actor("guest", "viewer")
DAY = dt.date(2024, 3, 1)
SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[104.90, 30.20], [104.902, 30.20], [104.902, 30.202], [104.90, 30.202], [104.90, 30.20]]
    ],
}
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def settings(tmp_path) -> Settings:
    return Settings(attachments_dir=tmp_path / "attachments")


@pytest.fixture
def ledger(session, settings) -> LedgerService:
    return LedgerService(session, settings, EDITOR)


@pytest.fixture
def parcel(session) -> Parcel:
    """A parcel that is not in the ledger."""
    in_ledger = select(Case.parcel_id)
    return session.scalars(
        select(Parcel).where(Parcel.id.not_in(in_ledger)).order_by(Parcel.parcel_code).limit(1)
    ).one()


def _day(n: int) -> dt.date:
    return DAY + dt.timedelta(days=n)


def _to_disposing(ledger: LedgerService, parcel: Parcel) -> Case:
    case = ledger.handle(OpenCase(parcel_code=parcel.parcel_code, occurred_on=DAY))
    steps = (
        ("investigating", {}),
        ("identified", {"determination_no": "认〔2024〕1号", "identified_on": DAY}),
        ("planned", {"route": "buyback", "plan_no": "函〔2024〕2号"}),
        ("disposing", {}),
    )
    for n, (target, fields) in enumerate(steps, start=1):
        case = ledger.handle(
            ChangeStatus(
                case_no=case.case_no,
                target=target,
                version=case.version,
                occurred_on=_day(n),
                fields=fields,
            )
        )
    return case


def _actions(session, case_no: str) -> list[tuple[str, str]]:
    return [(e.action, e.actor) for e in cases.case_history(session, case_no)]


def test_every_case_command_writes_one_event_by_its_actor(session, settings, ledger, parcel):
    case = _to_disposing(ledger, parcel)
    no = case.case_no
    case = ledger.handle(
        EditCase(case_no=no, version=case.version, occurred_on=_day(5), fields={"remarks": "约谈"})
    )
    half = case.idle_area_m2 / 2
    case = ledger.handle(
        RecordRevitalization(case_no=no, version=case.version, occurred_on=_day(6), area_m2=half)
    )
    assert case.status == "disposing"
    case = ledger.handle(
        RevitalizeAndComplete(
            case_no=no, version=case.version, occurred_on=_day(7), area_m2=case.idle_area_m2 - half
        )
    )
    assert case.status == "revitalized"  # the whole idle area: nothing to confirm
    case = ledger.handle(
        CloseCase(case_no=no, version=case.version, occurred_on=_day(8), document_no="销〔1〕号")
    )
    assert (case.status, case.closed_on) == ("closed", _day(8))
    admin = LedgerService(session, settings, ADMIN)
    case = admin.handle(ReopenCase(case_no=no, version=case.version, reason="复核面积"))
    assert case.status == "revitalized"

    assert _actions(session, no) == [
        ("open", "zhangwei"),
        *[("status", "zhangwei")] * 4,
        ("edit", "zhangwei"),
        ("revitalize", "zhangwei"),
        ("revitalize", "zhangwei"),
        ("status", "zhangwei"),
        ("reopen", "admin"),
    ]
    assert case.version == len(_actions(session, no))


def test_a_stale_version_is_refused_and_no_version_means_the_case_as_it_is(ledger, parcel):
    case = ledger.handle(OpenCase(parcel_code=parcel.parcel_code, occurred_on=DAY))
    no = case.case_no
    ledger.handle(EditCase(case_no=no, version=1, occurred_on=DAY, fields={"remarks": "一"}))
    with pytest.raises(StaleVersion) as stale:
        ledger.handle(EditCase(case_no=no, version=1, occurred_on=DAY, fields={"remarks": "二"}))
    assert stale.value.current["remarks"] == "一"
    case = ledger.handle(EditCase(case_no=no, occurred_on=DAY, fields={"remarks": "三"}))
    assert (case.version, case.remarks) == (3, "三")


def test_completing_short_of_the_idle_area_needs_a_confirmation(session, settings, ledger, parcel):
    case = _to_disposing(ledger, parcel)
    no, version, idle = case.case_no, case.version, case.idle_area_m2
    short = RevitalizeAndComplete(
        case_no=no, version=version, occurred_on=_day(6), area_m2=idle * 0.6
    )
    with pytest.raises(NeedsConfirmation) as asked:
        ledger.handle(short)
    assert asked.value.remaining_m2 == pytest.approx(idle * 0.4)
    assert asked.value.remaining_mu == pytest.approx(m2_to_mu(idle * 0.4), abs=0.005)
    assert asked.value.problems[0]["field"] == "confirm_short"
    case = cases.get_case(session, no)
    assert (case.status, case.version, case.revitalized_area_m2) == ("disposing", version, 0.0)
    assert len(cases.case_history(session, no)) == version

    case = ledger.handle(dataclasses.replace(short, confirm_short=True))
    assert (case.status, case.revitalized_area_m2) == ("revitalized", pytest.approx(idle * 0.6))
    assert cases.case_history(session, no)[-1].status_after == "revitalized"

    # Closed, then reopened by an administrator: a reopening completes nothing.
    case = ledger.handle(CloseCase(case_no=no, version=case.version, occurred_on=_day(7)))
    admin = LedgerService(session, settings, ADMIN)
    case = admin.handle(ReopenCase(case_no=no, version=case.version, reason="复核"))
    assert case.status == "revitalized"


def test_a_status_change_to_revitalized_asks_too_but_after_the_other_refusals(ledger, parcel):
    case = _to_disposing(ledger, parcel)
    no = case.case_no
    complete = ChangeStatus(
        case_no=no,
        target="revitalized",
        version=case.version,
        occurred_on=_day(6),
        fields={"revitalized_on": _day(6)},
    )
    with pytest.raises(MissingEvidence):  # nothing revitalized yet: evidence first
        ledger.handle(complete)
    case = ledger.handle(
        RecordRevitalization(case_no=no, version=case.version, occurred_on=_day(6), area_m2=100.0)
    )
    with pytest.raises(StaleVersion):  # an old version: said before the confirmation
        ledger.handle(complete)
    complete = dataclasses.replace(complete, version=case.version)
    with pytest.raises(NeedsConfirmation):
        ledger.handle(complete)
    case = ledger.handle(dataclasses.replace(complete, confirm_short=True))
    assert case.status == "revitalized"


def test_the_configured_evidence_gates_apply_to_changes_and_to_the_case_shown(
    session, parcel, tmp_path
):
    relaxed = Settings(attachments_dir=tmp_path, evidence={"identified": ["determination_no"]})
    default = LedgerService(session, Settings(attachments_dir=tmp_path), EDITOR)
    configured = LedgerService(session, relaxed, EDITOR)
    case = configured.handle(OpenCase(parcel_code=parcel.parcel_code, occurred_on=DAY))
    case = configured.handle(
        ChangeStatus(case_no=case.case_no, target="investigating", version=1, occurred_on=DAY)
    )

    def gates(service: LedgerService) -> list[str]:
        detail = service.detail(case)
        return next(t["evidence"] for t in detail["allowed_transitions"] if t["kind"] == "forward")

    assert gates(default) == ["determination_no", "identified_on"]
    assert gates(configured) == ["determination_no"]
    identify = ChangeStatus(
        case_no=case.case_no,
        target="identified",
        version=2,
        occurred_on=DAY,
        fields={"determination_no": "认〔2024〕9号"},
    )
    with pytest.raises(MissingEvidence, match="Determined on"):
        default.handle(identify)
    assert configured.handle(identify).status == "identified"


def test_viewers_change_nothing_through_any_command(session, settings, parcel):
    viewer = LedgerService(session, settings, VIEWER)
    case_no = session.scalars(select(Case.case_no).order_by(Case.case_no).limit(1)).one()
    every_command = [
        OpenCase(parcel_code=parcel.parcel_code),
        ChangeStatus(case_no=case_no, target="closed"),
        EditCase(case_no=case_no, fields={"remarks": "x"}),
        RecordRevitalization(case_no=case_no, area_m2=1.0),
        RevitalizeAndComplete(case_no=case_no, area_m2=1.0, confirm_short=True),
        CloseCase(case_no=case_no),
        ReopenCase(case_no=case_no, reason="x"),
        AttachDocument(case_no=case_no, stream=io.BytesIO(PDF), filename="a.pdf"),
        CreateParcel(parcel_code="VIEW-1", properties={}, geometry=SQUARE),
        UpdateParcel(parcel_code=parcel.parcel_code, properties={"holder": "x"}),
    ]
    for command in every_command:
        with pytest.raises(PermissionDenied):
            viewer.handle(command)
    assert not settings.attachments_dir.exists()


def test_the_day_of_a_change_is_today_by_the_server_clock(ledger, parcel):
    with wallclock.frozen_at(dt.datetime(2030, 6, 1, 12, tzinfo=dt.UTC)):
        assert ledger.today() == dt.date(2030, 6, 1)
        case = ledger.handle(OpenCase(parcel_code=parcel.parcel_code))
        assert cases.case_history(ledger.session, case.case_no)[0].occurred_on == dt.date(
            2030, 6, 1
        )
        with pytest.raises(InvalidInput, match="future"):
            ledger.handle(
                EditCase(
                    case_no=case.case_no,
                    occurred_on=dt.date(2030, 6, 2),
                    fields={"remarks": "明天"},
                )
            )


def test_a_status_form_with_an_area_is_a_revitalize_and_complete_command():
    with_area = status_change(
        case_no="XZ-1",
        target="revitalized",
        version=4,
        occurred_on=DAY,
        fields={"revitalized_on": "2024-02-20", "new_holder": "新公司"},
        area_m2=300.0,
        confirm_short=True,
    )
    assert with_area == RevitalizeAndComplete(
        case_no="XZ-1",
        version=4,
        occurred_on=dt.date(2024, 2, 20),
        area_m2=300.0,
        fields={"new_holder": "新公司"},
        confirm_short=True,
    )
    plain = status_change(case_no="XZ-1", target="revitalized", version=4, occurred_on=DAY)
    assert plain == ChangeStatus(case_no="XZ-1", target="revitalized", version=4, occurred_on=DAY)
    with pytest.raises(InvalidInput, match="revitalization date “明天”"):
        status_change(
            case_no="XZ-1",
            target="revitalized",
            version=4,
            occurred_on=None,
            fields={"revitalized_on": "明天"},
            area_m2=1.0,
        )
    partial = RecordRevitalization(case_no="XZ-1", version=2, area_m2=5.0, note="验收")
    assert completing(partial) == RevitalizeAndComplete(
        case_no="XZ-1", version=2, area_m2=5.0, note="验收"
    )


def test_a_document_is_attached_by_the_actor_and_the_case_keeps_its_version(
    session, settings, ledger
):
    case = session.scalars(select(Case).where(Case.status == "disposing").limit(1)).one()
    version = case.version
    attachment = ledger.handle(
        AttachDocument(
            case_no=case.case_no,
            stream=io.BytesIO(PDF),
            filename="认定书.pdf",
            description="扫描件",
        )
    )
    assert (attachment.uploaded_by, attachment.filename) == ("zhangwei", "认定书.pdf")
    assert (settings.attachments_dir / attachment.stored_name).read_bytes() == PDF
    assert cases.get_case(session, case.case_no).version == version
    small = LedgerService(
        session, settings.model_copy(update={"attachment_max_mb": 0.00001}), EDITOR
    )
    with pytest.raises(TooLarge):
        small.handle(AttachDocument(case_no=case.case_no, stream=io.BytesIO(PDF * 10)))


def test_parcels_are_created_and_changed_through_the_service(session, ledger):
    parcel = ledger.handle(
        CreateParcel(parcel_code="CMD-0001", properties={"holder": "甲公司"}, geometry=SQUARE)
    )
    assert 40_000 < parcel.area_m2 < 45_000
    changed = ledger.handle(UpdateParcel(parcel_code="CMD-0001", properties={"holder": "乙公司"}))
    assert (changed.id, changed.holder) == (parcel.id, "乙公司")
