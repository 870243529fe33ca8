"""Reading what a form posted: its text fields, trimmed, and their lengths checked against
the columns that will hold them (the browser's ``maxlength`` can be bypassed)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Annotated

from fastapi import Depends, Request
from starlette.datastructures import FormData

from api.web.i18n import Translator
from landgis.db.models import Case
from landgis.errors import InvalidInput


async def _form(request: Request) -> FormData:
    """The posted form (already read, and cached, by the CSRF check)."""
    return await request.form()


FormDep = Annotated[FormData, Depends(_form)]

# Inputs that are not case columns: their length limits and catalogue labels.
INPUT_LIMITS = {"document_no": 64, "note": 2000, "description": 256}
INPUT_LABELS = {
    "document_no": "form.document_no",
    "note": "form.note",
    "description": "attachment.description",
}


def text(form: FormData, name: str) -> str:
    """The text posted as ``name``, trimmed; '' when absent (or a file)."""
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def values(form: FormData, names: Iterable[str]) -> dict[str, str]:
    """:func:`text` of each of ``names``."""
    return {name: text(form, name) for name in names}


def _input_label(t: Translator, name: str) -> str:
    return t(INPUT_LABELS[name]) if name in INPUT_LABELS else t.field(name)


def check_lengths(typed: Mapping[str, str]) -> None:
    """Refuse text longer than its column holds (the browser's maxlength can be bypassed)."""
    for key, value in typed.items():
        name = key.removeprefix("field_")
        column = Case.__table__.columns.get(name)
        limit = INPUT_LIMITS.get(name) or getattr(getattr(column, "type", None), "length", None)
        if limit and len(value) > limit:
            zh, en = _input_label(Translator("zh"), name), _input_label(Translator("en"), name)
            raise InvalidInput(
                f"“{zh}”超过 {limit} 个字符。",
                f"{en} is longer than {limit} characters.",
                problems=[{"field": name, "problem": "过长", "problem_en": "too long"}],
            )
