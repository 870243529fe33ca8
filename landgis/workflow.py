"""The disposal workflow as data: statuses, allowed transitions, evidence, and their sources.

One table, :data:`TRANSITIONS`, says which status changes are allowed, what evidence the
case must carry afterwards, whether a reason is needed, the least role that may do it,
and the rule each entry comes from. Forbidden transitions (:class:`ForbiddenTransition`)
and missing evidence (:class:`MissingEvidence`) are distinct errors.

Citations name the 2012 Measures on the Disposal of Idle Land (闲置土地处置办法, 国土资源部
令第53号) as re-posted in secondary sources, or the county's own campaign plan; a county
can correct them, and can change the evidence gates through settings.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any, Literal

from landgis import schema
from landgis.errors import ForbiddenTransition, MissingEvidence, PermissionDenied
from landgis.i18n import Localizable, Text, _, listing, term
from landgis.i18n.values import in_both
from landgis.vocab import CASE_STATUSES, ROLES

if TYPE_CHECKING:
    from landgis.settings import Settings

Kind = Literal["forward", "back", "dismiss", "reopen"]

# The main line of a case, in order; `dismissed` sits beside it.
MAIN_LINE: tuple[str, ...] = (
    "suspected",
    "investigating",
    "identified",
    "planned",
    "disposing",
    "revitalized",
    "closed",
)
OPEN_STATUSES: tuple[str, ...] = MAIN_LINE[:5]
FINISHED_STATUSES: tuple[str, ...] = ("revitalized", "closed")
READ_ONLY_STATUSES: tuple[str, ...] = ("closed",)
# A case in any other status keeps its parcel in the ledger: no second case is opened.
ENDED_STATUSES: tuple[str, ...] = ("closed", "dismissed")
ROLE_ORDER: tuple[str, ...] = tuple(ROLES)  # viewer < editor < admin

MEASURES = _("《闲置土地处置办法》(2012)")
CAMPAIGN = _("本县清闲促建工作方案")


@dataclass(frozen=True)
class Transition:
    """One allowed status change and what it takes."""

    source: str
    target: str
    kind: Kind
    evidence: tuple[str, ...] = ()
    needs_reason: bool = False
    role: str = "editor"
    rule: Text | None = None


def _forward(source: str, target: str, evidence: tuple[str, ...], rule: Text) -> Transition:
    return Transition(source, target, "forward", evidence, rule=rule)


def _back(source: str, target: str) -> Transition:
    return Transition(
        source,
        target,
        "back",
        needs_reason=True,
        rule=_("{campaign}:退回上一环节须说明理由", campaign=CAMPAIGN),
    )


def _dismiss(source: str) -> Transition:
    return Transition(
        source,
        "dismissed",
        "dismiss",
        needs_reason=True,
        rule=_("{measures} 第五条、第九条:经调查不构成闲置土地的不予认定", measures=MEASURES),
    )


TRANSITIONS: tuple[Transition, ...] = (
    _forward(
        "suspected",
        "investigating",
        (),
        _(
            "{measures} 第五条:发现涉嫌闲置土地后三十日内开展调查核实,下达《闲置土地调查通知书》",
            measures=MEASURES,
        ),
    ),
    _forward(
        "investigating",
        "identified",
        ("determination_no", "identified_on"),
        _("{measures} 第九条:构成闲置土地的,下达《闲置土地认定书》", measures=MEASURES),
    ),
    _forward(
        "identified",
        "planned",
        ("route", "plan_no"),
        _("{measures} 第十二条、第十三条:拟订处置方案,报本级人民政府批准后实施", measures=MEASURES),
    ),
    _forward(
        "planned",
        "disposing",
        (),
        _("{measures} 第十三条:按批准的处置方案组织实施", measures=MEASURES),
    ),
    _forward(
        "disposing",
        "revitalized",
        ("revitalized_area_m2", "revitalized_on"),
        _("{campaign}:盘活须核实盘活面积和盘活日期", campaign=CAMPAIGN),
    ),
    _forward(
        "revitalized",
        "closed",
        ("closed_on",),
        _("{campaign}:盘活验收后销号,销号后台账条目只读", campaign=CAMPAIGN),
    ),
    *(_dismiss(source) for source in ("suspected", "investigating", "identified", "planned")),
    *(_back(MAIN_LINE[i + 1], MAIN_LINE[i]) for i in range(len(MAIN_LINE) - 2)),
    Transition(
        "closed",
        "revitalized",
        "reopen",
        needs_reason=True,
        role="admin",
        rule=_("{campaign}:已销号条目仅管理员可重新打开,并须说明理由", campaign=CAMPAIGN),
    ),
    Transition(
        "dismissed",
        "suspected",
        "reopen",
        needs_reason=True,
        role="admin",
        rule=_("{campaign}:已撤销条目仅管理员可恢复,并须说明理由", campaign=CAMPAIGN),
    ),
)

# Fields whose evidence is a positive number rather than any value.
POSITIVE_FIELDS = frozenset({"revitalized_area_m2", "idle_area_m2"})


def has_value(field: str, value: Any) -> bool:
    """Whether ``value`` counts as evidence for ``field``."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return False
    return not (field in POSITIVE_FIELDS and not value > 0)


def role_allows(role: str, needed: str) -> bool:
    """Whether ``role`` is at least ``needed`` (viewer < editor < admin)."""
    return role in ROLE_ORDER and ROLE_ORDER.index(role) >= ROLE_ORDER.index(needed)


def field_label(name: str) -> Localizable:
    """The label of case field ``name`` (or of the reason a change gives) in the
    rendering language; the name itself for a name that is neither."""
    if name == "reason":
        return _("理由说明")
    return schema.label_of(name, schema.CASE)


def _status(status: str | None) -> Localizable:
    return term("status", status) if status else _("无")


class Workflow:
    """The transition table, with the evidence gates a county may have changed."""

    def __init__(
        self,
        transitions: Sequence[Transition] = TRANSITIONS,
        evidence: Mapping[str, Sequence[str]] | None = None,
    ) -> None:
        overrides = {status: tuple(fields) for status, fields in (evidence or {}).items()}
        unknown = set(overrides) - set(CASE_STATUSES)
        if unknown:
            raise ValueError(f"evidence settings name unknown statuses: {sorted(unknown)}")
        self.transitions = tuple(
            replace(t, evidence=overrides[t.target])
            if t.kind == "forward" and t.target in overrides
            else t
            for t in transitions
        )
        self._by_pair = {(t.source, t.target): t for t in self.transitions}

    def allowed(self, source: str, role: str = "admin") -> list[Transition]:
        """The transitions out of ``source`` that ``role`` may take."""
        return [t for t in self.transitions if t.source == source and role_allows(role, t.role)]

    def transition(self, source: str, target: str) -> Transition:
        """The table entry for ``source`` → ``target``; ForbiddenTransition when there is none."""
        found = self._by_pair.get((source, target))
        if found is None:
            targets = [t.target for t in self.transitions if t.source == source]
            raise ForbiddenTransition(
                _(
                    "处置状态不能从“{source}”改为“{target}”;可改为:{allowed}。",
                    source=_status(source),
                    target=_status(target),
                    allowed=listing(_status(t) for t in targets) if targets else _("无"),
                )
            )
        return found

    def check(
        self,
        source: str,
        target: str,
        state_after: Mapping[str, Any],
        *,
        role: str,
        reason: str | None = None,
    ) -> Transition:
        """Check a status change: allowed, permitted for ``role``, evidence present."""
        transition = self.transition(source, target)
        if not role_allows(role, transition.role):
            raise PermissionDenied(
                _(
                    "“{source}”改为“{target}”需要{role}权限。",
                    source=_status(source),
                    target=_status(target),
                    role=term("role", transition.role),
                )
            )
        missing = [f for f in transition.evidence if not has_value(f, state_after.get(f))]
        if transition.needs_reason and not has_value("reason", reason):
            missing.append("reason")
        if missing:
            raise MissingEvidence(
                _(
                    "改为“{target}”需要填写:{fields}。",
                    target=_status(target),
                    fields=listing(field_label(f) for f in missing),
                ),
                problems=[{"field": f, **in_both("problem", _("缺少"))} for f in missing],
            )
        return transition


def workflow_for(settings: Settings) -> Workflow:
    """The workflow of this installation: the table with the evidence gates its settings
    (``LANDGIS_EVIDENCE``) set. Every door and report takes its workflow from here."""
    return Workflow(evidence=settings.evidence)
