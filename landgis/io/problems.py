"""Problems found in an import file: one stable code (``kind``) per sort of problem.

A :class:`Problem` is a typed record: ``row`` (1-based feature number, None for the file
as a whole), ``parcel_code``, ``kind``, ``severity`` (``error`` stops the import,
``warning`` does not) and its message, one catalogue message (:func:`landgis.i18n._`)
rendered in either language (``message``, ``message_en``); :meth:`Problem.to_dict` is
its JSON form. A problem the user fixes by an import option carries ``suggestion``: the
choices to make (``crs``: the coordinate systems to choose from, best first, empty when
none can be guessed; ``swap_xy``; ``from_gcj02``; ``layer``: the layers to choose from;
``mode``; ``mapping``: the field a column should be mapped to; ``codes``), so that each
door (the web form, the API, the command line) can name its own control while the
message names the choice in words any door fits."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
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
    "duplicate_row": ERROR,
    "exists": ERROR,
    "overlap": ERROR,
    "area_mismatch": WARNING,
    "invalid_value": ERROR,
    "invalid_credit_code": WARNING,
    "idle_area_exceeds": ERROR,
    # an enterprise's yearly figures
    "columns_missing": ERROR,
    "missing_name": ERROR,
    "negative_value": ERROR,
    "duplicate_enterprise": ERROR,
    "year_mismatch": ERROR,
    "skipped_row": WARNING,
    # a building's footprint
    "off_parcel": ERROR,
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


@dataclass(frozen=True)
class Problem:
    """One problem: its ``kind`` (a stable code), ``severity``, where it is (``row``,
    1-based, None for the file as a whole; ``parcel_code``), its message (``text``, a
    catalogue message rendered in any language) and the import options that fix it
    (``suggestion``)."""

    kind: str
    text: Localizable
    severity: str
    row: int | None = None
    parcel_code: str | None = None
    suggestion: Mapping[str, Any] | None = None

    @property
    def message(self) -> str:
        """The message in Chinese."""
        return self.text.render("zh")

    @property
    def message_en(self) -> str:
        """The message in English."""
        return self.text.render("en")

    @property
    def is_error(self) -> bool:
        """Whether it stops an import."""
        return self.severity == ERROR

    def naming(self, parcel_code: Any) -> Problem:
        """This problem naming ``parcel_code`` when it named none."""
        if self.parcel_code is not None or parcel_code is None:
            return self
        return replace(self, parcel_code=str(parcel_code))

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready, with the message in both languages (also as ``problem`` and
        ``problem_en``, as every other landgis error's problems name them)."""
        zh, en = self.message, self.message_en
        found: dict[str, Any] = {
            "row": self.row,
            "parcel_code": self.parcel_code,
            "kind": self.kind,
            "severity": self.severity,
            "message": zh,
            "message_en": en,
            "problem": zh,
            "problem_en": en,
        }
        if self.suggestion:
            found["suggestion"] = dict(self.suggestion)
        return found


def problem(
    kind: str,
    message: Localizable,
    *,
    row: int | None = None,
    parcel_code: Any = None,
    severity: str | None = None,
    suggestion: Mapping[str, Any] | None = None,
) -> Problem:
    """One problem: ``message`` a catalogue message, ``severity`` the kind's usual one
    unless given, ``suggestion`` the import options that fix it."""
    if kind not in KINDS:
        raise ValueError(f"unknown problem kind {kind!r}")
    return Problem(
        kind=kind,
        text=message,
        severity=severity or KINDS[kind],
        row=row,
        parcel_code=None if parcel_code is None else str(parcel_code),
        suggestion=suggestion or None,
    )


def problem_text(item: Mapping[str, Any]) -> Localizable:
    """The message of a problem in its JSON form (as an error carries it), in either
    language."""
    zh = item.get("message") or item.get("problem") or ""
    return Label(zh, item.get("message_en") or item.get("problem_en") or zh)


def errors(problems: Iterable[Problem]) -> list[Problem]:
    """The problems that stop an import."""
    return [p for p in problems if p.is_error]


def error_rows(problems: Iterable[Problem]) -> set[int]:
    """The rows with an error of their own."""
    return {p.row for p in problems if p.is_error and p.row is not None}


def sort_problems(problems: Iterable[Problem]) -> list[Problem]:
    """File-wide problems first, then by row; errors before warnings within a row."""
    return sorted(problems, key=lambda p: (p.row is not None, p.row or 0, not p.is_error))


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
        found = problem(kind, message, suggestion=suggestion)
        super().__init__(message, detail=detail, problems=[found.to_dict()])
        self.kind = kind
        self.problem = found
