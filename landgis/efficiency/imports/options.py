"""What an import of a year's figures is asked to do: one typed value, checked when made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landgis.efficiency.imports.columns import FigureMapping, figure_mapping
from landgis.errors import InvalidInput
from landgis.i18n import _
from landgis.io.archives import ArchiveLimits
from landgis.wallclock import today

FIRST_YEAR = 1990


@dataclass(frozen=True)
class FiguresOptions:
    """``year`` the figures are of; ``mapping`` the headers the names counties use do not
    cover; ``sheet`` the worksheet to read (None: the one holding figures);
    ``skip_invalid`` store the rows without an error and refuse the others (else any
    error refuses the whole file); ``limits`` what a file may unpack to."""

    year: int
    mapping: FigureMapping | None = None
    sheet: str | None = None
    skip_invalid: bool = False
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)

    @classmethod
    def build(
        cls,
        *,
        year: int,
        mapping: Mapping[str, Any] | Path | str | None = None,
        sheet: str | None = None,
        skip_invalid: bool = False,
        limits: ArchiveLimits | None = None,
    ) -> FiguresOptions:
        """The options a user gave, checked: the year one that has ended or is under way,
        the mapping (a file's path, or its content) readable. Raises
        :class:`InvalidInput` saying what to change."""
        latest = today().year
        if not FIRST_YEAR <= year <= latest:
            raise InvalidInput(
                _(
                    "年度应在 {first} 至 {last} 之间,收到 {year}。",
                    first=FIRST_YEAR,
                    last=latest,
                    year=year,
                )
            )
        return cls(
            year=year,
            mapping=figure_mapping(mapping) if mapping is not None else None,
            sheet=sheet or None,
            skip_invalid=skip_invalid,
            limits=limits or ArchiveLimits(),
        )
