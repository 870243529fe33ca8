"""A building's fields as typed or read from a file: checked and typed one by one, each
problem said with the field it is about, so a form refuses with the first and an import
lists them all by row."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from landgis import vocab
from landgis.db.coerce import is_missing, number
from landgis.efficiency.holdings import code_key
from landgis.efficiency.imports.rows import credit_code_problem
from landgis.errors import InvalidInput
from landgis.i18n import Localizable, Text, _, listing
from landgis.i18n.values import in_both

# The fields a building is given by: its own, and the parcel it must stand on.
FIELDS: tuple[str, ...] = (
    "name",
    "kind",
    "owner",
    "owner_credit_code",
    "floors",
    "state",
    "floor_area_m2",
    "parcel_code",
)
TEXT_LIMITS = {"name": 128, "owner": 256, "parcel_code": 64}
MAX_FLOORS = 200
LABELS: dict[str, Text] = {
    "name": _("厂房名称"),
    "kind": _("厂房类型"),
    "owner": _("权属人"),
    "owner_credit_code": _("统一社会信用代码"),
    "floors": _("层数"),
    "state": _("厂房状态"),
    "floor_area_m2": _("建筑面积"),
    "parcel_code": _("宗地编号"),
}


@dataclass
class BuildingFields:
    """The building's stored values (``name``, ``kind``, ``state``, ``owner``,
    ``owner_credit_code``, ``floors``, ``floor_area_m2`` when given), the parcel code it
    was given for, and the problems found (field, message)."""

    values: dict[str, Any] = field(default_factory=dict)
    parcel_code: str | None = None
    problems: list[tuple[str, Localizable]] = field(default_factory=list)

    def refuse(self) -> None:
        """Raise InvalidInput with the first problem, naming every field at fault."""
        if not self.problems:
            return
        raise InvalidInput(
            self.problems[0][1],
            problems=[{"field": name, **in_both("problem", text)} for name, text in self.problems],
        )


def _choice(value: Any, known: Mapping[str, str], name: str, found: BuildingFields) -> str:
    text = str(value).strip()
    for code, label in known.items():
        if text in (code, label):
            return code
    found.problems.append(
        (
            name,
            _(
                "{label}“{value}”无效,可选:{known}。",
                label=LABELS[name],
                value=text,
                known=listing(known.values()),
            ),
        )
    )
    return text


def _positive(value: Any, name: str, found: BuildingFields) -> float | None:
    try:
        figure = number(value)
    except (TypeError, ValueError):
        figure = float("nan")
    if not figure > 0 or figure == float("inf"):
        found.problems.append(
            (name, _("{label}“{value}”应为大于 0 的数。", label=LABELS[name], value=value))
        )
        return None
    return figure


def _text(value: Any, name: str, found: BuildingFields) -> str:
    text = str(value).strip()
    if len(text) > TEXT_LIMITS[name]:
        found.problems.append(
            (name, _("{label}最多 {count} 个字。", label=LABELS[name], count=TEXT_LIMITS[name]))
        )
    return text


def read_fields(fields: Mapping[str, Any]) -> BuildingFields:
    """The building ``fields`` (names of :data:`FIELDS`; blank cells mean none) checked
    and typed; a name is required, kind and state default to enterprise and in use."""
    found = BuildingFields()
    unknown = sorted(set(fields) - set(FIELDS))
    if unknown:
        found.problems.append(
            (
                unknown[0],
                _(
                    "厂房没有字段 {fields},可填:{known}。",
                    fields=listing(unknown),
                    known=listing(FIELDS),
                ),
            )
        )
    given = {k: v for k, v in fields.items() if k in FIELDS and not is_missing(v)}
    values = found.values
    values["name"] = _text(given.get("name", ""), "name", found)
    if not values["name"]:
        found.problems.append(("name", _("厂房须有名称(如 1号厂房)。")))
    values["kind"] = _choice(given.get("kind", "enterprise"), vocab.BUILDING_KINDS, "kind", found)
    values["state"] = _choice(given.get("state", "in_use"), vocab.BUILDING_STATES, "state", found)
    values["owner"] = _text(given["owner"], "owner", found) if "owner" in given else None
    if "owner_credit_code" in given:
        code = code_key(given["owner_credit_code"])
        wrong = credit_code_problem(code, 0)
        if wrong is not None:
            found.problems.append(("owner_credit_code", wrong.text))
        values["owner_credit_code"] = code
    if "floors" in given:
        floors = _positive(given["floors"], "floors", found)
        if floors is not None and (floors != int(floors) or floors > MAX_FLOORS):
            found.problems.append(
                (
                    "floors",
                    _(
                        "层数应为 1 至 {most} 的整数,而不是 {value}。",
                        most=MAX_FLOORS,
                        value=given["floors"],
                    ),
                )
            )
        values["floors"] = int(floors) if floors is not None else None
    if "floor_area_m2" in given:
        values["floor_area_m2"] = _positive(given["floor_area_m2"], "floor_area_m2", found)
    if not ("floors" in given or "floor_area_m2" in given):
        found.problems.append(
            ("floors", _("请填写层数或建筑面积(未填建筑面积时按占地面积 × 层数计)。"))
        )
    if "parcel_code" in given:
        found.parcel_code = _text(given["parcel_code"], "parcel_code", found) or None
    return found


def floor_area_m2(values: Mapping[str, Any], footprint_area_m2: float) -> float:
    """The floor area given, else the footprint's area times the floors."""
    given = values.get("floor_area_m2")
    if given is not None:
        return float(given)
    return round(footprint_area_m2 * int(values.get("floors") or 1), 2)
