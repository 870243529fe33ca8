"""The ledger: each case played through its dated events (open, edits, workflow steps with
their documents), the case being what replaying its events gives."""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np

from data.geo.demo.case_specs import (
    ACTORS,
    APPROVER,
    CASE_NOS,
    CASES,
    FULLY_REVITALIZED,
    STEPS,
    CaseSpec,
)
from data.geo.demo.county import AS_OF, CAMPAIGN_DEADLINE, REVITALIZED_MU
from data.geo.demo.parcels import ParcelRecord
from landgis.exchange import CASE_FIELDS
from landgis.units import m2_to_mu, mu_to_m2


@dataclass
class Draft:
    """An event before it is recorded: the new values of the fields it sets."""

    on: str
    actor: str
    action: str
    updates: dict[str, Any]
    document_no: str | None = None
    note: str | None = None


class CaseLog:
    """A case's current record and the events that built it."""

    def __init__(self, case_no: str) -> None:
        self.case_no = case_no
        self.state: dict[str, Any] = {}
        self.events: list[dict[str, Any]] = []

    def record(self, draft: Draft) -> None:
        """Append one event; its changes are the fields whose value it changes."""
        if self.events and draft.on <= self.events[-1]["occurred_on"]:
            raise ValueError(f"{self.case_no}: events out of date order at {draft.on}")
        if not "2023-01-01" <= draft.on <= AS_OF:
            raise ValueError(f"{self.case_no}: event date {draft.on} outside 2023-01..08")
        status_before = self.state.get("status")
        if draft.action == "open":
            changes = {name: [None, draft.updates.get(name)] for name in CASE_FIELDS}
        else:
            changes = {
                name: [self.state[name], value]
                for name, value in draft.updates.items()
                if self.state[name] != value
            }
            if not changes:
                raise ValueError(f"{self.case_no}: {draft.action} on {draft.on} changes nothing")
        for name, (_, after) in changes.items():
            self.state[name] = after
        self.events.append(
            {
                "case_no": self.case_no,
                "occurred_on": draft.on,
                "actor": draft.actor,
                "action": draft.action,
                "status_before": status_before,
                "status_after": self.state["status"],
                "changes": dict(sorted(changes.items())),
                "document_no": draft.document_no,
                "note": draft.note,
            }
        )


def replay(events: Iterable[dict[str, Any]]) -> dict[str, Any]:
    """A case rebuilt from its events, in order, starting from nothing."""
    state: dict[str, Any] = {}
    for event in events:
        for name, (_, after) in event["changes"].items():
            state[name] = after
        if event["status_after"] is not None:
            state["status"] = event["status_after"]
    return state


@dataclass(frozen=True)
class CaseFacts:
    """What the ledger takes from a case's parcel and its factory buildings."""

    parcel_code: str
    area_m2: float
    registered_m2: float
    land_price: float | None
    idle_building_m2: float
    revitalized_building_m2: float


def case_facts(record: ParcelRecord) -> CaseFacts:
    """Areas of a case parcel: computed area, idle and revitalized factory floor area."""
    idle = [b["floor_area_m2"] for b in record.buildings if b["state"] != "in_use"]
    revitalized = [b["floor_area_m2"] for b in record.buildings if b["state"] == "revitalized"]
    return CaseFacts(
        record.attrs["parcel_code"],
        record.area_m2,
        record.attrs["registered_area_m2"],
        record.attrs["land_price_yuan"],
        math.fsum(idle),
        math.fsum(revitalized),
    )


DOCUMENTS = {  # (step, category or route) -> document number template
    (1, None): "青自然资调〔2023〕{n}号",
    (2, "idle"): "青自然资闲认〔2023〕{n}号",
    (2, "low_efficiency"): "青自然资低效认〔2023〕{n}号",
    (3, None): "青府函〔2023〕{n}号",
    (4, "buyback"): "青自然资回购〔2023〕{n}号",
    (4, "judicial_auction"): "（2023）川1999执恢{n}号",
    (4, "lease_conversion"): "青开管函〔2023〕{n}号",
    (4, "idle_fee"): "青自然资征〔2023〕{n}号",
    (4, "merger"): "青经信函〔2023〕{n}号",
    (5, "buyback"): "青储回购〔2023〕{n}号",
    (5, "judicial_auction"): "（2023）川1999执{n}号",
    (5, "lease_conversion"): "QXKFQ-ZL-2023-{n:03d}",
    (6, None): "青自然资销〔2023〕{n}号",
}
STEP_NOTES: dict[int, Any] = {  # step -> note, or notes by category or route
    1: "下达调查通知书，开展现场调查",
    2: {"idle": "出具闲置土地认定书", "low_efficiency": "出具低效用地认定书"},
    3: "处置方案经县人民政府批复",
    4: {
        "buyback": "签订国有建设用地使用权回购协议",
        "judicial_auction": "县人民法院发布司法拍卖公告",
        "lease_conversion": "园区管委会组织闲置厂房招租",
        "idle_fee": "下达征缴土地闲置费决定书",
        "merger": "组织意向企业开展兼并重组洽谈",
    },
    5: {
        "buyback": "回购完成，土地重新供应给{holder}",
        "judicial_auction": "司法拍卖成交，买受人为{holder}",
        "lease_conversion": "签订厂房租赁合同，{holder}租赁转产",
    },
    6: "经验收，办理销号",
}


def document_series(spec: CaseSpec, step: int) -> tuple[int, str | None]:
    """The key of the document template of a step."""
    if step == 2:
        return step, spec.category
    if step in (4, 5):
        return step, spec.route
    return step, None


def document_numbers(rng: np.random.Generator) -> dict[tuple[int, int], int]:
    """(step, case index) -> document number, numbered in date order within each series."""
    series: dict[tuple[int, str | None], list[tuple[str, int, int]]] = defaultdict(list)
    for index, spec in enumerate(CASES):
        for step in range(1, len(spec.dates)):
            series[document_series(spec, step)].append((spec.dates[step], step, index))
    numbers: dict[tuple[int, int], int] = {}
    for key in sorted(series, key=str):
        n = int(rng.integers(1, 9))
        for _, step, index in sorted(series[key]):
            numbers[(step, index)] = n
            n += int(rng.integers(1, 4))
    return numbers


def revitalization(spec: CaseSpec, facts: CaseFacts, area_m2: float) -> dict[str, Any]:
    """The fields a revitalize event sets: areas, date, new holder and project, amount."""
    mu, floor = m2_to_mu(area_m2), facts.revitalized_building_m2
    if spec.route == "buyback":  # the original land price plus interest
        amount = round((facts.land_price or 0.0) * 1.05, -2)
    elif spec.route == "judicial_auction":  # hammer price of the land and its buildings
        amount = round(mu * 196_000 + floor * 540, -3)
    else:  # annual rent of the factory buildings: 8.5 yuan per m² and month
        amount = round(floor * 8.5 * 12, -2)
    return {
        "revitalized_area_m2": area_m2,
        "revitalized_building_area_m2": floor,
        "revitalized_on": spec.dates[5],
        "new_holder": spec.new_holder,
        "new_project": spec.new_project,
        "amount_yuan": float(amount),
    }


def step_draft(
    index: int, step: int, facts: CaseFacts, partial_m2: float, document_no: str, handler: str
) -> Draft:
    """The event of workflow step ``step`` (1 investigating … 6 closed) of a case."""
    spec = CASES[index]
    on, route = spec.dates[step], spec.route or ""
    status = "disposing" if spec.partial and step == 5 else STEPS[step]
    updates: dict[str, Any] = {"status": status}
    note = STEP_NOTES[step]
    if step == 2:
        note = STEP_NOTES[2][spec.category]
        updates |= {
            "identified_on": on,
            "determination_no": document_no,
            "cause": spec.cause,
            "cause_detail": spec.cause_detail,
        }
    elif step == 3:
        updates |= {
            "route": spec.route,
            "plan_no": document_no,
            "deadline": spec.deadline,
            "responsible_unit": spec.unit,
        }
    elif step == 4:
        note = STEP_NOTES[4][route]
    elif step == 5:
        area = partial_m2 if spec.partial else facts.area_m2
        updates |= revitalization(spec, facts, area)
        note = STEP_NOTES[5][route].format(holder=spec.new_holder)
        if spec.partial:
            note += f"（第一批{m2_to_mu(area):.0f}亩）"
    elif step == 6:
        updates["closed_on"] = on
    actor = APPROVER if step in (2, 3, 6) else handler
    action = {5: "revitalize", 6: "close"}.get(step, "status")
    return Draft(on, actor, action, updates, document_no, note)


def open_draft(index: int, facts: CaseFacts, handler: str) -> Draft:
    """The first event: the case enters the ledger as suspected, every field set."""
    spec = CASES[index]
    surveyed = {name for _, names, _ in spec.edits for name in names}
    cause, detail = spec.initial_cause or (spec.cause, spec.cause_detail)
    kind = "闲置土地" if spec.category == "idle" else "低效用地"
    updates = {
        "case_no": CASE_NOS[index],
        "parcel_code": facts.parcel_code,
        "category": spec.category,
        "cause": cause,
        "cause_detail": detail,
        "idle_area_m2": facts.registered_m2 if "idle_area_m2" in surveyed else facts.area_m2,
        "idle_building_area_m2": (
            0.0 if "idle_building_area_m2" in surveyed else facts.idle_building_m2
        ),
        "deadline": CAMPAIGN_DEADLINE,
        "revitalized_area_m2": 0.0,
        "revitalized_building_area_m2": 0.0,
        "status": "suspected",
    }
    return Draft(spec.dates[0], handler, "open", updates, None, f"专项排查发现疑似{kind}，列入台账")


def edit_drafts(index: int, facts: CaseFacts, handler: str) -> list[Draft]:
    """Corrections after a survey (measured area, idle buildings, details) and follow-ups."""
    spec = CASES[index]
    values = {
        "idle_area_m2": facts.area_m2,
        "idle_building_area_m2": facts.idle_building_m2,
        "cause_detail": spec.cause_detail,
    }
    return [
        Draft(on, handler, "edit", {name: values[name] for name in names}, None, note)
        for on, names, note in spec.edits
    ]


def case_log(
    index: int,
    facts: CaseFacts,
    partial_m2: float,
    numbers: dict[tuple[int, int], int],
    rng: np.random.Generator,
) -> CaseLog:
    """Play one case through its steps and edits; the final remarks come with the last event."""
    spec = CASES[index]
    handler = str(rng.choice(ACTORS))
    drafts = [open_draft(index, facts, handler), *edit_drafts(index, facts, handler)]
    for step in range(1, len(spec.dates)):
        template = DOCUMENTS[document_series(spec, step)]
        document_no = template.format(n=numbers[(step, index)])
        drafts.append(step_draft(index, step, facts, partial_m2, document_no, handler))
    drafts.sort(key=lambda d: d.on)
    drafts[-1].updates["remarks"] = spec.remarks
    log = CaseLog(CASE_NOS[index])
    for draft in drafts:
        log.record(draft)
    return log


def build_ledger(records: list[ParcelRecord], rng: np.random.Generator) -> list[CaseLog]:
    """The 13 cases and their histories; replaying each history must give the case."""
    by_case = {r.plan.case: r for r in records if r.plan.case is not None}
    facts = [case_facts(by_case[i]) for i in range(len(CASES))]
    full = [f.area_m2 for f, s in zip(facts, CASES, strict=True) if s.status in FULLY_REVITALIZED]
    partial_m2 = round(mu_to_m2(REVITALIZED_MU) - math.fsum(full), 2)
    numbers = document_numbers(rng)
    logs = [case_log(i, facts[i], partial_m2, numbers, rng) for i in range(len(CASES))]
    for log in logs:
        if set(log.state) != set(CASE_FIELDS):
            raise AssertionError(f"{log.case_no}: fields {sorted(log.state)}")
        if replay(log.events) != log.state:
            raise AssertionError(f"{log.case_no}: replaying its events does not give the case")
        if replay(json.loads(json.dumps(log.events))) != log.state:
            raise AssertionError(f"{log.case_no}: its events do not survive JSON")
    return logs
