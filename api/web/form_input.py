"""Reading what a form posted: its text fields, trimmed, and their lengths checked against
the columns that will hold them (the browser's ``maxlength`` can be bypassed)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from api.web.i18n import label_of
from landgis.db.models import Case
from landgis.errors import InvalidInput
from landgis.i18n import Localizable, Text, _, pgettext


async def _form(request: Request) -> FormData:
    """The posted form (already read, and cached, by the CSRF check)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]

# Inputs that are not case columns: their length limits and labels.
INPUT_LIMITS = {"document_no": 64, "note": 2000, "description": 256}
INPUT_LABELS: dict[str, Text] = {
    "occurred_on": _("发生日期"),
    "document_no": _("文号"),
    "note": _("备注"),
    "area_mu": _("本次盘活面积(亩)"),
    "building_area_m2": _("本次盘活厂房面积(㎡)"),
    "description": pgettext("attachment", "说明"),
}


def text(form: FormData, name: str) -> str:
    """The text posted as ``name``, trimmed; '' when absent (or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def values(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """:func:`text` of each of ``names``."""
    return {name: text(form, name) for name in names}


def input_label(name: str) -> Localizable:
    """The label of a form's input (a case field's own, or the form's)."""
    return INPUT_LABELS.get(name) or label_of(name)


def check_lengths(typed: Mapping[str, str]) -> None:
    """Refuse text longer than its column holds (the browser's maxlength can be bypassed)."""
    for key, value in typed.items():
        name = key.removeprefix("field_")
        column = Case.__table__.columns.get(name)
        limit = INPUT_LIMITS.get(name) or getattr(getattr(column, "type", None), "length", None)
        if limit and len(value) > limit:
            raise InvalidInput(
                _("“{field}”超过 {limit} 个字符。", field=input_label(name), limit=limit),
                problems=[{"field": name, "problem": "过长", "problem_en": "too long"}],
            )


def typed_number(typed: str, label: Localizable) -> float | None:
    """A number typed in an input labelled ``label`` (thousands separators allowed); None
    when blank; refused, naming the input, when it is not a finite number."""
    typed = typed.replace(",", "")
    if not typed:
        return None
    try:
        number = float(typed)
    except ValueError:
        number = math.nan
    if not math.isfinite(number):
        raise InvalidInput(_("{label}“{value}”不是数字。", label=label, value=typed))
    return number


def typed_date(typed: str, label: Localizable) -> dt.date | None:
    """A date typed (YYYY-MM-DD) in an input labelled ``label``; None when blank; refused,
    naming the input, when it is not a date."""
    if not typed:
        return None
    try:
        return dt.date.fromisoformat(typed)
    except ValueError as exc:
        raise InvalidInput(_("{label}“{value}”无法识别。", label=label, value=typed)) from exc
