"""Parcel codes for files that carry none: numbered from a prefix, or composed from columns.

Two import options, exclusive: ``assign_codes`` (a prefix: the rows without a code are
numbered ``PREFIX-0001``, ``PREFIX-0002`` … in file order, after the highest number with
that prefix already stored) and ``code_template`` (``{段小段}-{地號}``: column names in
braces, anything else literal, ``{{``/``}}`` for a brace; every row's code is composed
from its cells). Both may also come from a mapping file (keys :data:`MAPPING_KEYS`).
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from landgis.i18n import _, listing
from landgis.io.problems import FileRefused

PREFIX_PATTERN = re.compile(r"^[\w\-]{1,20}$")
MIN_WIDTH = 4
TEMPLATE_MAX = 200
# Keys of a mapping file that are import options, not columns.
MAPPING_KEYS = ("assign_codes", "code_template")

_TOKEN = re.compile(r"\{\{|\}\}|\{([^{}]*)\}|[^{}]+|[{}]")


@dataclass(frozen=True)
class CodeTemplate:
    """A parsed template: ``parts`` are ``(is_column, text)`` in order."""

    text: str
    parts: tuple[tuple[bool, str], ...]

    @property
    def columns(self) -> list[str]:
        """The columns named, each once, in order."""
        return list(dict.fromkeys(text for is_column, text in self.parts if is_column))


@dataclass(frozen=True)
class CodeOptions:
    """How rows without a code get one: ``prefix`` (numbered) or ``template`` (composed)."""

    prefix: str | None = None
    template: CodeTemplate | None = None


def _refused(message: Any) -> FileRefused:
    return FileRefused("code_option_invalid", message)


def check_prefix(prefix: str) -> str:
    """``prefix`` stripped, when it is 1–20 letters, digits (Chinese too), ``-`` or ``_``."""
    text = str(prefix).strip()
    if not PREFIX_PATTERN.match(text):
        raise _refused(
            _(
                "自动编号的前缀“{prefix}”不可用:前缀应为 1 至 20 个字母、数字、汉字、“-”或“_”。",
                prefix=text,
            )
        )
    return text


def parse_template(template: str) -> CodeTemplate:
    """Parse ``template``; refuses one without a column, with an empty ``{}`` or a brace
    left alone."""
    text = str(template).strip()
    parts: list[tuple[bool, str]] = []
    bad = len(text) > TEMPLATE_MAX
    for match in _TOKEN.finditer(text):
        token = match.group(0)
        if token in ("{{", "}}"):
            parts.append((False, token[0]))
        elif match.group(1) is not None:
            name = match.group(1).strip()
            bad = bad or not name
            parts.append((True, name))
        elif token in ("{", "}"):
            bad = True
        else:
            parts.append((False, token))
    if bad or not any(is_column for is_column, _text in parts):
        raise _refused(
            _(
                "编号模板“{template}”不可用:请用花括号写出列名,其余照写,"
                "例如 {{段小段}}-{{地号}}(不超过 200 个字符)。",
                template=text,
            )
        )
    return CodeTemplate(text, tuple(parts))


def code_options(
    assign_codes: str | None = None,
    code_template: str | None = None,
    mapping: Mapping[str, Any] | None = None,
) -> CodeOptions | None:
    """The code options given (or, when not given, those of the mapping file), checked;
    None when there are none. Refuses both at once."""
    mapping = mapping or {}
    prefix = assign_codes if assign_codes not in (None, "") else mapping.get("assign_codes")
    template = code_template if code_template not in (None, "") else mapping.get("code_template")
    prefix = None if prefix is None or not str(prefix).strip() else prefix
    template = None if template is None or not str(template).strip() else template
    if prefix is not None and template is not None:
        raise _refused(
            _("“自动编号(前缀)”与“由列组合(模板)”只能选择其一。"),
        )
    if prefix is not None:
        return CodeOptions(prefix=check_prefix(prefix))
    if template is not None:
        return CodeOptions(template=parse_template(template))
    return None


def _key(name: str) -> str:
    return "".join(unicodedata.normalize("NFKC", str(name)).split()).lower()


def template_columns(template: CodeTemplate, columns: Iterable[str]) -> dict[str, str]:
    """The file column of each name in ``template`` (exactly, else ignoring case, width and
    spaces); refuses a template naming a column the file lacks, listing the file's."""
    columns = [str(c) for c in columns]
    by_key = {_key(c): c for c in reversed(columns)}
    found: dict[str, str] = {}
    missing: list[str] = []
    for name in template.columns:
        column = name if name in columns else by_key.get(_key(name))
        if column is None:
            missing.append(name)
        else:
            found[name] = column
    if missing:
        raise _refused(
            _(
                "编号模板“{template}”中的列 {missing} 在文件中不存在;文件的列:{columns}。",
                template=template.text,
                missing=listing(missing),
                columns=listing(columns),
            )
        )
    return found


def cell_text(value: Any) -> str | None:
    """A cell as a code part: None when blank; whole numbers without ``.0``."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None:
        return None
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return repr(value)
    text = str(value).strip()
    return text or None


def compose(
    template: CodeTemplate, records: Iterable[Mapping[str, Any]], columns: Mapping[str, str]
) -> tuple[list[str | None], dict[int, str]]:
    """The code of each record (None where a template column is blank) and, by position,
    the first blank column of the rows without one."""
    codes: list[str | None] = []
    blank: dict[int, str] = {}
    for position, record in enumerate(records):
        pieces: list[str] = []
        for is_column, text in template.parts:
            if not is_column:
                pieces.append(text)
                continue
            value = cell_text(record.get(columns[text]))
            if value is None:
                blank[position] = columns[text]
                break
            pieces.append(value)
        codes.append(None if position in blank else "".join(pieces))
    return codes, blank


def next_number(prefix: str, stored: Iterable[str]) -> int:
    """The number after the highest ``PREFIX-<digits>`` among the ``stored`` codes."""
    pattern = re.compile(rf"^{re.escape(prefix)}-(\d+)$")
    highest = 0
    for code in stored:
        match = pattern.match(str(code))
        if match:
            highest = max(highest, int(match.group(1)))
    return highest + 1


def numbered(prefix: str, number: int) -> str:
    """``PREFIX-0001``; wider past 9999."""
    return f"{prefix}-{number:0{MIN_WIDTH}d}"
