"""Problems found in an import file: one stable code (``kind``) per sort of problem.

Every problem is a JSON-ready dict with ``row`` (1-based feature number, None for the file
as a whole), ``parcel_code``, ``kind``, ``severity`` (``error`` stops the import,
``warning`` does not), ``message`` (Chinese) and ``message_en``. The keys ``problem`` and
``problem_en`` repeat the two messages, as every other landgis error's problems name them.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from landgis.errors import InvalidInput

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
    "encoding_mismatch": WARNING,
    "skipped_entities": WARNING,
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


def problem(
    kind: str,
    message: str,
    message_en: str,
    *,
    row: int | None = None,
    parcel_code: Any = None,
    severity: str | None = None,
) -> dict[str, Any]:
    """One problem, JSON-ready."""
    if kind not in KINDS:
        raise ValueError(f"unknown problem kind {kind!r}")
    return {
        "row": row,
        "parcel_code": None if parcel_code is None else str(parcel_code),
        "kind": kind,
        "severity": severity or KINDS[kind],
        "message": message,
        "message_en": message_en,
        "problem": message,
        "problem_en": message_en,
    }


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
        self, kind: str, message: str, message_en: str, *, detail: str | None = None
    ) -> None:
        super().__init__(
            message, message_en, detail=detail, problems=[problem(kind, message, message_en)]
        )
        self.kind = kind
