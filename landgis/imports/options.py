"""What an import is asked to do: one typed value, checked when it is made."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from landgis.errors import InvalidInput
from landgis.i18n import _
from landgis.import_modes import BATCH_SIZE, MODES, ImportMode
from landgis.io import crs_guard
from landgis.io.archives import ArchiveLimits
from landgis.io.codes import CodeOptions, code_options
from landgis.io.fields import load_mapping, validate_mapping

# Computed area vs registered area: above this share, a warning.
AREA_MISMATCH_SHARE = 0.05


@dataclass(frozen=True)
class ImportOptions:
    """How to read, check and store a file of parcels.

    ``layer`` the layer (or sheet, or file of an archive) to read; ``crs`` the user's
    coordinate system, which wins over the file's with a warning; ``mapping``
    ``{file column: landgis field}``; ``mode`` what to do with codes already stored;
    ``swap_xy`` exchange the axes first; ``from_gcj02`` move data digitized on GCJ-02 maps
    back; ``codes`` how rows without a code get one; ``skip_invalid`` import the rows
    that pass and refuse the rest (else any error refuses the whole file);
    ``batch_size`` rows read and checked at a time (None: all at once);
    ``area_tolerance`` the share above which computed and registered areas are said to
    differ; ``limits`` what an archive or a text file may unpack to;
    ``repair_geometry`` repair an invalid polygon when that is safe (with a warning),
    else refuse it (a parcel typed in is taken as drawn).

    Build one from what a user typed with :meth:`build`.
    """

    layer: str | None = None
    crs: str | None = None
    mapping: Mapping[str, str | None] | None = None
    mode: ImportMode = ImportMode.insert
    swap_xy: bool = False
    from_gcj02: bool = False
    codes: CodeOptions | None = None
    skip_invalid: bool = False
    batch_size: int | None = BATCH_SIZE
    area_tolerance: float = AREA_MISMATCH_SHARE
    limits: ArchiveLimits = field(default_factory=ArchiveLimits)
    repair_geometry: bool = True

    @classmethod
    def build(
        cls,
        *,
        layer: str | None = None,
        crs: str | None = None,
        mapping: Mapping[str, Any] | Path | str | None = None,
        mode: str = ImportMode.insert,
        swap_xy: bool = False,
        from_gcj02: bool = False,
        assign_codes: str | None = None,
        code_template: str | None = None,
        skip_invalid: bool = False,
        batch_size: int | None = BATCH_SIZE,
        area_tolerance: float = AREA_MISMATCH_SHARE,
        limits: ArchiveLimits | None = None,
    ) -> ImportOptions:
        """The options a user gave, checked: a mapping file (``mapping`` as a path) is
        read, the CRS parsed, the code options (also from the mapping file's
        ``assign_codes``/``code_template``) checked. Raises :class:`InvalidInput` (a
        :class:`~landgis.io.problems.FileRefused` for a mapping file or code option)
        saying what to change."""
        if mode not in MODES:
            raise InvalidInput(
                _(
                    "未知的导入方式 {mode}:“已有宗地编号”一项只能选择“视为错误(只新增)”"
                    "或“更新这些宗地”。",
                    mode=mode,
                )
            )
        if batch_size is not None and batch_size < 1:
            raise InvalidInput(_("每批行数应为正整数,收到 {size}。", size=batch_size))
        if mapping is not None:
            mapping = (
                validate_mapping(mapping)
                if isinstance(mapping, Mapping)
                else load_mapping(Path(mapping))
            )
        if crs is not None:
            crs_guard.parse_crs(crs)
        return cls(
            layer=layer or None,
            crs=crs or None,
            mapping=mapping,
            mode=ImportMode(mode),
            swap_xy=swap_xy,
            from_gcj02=from_gcj02,
            codes=code_options(assign_codes or None, code_template or None, mapping),
            skip_invalid=skip_invalid,
            batch_size=batch_size,
            area_tolerance=area_tolerance,
            limits=limits or ArchiveLimits(),
        )
