"""Problems found in an import file: one stable code (``kind``) per sort of problem.

Every problem is a JSON-ready dict with ``row`` (1-based feature number, None for the file
as a whole), ``parcel_code``, ``kind``, ``severity`` (``error`` stops the import,
``warning`` does not), ``message`` (Chinese) and ``message_en``, rendered from one
catalogue message (:func:`landgis.i18n._`). The keys ``problem`` and ``problem_en`` repeat
the two messages, as every other landgis error's problems name them. A problem the user
fixes by an import option carries ``suggestion``: the choices to make (``crs``: the
coordinate systems to choose from, best first, empty when none can be guessed; ``swap_xy``;
``from_gcj02``; ``layer``: the layers to choose from; ``mode``; ``mapping``: the field a
column should be mapped to), so that each door (the web form, the API, the command line)
can name its own control while the message names the choice in words any door fits.
:func:`problem_text` gives the message in any language.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from landgis.errors import InvalidInput
from landgis.i18n import Localizable
from landgis.i18n.values import Label

ERROR = "error"
WARNING = "warning"

# Stable problem codes and their usual severity (some kinds may be raised as either).
KINDS: dict[str, str] = {
    # the file as a whole
    "unsupported_format": ERROR,
    "unreadable": ERROR,
    "unsafe_archive": ERROR,
    "too_large": ERROR,
    "layer_required": ERROR,
    "layer_missing": ERROR,
    "no_features": ERROR,
    "mapping_invalid": ERROR,
    "mapping_unused": WARNING,
    "code_option_invalid": ERROR,
    "encoding_mismatch": WARNING,
    "skipped_entities": WARNING,
    "flattened_z": WARNING,
    "area_unit_guessed": WARNING,
    # coordinates
    "crs_missing": ERROR,
    "crs_invalid": ERROR,
    "crs_mismatch": ERROR,
    "crs_override": WARNING,
    "swapped_xy": ERROR,
    "outside_china": ERROR,
    "outside_county": ERROR,
    "gcj02_suspected": ERROR,
    # one row
    "invalid_coordinates": ERROR,
    "empty_geometry": ERROR,
    "not_polygon": ERROR,
    "invalid_geometry": ERROR,
    "repaired_geometry": WARNING,
    "duplicate_geometry": WARNING,
    "missing_code": ERROR,
    "duplicate_code": ERROR,
    "exists": ERROR,
    "overlap": ERROR,
    "area_mismatch": WARNING,
    "invalid_value": ERROR,
    "invalid_credit_code": WARNING,
    "idle_area_exceeds": ERROR,
}

# Problems about where the coordinates are: an import refused for one of these is a CRSError.
COORDINATE_KINDS = frozenset(
    {
        "crs_missing",
        "crs_invalid",
        "crs_mismatch",
        "swapped_xy",
        "outside_china",
        "outside_county",
        "gcj02_suspected",
    }
)


class Problem(dict[str, Any]):
    """A problem: a JSON-ready dict, with its message as ``text`` to render in any
    language (JSON never sees it)."""

    __slots__ = ("text",)

    text: Localizable


def problem(
    kind: str,
    message: Localizable,
    *,
    row: int | None = None,
    parcel_code: Any = None,
    severity: str | None = None,
    suggestion: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One problem, JSON-ready (a :class:`Problem`): ``message`` a catalogue message,
    ``suggestion`` the import options that fix it."""
    if kind not in KINDS:
        raise ValueError(f"unknown problem kind {kind!r}")
    zh, en = message.render("zh"), message.render("en")
    found = Problem(
        row=row,
        parcel_code=None if parcel_code is None else str(parcel_code),
        kind=kind,
        severity=severity or KINDS[kind],
        message=zh,
        message_en=en,
        problem=zh,
        problem_en=en,
    )
    if suggestion:
        found["suggestion"] = suggestion
    found.text = message
    return found


def problem_text(item: dict[str, Any]) -> Localizable:
    """The message of a problem, to render in any language."""
    text = getattr(item, "text", None)
    if text is not None:
        return text
    zh = item.get("message") or item.get("problem") or ""
    return Label(zh, item.get("message_en") or item.get("problem_en") or zh)


def errors(problems: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """The problems that stop an import."""
    return [p for p in problems if p["severity"] == ERROR]


def sort_problems(problems: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """File-wide problems first, then by row; errors before warnings within a row."""
    return sorted(
        problems,
        key=lambda p: (p["row"] is not None, p["row"] or 0, p["severity"] != ERROR),
    )


class FileRefused(InvalidInput):
    """The file as a whole cannot be read or trusted; carries its one problem."""

    def __init__(
        self,
        kind: str,
        message: Localizable,
        *,
        detail: str | None = None,
        suggestion: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(
            message, detail=detail, problems=[problem(kind, message, suggestion=suggestion)]
        )
        self.kind = kind
