"""A file read and checked: what the pipeline knows between checking and storing."""

from __future__ import annotations

from dataclasses import dataclass, field

import geopandas as gpd
import pandas as pd

from landgis.geo import CGCS2000
from landgis.imports.report import ImportReport
from landgis.imports.rows import Rows
from landgis.imports.source import Source


@dataclass
class Checked:
    """A file read and checked, nothing written: the report so far, the typed and
    placed rows of each batch, and the rows with an error of their own."""

    report: ImportReport
    source: Source | None = None
    batches: list[Rows] = field(default_factory=list)
    bad_rows: set[int] = field(default_factory=set)
    file_refused: bool = False
    numbered: bool = False  # the import's codes given to the accepted rows (once)
    _frame: gpd.GeoDataFrame | None = field(default=None, repr=False)

    @property
    def frame(self) -> gpd.GeoDataFrame:
        """Every row read, typed and placed (EPSG:4490), in file order (the batches put
        together once; again after :meth:`changed`)."""
        if self._frame is None:
            frames = [b.frame for b in self.batches if b.frame is not None]
            self._frame = (
                gpd.GeoDataFrame(pd.concat(frames, ignore_index=True), crs=CGCS2000)
                if frames
                else gpd.GeoDataFrame({"row": []}, geometry=[], crs=CGCS2000)
            )
        return self._frame

    def changed(self) -> None:
        """Say that the batches' rows changed (codes given): :attr:`frame` is put
        together again."""
        self._frame = None

    @property
    def fields(self) -> list[str]:
        """The parcel fields the rows give."""
        return self.source.fields if self.source is not None else []

    @property
    def refused_whole(self) -> bool:
        """Whether nothing can be imported: the file as a whole is at fault, or it has no
        rows, or (without ``skip_invalid``) some row has an error."""
        if self.file_refused or not self.report.features:
            return True
        if any(p.is_error and p.row is None for p in self.report.problems):
            return True
        if not self.report.skip_invalid:
            return bool(self.bad_rows)
        return self.report.parcels == 0
