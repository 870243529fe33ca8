"""Import an edited ledger workbook back: each changed row goes through the workflow.

A clerk exports the ledger (:mod:`landgis.io.exports.ledger_workbook`), edits it in a spreadsheet
program (status, dates, revitalized area, document numbers …) and imports it. Rows are
matched by 台账编号; the 版本 column is the version the clerk saw, checked like the API's.
Each changed row becomes the ledger's commands (:mod:`landgis.commands`: revitalization,
status change, close-out, edit), handled by the ledger service with the same events and
the same errors as the API. All rows or none: one error anywhere and
nothing is written; a dry run reports what would change and writes nothing.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

import openpyxl
from openpyxl.utils.exceptions import InvalidFileException

from landgis import cases, schema, vocab
from landgis.commands import (
    ChangeStatus,
    Command,
    EditCase,
    RecordRevitalization,
    completing,
)
from landgis.errors import Conflict, InvalidInput, LandGISError, NotFound
from landgis.i18n import Localizable, _, listing, term
from landgis.io.archives import DEFAULT_LIMITS, ArchiveLimits
from landgis.io.file_limits import check_workbook
from landgis.io.sheets import sheet_rows
from landgis.ledger import LEDGER_COLUMNS
from landgis.ledger_service import LedgerService
from landgis.units import m2_to_mu, mu_to_m2

CASE_NO_HEADER, VERSION_HEADER = "台账编号", "版本"
HEADERS = dict(LEDGER_COLUMNS)
COLUMN_LABELS = {column.key: column for column in schema.LEDGER}
# Workbook column key -> (case field, kind); kinds: text, date, mu (亩 → m²), m2, or a
# vocabulary of Chinese labels.
EDITABLE: dict[str, tuple[str, Any]] = {
    "category": ("category", vocab.CATEGORIES),
    "cause": ("cause", vocab.CAUSES),
    "idle_area_mu": ("idle_area_m2", "mu"),
    "idle_building_area_m2": ("idle_building_area_m2", "m2"),
    "identified_on": ("identified_on", "date"),
    "determination_no": ("determination_no", "text"),
    "route": ("route", vocab.ROUTES),
    "plan_no": ("plan_no", "text"),
    "responsible_unit": ("responsible_unit", "text"),
    "deadline": ("deadline", "date"),
    "status": ("status", vocab.CASE_STATUSES),
    "revitalized_area_mu": ("revitalized_area_m2", "mu"),
    "revitalized_building_area_m2": ("revitalized_building_area_m2", "m2"),
    "revitalized_on": ("revitalized_on", "date"),
    "new_holder": ("new_holder", "text"),
    "closed_on": ("closed_on", "date"),
    "remarks": ("remarks", "text"),
}
REVITALIZATION_FIELDS = ("new_holder", "remarks")
MANAGED: tuple[str, ...] = (
    "status",
    "revitalized_area_m2",
    "revitalized_building_area_m2",
    "revitalized_on",
    "closed_on",
)


@dataclass
class LedgerImportReport:
    """What importing an edited ledger workbook did (or, in a dry run, would do)."""

    rows: int = 0
    changed: dict[str, dict[str, list[Any]]] = field(default_factory=dict)
    dry_run: bool = False

    def to_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "cases_changed": len(self.changed),
            "changes": [{"case_no": k, "changes": v} for k, v in self.changed.items()],
            "dry_run": self.dry_run,
        }


def _problem(row: int, case_no: str | None, error: LandGISError) -> dict[str, Any]:
    return {
        "row": row,
        "case_no": case_no,
        "kind": type(error).__name__,
        "problem": error.message,
        "problem_en": error.message_en,
    }


def _header_row(sheet: Any) -> tuple[int, dict[str, int]]:
    for number, values in sheet_rows(sheet, max_row=10):
        labels = {str(v).strip(): i for i, v in enumerate(values) if v is not None}
        if CASE_NO_HEADER in labels and VERSION_HEADER in labels:
            return number, labels
    raise InvalidInput(
        _(
            "工作簿中找不到“{case_no}”和“{version}”两列:请导入从本系统导出的台账工作簿。",
            case_no=CASE_NO_HEADER,
            version=VERSION_HEADER,
        )
    )


def _parse(kind: Any, value: Any, header: Localizable) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if kind == "text":
        return str(value).strip()
    if kind == "date":
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value).strip()[:10])
        except ValueError as exc:
            raise InvalidInput(
                _("“{header}”应为日期(如 2023-08-31),收到 {value!r}。", header=header, value=value),
            ) from exc
    if kind in ("mu", "m2"):
        try:
            number = float(value)
        except (TypeError, ValueError) as exc:
            raise InvalidInput(
                _("“{header}”应为数字,收到 {value!r}。", header=header, value=value)
            ) from exc
        if not math.isfinite(number):
            raise InvalidInput(
                _(
                    "“{header}”应为数字,收到 {value!r}(非数值或无穷大)。",
                    header=header,
                    value=value,
                ),
            )
        return round(number, 2)
    labels = {label: code for code, label in kind.items()}
    text = str(value).strip()
    if text in labels or text in kind:
        return labels.get(text, text)
    vocabulary = next(name for name, codes in vocab.VOCABULARIES.items() if codes is kind)
    raise InvalidInput(
        _(
            "“{header}”的值“{value}”不在可选值内:{choices}。",
            header=header,
            value=text,
            choices=listing(term(vocabulary, code) for code in kind),
        )
    )


def _version(value: Any) -> int:
    try:
        return int(value)
    except (TypeError, ValueError) as exc:
        raise InvalidInput(
            _(
                "“{version}”应为整数,收到 {value!r};请勿修改该列。",
                version=VERSION_HEADER,
                value=value,
            ),
        ) from exc


def _shown(kind: Any, value: Any) -> Any:
    """A stored value as the workbook shows it (areas rounded to 0.01)."""
    if value is None:
        return None
    if kind == "mu":
        return round(m2_to_mu(value), 2)
    if kind == "m2":
        return round(value, 2)
    return value


def _edits(case: cases.Case, values: Mapping[str, Any]) -> dict[str, Any]:
    """The case fields whose workbook value differs from what is stored (as shown)."""
    changed: dict[str, Any] = {}
    for key, value in values.items():
        name, kind = EDITABLE[key]
        if value != _shown(kind, getattr(case, name)):
            changed[name] = mu_to_m2(value) if kind == "mu" and value is not None else value
    return changed


NOTE = "台账工作簿导入"


def _commands(case: cases.Case, edits: dict[str, Any], today: dt.date) -> list[Command]:
    """One row's edits as the use cases' commands, in order: revitalization (completing
    the case if its status says so), status change, other edits. The row's version was
    checked before and the case locked: each applies to the case as the earlier left it.

    A workbook row that says 已盘活 beside its revitalized area is the clerk's confirmation
    of completing the case, short of its idle area or not."""
    case_no = case.case_no
    target = edits.pop("status", None)
    plain = {k: v for k, v in edits.items() if k not in MANAGED}
    added = (edits.get("revitalized_area_m2") or case.revitalized_area_m2) - (
        case.revitalized_area_m2 or 0.0
    )
    added_building = (
        edits.get("revitalized_building_area_m2", case.revitalized_building_area_m2) or 0.0
    ) - (case.revitalized_building_area_m2 or 0.0)
    if added < -1e-6 or added_building < -1e-6:
        raise InvalidInput(
            _("{case_no}:盘活面积只能增加;更正已登记的盘活面积请联系管理员。", case_no=case_no),
        )
    commands: list[Command] = []
    status = case.status
    if added > 1e-6 or added_building > 1e-6:
        complete = target in ("revitalized", "closed") and status == "disposing"
        revitalization = RecordRevitalization(
            case_no=case_no,
            occurred_on=edits.get("revitalized_on") or today,
            area_m2=max(added, 0.0),
            building_area_m2=max(added_building, 0.0),
            fields={k: plain.pop(k) for k in REVITALIZATION_FIELDS if k in plain},
            note=NOTE,
        )
        if complete:
            commands.append(completing(revitalization, confirm_short=True))
            status = "revitalized"
        else:
            commands.append(revitalization)
    if target is not None and target != status:
        day = edits.get("closed_on") if target == "closed" else None
        commands.append(
            ChangeStatus(
                case_no=case_no,
                target=target,
                occurred_on=day or today,
                fields=plain,
                note=NOTE,
                confirm_short=True,
            )
        )
        plain = {}
    if plain:
        commands.append(EditCase(case_no=case_no, occurred_on=today, fields=plain, note=NOTE))
    return commands


def _apply(service: LedgerService, case_no: str, version: int, edits: dict[str, Any]) -> None:
    """Carry out one row's edits through the ledger service, checked against the version
    the row shows."""
    case = service.case_at(case_no, version)
    for command in _commands(case, edits, service.today()):
        service.handle(command)


def import_ledger_workbook(
    service: LedgerService,
    path: Path,
    *,
    dry_run: bool = False,
    limits: ArchiveLimits | None = None,
) -> LedgerImportReport:
    """Apply the edits of a ledger workbook to the cases, as ``service``'s actor, all or
    nothing. A workbook that would unpack beyond ``limits`` is refused before it is opened."""
    session = service.session
    check_workbook(Path(path), limits or DEFAULT_LIMITS)  # before openpyxl unpacks anything
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InvalidInput(
            _("无法读取该 Excel 文件,请确认是 .xlsx 工作簿。"),
            detail=str(exc),
        ) from exc
    try:
        sheet = book.worksheets[0]
        header_row, labels = _header_row(sheet)
        columns = {key: labels[HEADERS[key]] for key in EDITABLE if HEADERS[key] in labels}
        report = LedgerImportReport(dry_run=dry_run)
        problems: list[dict[str, Any]] = []
        with session.begin_nested() as whole:
            for number, row in sheet_rows(sheet, min_row=header_row + 1):
                case_no = row[labels[CASE_NO_HEADER]] if len(row) > labels[CASE_NO_HEADER] else None
                if case_no is None or not str(case_no).strip():
                    continue  # subtotal, total and note rows carry no case number
                case_no = str(case_no).strip()
                report.rows += 1
                try:
                    with session.begin_nested():
                        version = _version(row[labels[VERSION_HEADER]])
                        values = {
                            key: _parse(EDITABLE[key][1], row[index], COLUMN_LABELS[key])
                            for key, index in columns.items()
                        }
                        edits = _edits(cases.get_case(session, case_no), values)
                        if edits:
                            before = cases.case_values(cases.get_case(session, case_no))
                            _apply(service, case_no, version, dict(edits))
                            after = cases.case_values(cases.get_case(session, case_no))
                            report.changed[case_no] = {
                                k: [before[k], after[k]] for k in after if before.get(k) != after[k]
                            }
                except (TypeError, ValueError) as exc:
                    problems.append(
                        _problem(
                            number,
                            case_no,
                            InvalidInput(_("“{version}”应为整数。", version=VERSION_HEADER)),
                        )
                    )
                    del exc
                except LandGISError as error:
                    problems.append(_problem(number, case_no, error))
            if problems or dry_run:
                whole.rollback()
    finally:
        book.close()  # read-only workbooks keep their file open
    if problems:
        stale = any(
            p["kind"] in ("StaleVersion", "ReadOnly", "ForbiddenTransition") for p in problems
        )
        error_class: type[LandGISError] = Conflict if stale else InvalidInput
        if all(p["kind"] == "NotFound" for p in problems):
            error_class = NotFound
        raise error_class(
            _("台账工作簿中有 {count} 行无法导入,未作任何修改。", count=len(problems)),
            problems=problems,
        )
    return report
