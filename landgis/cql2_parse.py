"""Reading OGC API - Features Part 3 filters: ``filter`` in CQL2 text or CQL2 JSON, read
into pygeofilter's syntax tree, with ``filter-crs`` naming the CRS of the geometries in
it. What the tree means in SQL is :mod:`landgis.cql2_sql`.

CQL2 text is read by ``cql2`` (the CQL2 1.0 grammar, which pygeofilter's own text parser
only partly follows: doubled quotes in strings, ``NOT (a AND b)``) into CQL2 JSON.
pygeofilter 0.4.0 reads CQL2 JSON as an earlier draft wrote it; the few places where
CQL2 1.0 differs (``between`` with three arguments, ``{"bbox": […]}``) are rewritten to
that form first.
"""

from __future__ import annotations

import bisect
import functools
import json
import math
import re
from dataclasses import dataclass
from typing import Any

import cql2
from pygeofilter import ast
from pygeofilter.parsers.cql2_json import parse as parse_json

from landgis.errors import InvalidInput
from landgis.i18n import _
from landgis.ogc_crs import DEFAULT_CRS, Crs, parse_crs

CQL2_TEXT = "cql2-text"
CQL2_JSON = "cql2-json"
FILTER_LANGS = (CQL2_TEXT, CQL2_JSON)
# A filter longer than this is refused before it is read.
MAX_FILTER_CHARS = 20_000
# Where cql2's parse error points: `` --> line:column``.
_POSITION = re.compile(r"-->\s*(\d+):(\d+)")


@dataclass(frozen=True)
class Cql2Filter:
    """A filter as given (its text, its language, the CRS of its geometries): hashable,
    so statements built from it can be cached; :meth:`tree` is what it says."""

    text: str
    lang: str = CQL2_TEXT
    crs: Crs = DEFAULT_CRS

    def tree(self) -> Any:
        """The pygeofilter syntax tree (checked when the filter was read)."""
        return _parsed(self.lang, self.text)


def read_filter(text: str | None, lang: str | None, crs: str | None) -> Cql2Filter | None:
    """The filter of the ``filter``, ``filter-lang`` and ``filter-crs`` query parameters
    (None without a ``filter``); InvalidInput when it cannot be read. ``filter-lang`` and
    ``filter-crs`` are checked even without a filter."""
    language = (lang or CQL2_TEXT).strip()
    if language not in FILTER_LANGS:
        raise InvalidInput(
            _(
                "filter-lang 的取值 {value!r} 不受支持;可用 cql2-text(默认)或 cql2-json。",
                value=language[:40],
            )
        )
    frame = parse_crs(crs, "filter-crs")
    if text is None or not text.strip():
        return None
    if len(text) > MAX_FILTER_CHARS:
        raise InvalidInput(_("filter 过长(最多 {largest} 个字符)。", largest=MAX_FILTER_CHARS))
    if "\x00" in text:  # in no value, and PostgreSQL refuses it in a text parameter
        raise InvalidInput(_("filter 含有无效字符。"))
    found = Cql2Filter(text.strip(), language, frame)
    found.tree()
    return found


@functools.lru_cache(maxsize=256)
def _parsed(lang: str, text: str) -> Any:
    if lang == CQL2_JSON:
        return _json_tree(text)
    return _text_tree(text)


def _text_tree(text: str) -> Any:
    try:
        document = cql2.parse_text(text).to_json()
    except RecursionError:
        raise InvalidInput(_("filter 嵌套过深。")) from None
    except Exception as error:  # cql2.ParseError, and its other errors on odd input
        position = _POSITION.search(str(error))
        if position is None or int(position.group(1)) != 1:
            raise InvalidInput(
                _("filter 不是有效的 CQL2 文本:{detail}", detail=_detail(error))
            ) from None
        column = int(position.group(2))
        if column > len(text):
            raise InvalidInput(
                _("filter 不完整:{text} 之后还应有比较或条件的其余部分。", text=text[-40:])
            ) from None
        raise InvalidInput(
            _(
                "filter 不是有效的 CQL2 文本:第 {column} 个字符处({near})无法识别。",
                column=column,
                near=text[column - 1 : column + 19],
            )
        ) from None
    return _document_tree(_as_written(document, _numbers_in(text)), from_text=True)


# A number as CQL2 text writes it (its sign apart).
_NUMBER = re.compile(r"(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
# How far (in units of the last place) cql2's reading of a number may stray from it.
_ULPS = 8


def _as_written(node: Any, written: list[tuple[float, str]]) -> Any:
    """``node`` with each number as the text wrote it. cql2 reads every number as a float,
    and the digits of long ones a few units in the last place off (104.82610576944849 comes
    back as …847): each is put back to the number of the text it stands for, an integer
    where the text wrote one."""
    if isinstance(node, float) and math.isfinite(node):
        size = abs(node)
        at = bisect.bisect_left(written, (size, ""))
        for value, token in written[max(at - 1, 0) : at + 1]:
            if abs(value - size) <= _ULPS * math.ulp(size):
                number = _number(token)
                return -number if node < 0 else number
        return int(node) if node.is_integer() and size < 2**63 else node
    if isinstance(node, list):
        return [_as_written(item, written) for item in node]
    if isinstance(node, dict):
        return {key: _as_written(value, written) for key, value in node.items()}
    return node


def _numbers_in(text: str) -> list[tuple[float, str]]:
    """The numbers written in ``text`` (signs apart), by value."""
    return sorted({(float(token), token) for token in _NUMBER.findall(text)})


def _number(token: str) -> float | int:
    whole = token.isdigit() and int(token) < 2**63
    return int(token) if whole else float(token)


def _json_tree(text: str) -> Any:
    try:
        document = json.loads(text)
    except RecursionError:
        raise InvalidInput(_("filter 嵌套过深。")) from None
    except ValueError as error:
        raise InvalidInput(_("filter 不是有效的 JSON:{detail}", detail=_detail(error))) from None
    return _document_tree(document, from_text=False)


def _document_tree(document: Any, *, from_text: bool) -> Any:
    """The syntax tree of a CQL2 JSON document (read from JSON, or from CQL2 text)."""
    try:
        tree = parse_json(_cql2_1_0(document))
    except RecursionError:
        raise InvalidInput(_("filter 嵌套过深。")) from None
    except InvalidInput:
        raise
    except Exception as error:  # the parser's KeyError, TypeError, ValueError … on odd input
        detail = _detail(error)
        if from_text:
            raise InvalidInput(_("filter 不是有效的 CQL2 文本:{detail}", detail=detail)) from None
        raise InvalidInput(_("filter 不是有效的 CQL2 JSON:{detail}", detail=detail)) from None
    return _checked(tree)


def _checked(tree: Any) -> Any:
    """A tree that is a condition: a lone value or property filters nothing."""
    if not isinstance(tree, ast.Node) or isinstance(tree, ast.Expression):
        raise InvalidInput(_("filter 应为条件(如 status = 'identified'),而不是单个值。"))
    return tree


def _cql2_1_0(node: Any) -> Any:
    """CQL2 1.0 JSON in the form pygeofilter 0.4.0 reads: ``between``'s bounds as one
    list, a ``bbox`` as the function pygeofilter's text parser makes of ``BBOX(…)``."""
    if isinstance(node, list):
        return [_cql2_1_0(item) for item in node]
    if not isinstance(node, dict):
        return node
    if set(node) == {"bbox"}:
        return {"function": {"name": "bbox", "arguments": node["bbox"]}}
    if "type" in node and "coordinates" in node:
        return node
    rewritten = {key: _cql2_1_0(value) for key, value in node.items()}
    args = rewritten.get("args")
    if rewritten.get("op") == "between" and isinstance(args, list) and len(args) == 3:
        rewritten["args"] = [args[0], args[1:]]
    if rewritten.get("op") in ("not", "isNull") and isinstance(args, list) and len(args) != 1:
        raise InvalidInput(_("filter 中 {op} 应有一个参数。", op=rewritten["op"]))
    return rewritten


def _detail(error: BaseException) -> str:
    first = str(error).strip().splitlines()
    return (first[0] if first else type(error).__name__)[:200]
