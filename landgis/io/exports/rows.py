"""The ledger being exported, read from the database in chunks.

The current ledger is one query over cases, parcels and zones ordered by zone and case
number, read with a server-side cursor ``chunk_size`` rows at a time; each chunk gets its
derived columns (亩, overdue) and its labels as a whole; the filters are applied in
SQL (:func:`landgis.ledger.current_ledger_query`). A ledger as of a past
date is rebuilt from the events (:func:`landgis.ledger.case_list`) and then cut in chunks.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
from collections.abc import Iterator, Sequence
from typing import Any

import geopandas as gpd
import orjson
import pandas as pd
import shapely
from sqlalchemy import Text as SqlText
from sqlalchemy import cast, select
from sqlalchemy.orm import Session

from landgis.db.models import Case, CaseEvent, Parcel
from landgis.db.query_types import AnySelect
from landgis.db.repository import wkb_of
from landgis.filter_note import FilterNote, filter_note
from landgis.filters import ParcelFilter, without_paging
from landgis.geo import CGCS2000_EPSG
from landgis.i18n import DEFAULT_LANGUAGE, Text, _, language_of
from landgis.io.exports.columns import area_sources, ledger_table, zone_labels
from landgis.io.exports.print_setup import PrintSetup
from landgis.ledger import case_list, current_ledger_query, ordered, with_derived_columns
from landgis.stats import headline_figures
from landgis.wallclock import today

DEFAULT_CHUNK_SIZE = 5000
EVENT_COLUMNS: tuple[str, ...] = (
    "case_no",
    "parcel_code",
    "occurred_on",
    "actor",
    "action",
    "status_before",
    "status_after",
    "changes",
    "document_no",
    "note",
)
CHANGES_INDEX = EVENT_COLUMNS.index("changes")


def has_case_filters(filters: ParcelFilter) -> bool:
    """Whether ``filters`` narrow by something only cases have."""
    return bool(filters.status or filters.category or filters.route or filters.cause) or (
        filters.overdue is not None or filters.in_ledger is True
    )


def _geometries(frame: pd.DataFrame) -> Any:
    wkb = [bytes(v) if isinstance(v, bytes | memoryview) else None for v in frame["geometry"]]
    return shapely.from_wkb(wkb)


@dataclasses.dataclass
class LedgerData:
    """The ledger being exported: its rows as of a date, filtered, numbered 1…N and grouped
    by zone, read in chunks of ``chunk_size`` each time :meth:`chunks` is iterated; figures
    and events fetched when a format asks for them."""

    session: Session
    as_of: dt.date
    county: str
    filters: ParcelFilter = dataclasses.field(default_factory=ParcelFilter)
    chunk_size: int = DEFAULT_CHUNK_SIZE
    # Whether the ledger is the current one (True) or rebuilt as of ``as_of`` from events.
    current: bool = True
    # The language of the notes that name the filters (zh or en).
    lang: str = DEFAULT_LANGUAGE
    # How the ledger is printed: the paper and the printed columns.
    print_setup: PrintSetup = dataclasses.field(default_factory=PrintSetup)
    # Counted by the last complete pass of :meth:`chunks`: rows and their case numbers.
    count: int = 0
    case_nos: set[str] = dataclasses.field(default_factory=set)

    @property
    def title(self) -> str:
        """``青溪县低效闲置工业用地处置台账(截至2023年8月31日)``."""
        return f"{self.county}低效闲置工业用地处置台账(截至{_cn_date(self.as_of)})"

    @functools.cached_property
    def filters_in_words(self) -> FilterNote:
        """The filters in words (zone names, vocabulary names; empty when nothing is
        narrowed), to render in any language."""
        return filter_note(self.session, self.filters)

    @property
    def filter_note(self) -> str:
        """The filters in words in the export's language, or ''."""
        return self.filters_in_words.render(self.lang)

    def note(self, text: Text) -> str:
        """A message of the export rendered in the export's language."""
        return text.render(self.lang)

    def filter_line(self) -> str:
        """The note naming the filters (``筛选条件:园区:临江工业区``), or '' when nothing is
        narrowed."""
        words = self.filters_in_words
        return self.note(_("筛选条件:{filters}", filters=words)) if words else ""

    def _raw_chunks(self, geometry: bool) -> Iterator[pd.DataFrame]:
        """Ledger rows (keys of :func:`landgis.ledger.ledger_rows`), filtered, in order."""
        f = self.filters
        if f.in_ledger is False:
            return
        if self.current:
            stmt = current_ledger_query(self.session, f, geometry=geometry, day=self.as_of)
            for rows in self._stream(stmt):
                if len(rows):
                    yield with_derived_columns(rows, self.as_of)
            return
        rows, _total = case_list(self.session, f, self.as_of)
        rows = rows.reset_index(drop=True)
        geoms = self._parcel_geometries() if geometry else None
        for start in range(0, len(rows), self.chunk_size):
            chunk = rows.iloc[start : start + self.chunk_size].reset_index(drop=True)
            if geoms is not None:
                chunk["geometry"] = chunk["parcel_code"].map(geoms)
            yield chunk

    def _stream(self, stmt: AnySelect) -> Iterator[pd.DataFrame]:
        """The rows of ``stmt`` as frames of ``chunk_size`` rows, from a server-side cursor
        (plain Core rows: no ORM loading)."""
        streamed = stmt.execution_options(yield_per=self.chunk_size)
        result = self.session.connection().execute(streamed)
        columns = list(result.keys())
        for part in result.partitions():
            values = zip(*part, strict=True)
            yield pd.DataFrame(dict(zip(columns, values, strict=True)), columns=columns)

    def _parcel_geometries(self) -> dict[str, Any]:
        stmt = select(Parcel.parcel_code, wkb_of(Parcel.geom))
        return {
            code: (None if wkb is None else bytes(wkb)) for code, wkb in self.session.execute(stmt)
        }

    def chunks(self, *, geometry: bool = False, precise: bool = False) -> Iterator[pd.DataFrame]:
        """The rows as exported (:func:`~landgis.io.exports.columns.ledger_table`) chunk by
        chunk, with ``seq`` 1…N and ``zone_label``; with ``geometry`` a GeoDataFrame with
        each row's parcel geometry (EPSG:4490); with ``precise`` the areas unrounded and
        the stored m² of each area column beside them (:func:`area_sources`)."""
        seq = 0
        case_nos: set[str] = set()
        for rows in self._raw_chunks(geometry):
            rows = rows.reset_index(drop=True)
            rows["seq"] = range(seq + 1, seq + len(rows) + 1)
            seq += len(rows)
            case_nos.update(rows["case_no"].dropna())
            table = ledger_table(rows, precise=precise)
            if precise:
                sources = area_sources(rows)
                table = table.join(sources[[c for c in sources if c not in table]])
            table["zone_label"] = zone_labels(rows)
            if geometry:
                table = gpd.GeoDataFrame(table, geometry=_geometries(rows), crs=CGCS2000_EPSG)
            yield table
        self.count, self.case_nos = seq, case_nos

    def rows_frame(self) -> pd.DataFrame:
        """Every row as exported, in one frame (for the formats that need the whole)."""
        parts = list(self.chunks())
        if not parts:
            return ledger_table(pd.DataFrame()).assign(zone_label=pd.Series(dtype=object))
        return pd.concat(parts, ignore_index=True)

    def figures(self, date_from: dt.date | None) -> dict[str, Any]:
        """The headline figures of the exported ledger (narrowed by the same filters): the
        ledger as of the export date, revitalized since ``date_from``."""
        date_to = None if self.current else self.as_of
        figures = headline_figures(
            self.session, date_from=date_from, date_to=date_to, filters=self.filters
        )
        if date_to is None:
            figures["period"]["to"] = self.as_of.isoformat()
        return figures

    def events(self) -> Iterator[list[Sequence[Any]]]:
        """Every event of the exported cases up to the export date, by case, oldest first,
        in chunks of rows (values in the order of :data:`EVENT_COLUMNS`). Needs a finished pass of
        :meth:`chunks` (it keeps the case numbers)."""
        stmt = (
            select(
                Case.case_no,
                Parcel.parcel_code,
                CaseEvent.occurred_on,
                CaseEvent.actor,
                CaseEvent.action,
                CaseEvent.status_before,
                CaseEvent.status_after,
                # As text, parsed here with orjson: far quicker than each driver's JSON type.
                cast(CaseEvent.changes, SqlText).label("changes"),
                CaseEvent.document_no,
                CaseEvent.note,
            )
            .join(Case, Case.id == CaseEvent.case_id)
            .join(Parcel, Parcel.id == Case.parcel_id)
            .where(CaseEvent.occurred_on <= self.as_of)
            .order_by(ordered(self.session, Case.case_no), CaseEvent.occurred_on, CaseEvent.id)
        )
        wanted = self.case_nos
        streamed = stmt.execution_options(yield_per=self.chunk_size)
        for part in self.session.connection().execute(streamed).partitions():
            kept: list[Sequence[Any]] = [_with_changes(r) for r in part if r[0] in wanted]
            if kept:
                yield kept


def _with_changes(row: Sequence[Any]) -> list[Any]:
    values = list(row)
    changes = values[CHANGES_INDEX]
    values[CHANGES_INDEX] = None if changes is None else orjson.loads(changes)
    return values


def _cn_date(day: dt.date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


def collect_ledger(
    session: Session,
    *,
    as_of: dt.date | None = None,
    filters: ParcelFilter | None = None,
    county: str | None = None,
    chunk_size: int = DEFAULT_CHUNK_SIZE,
    lang: str = DEFAULT_LANGUAGE,
    print_setup: PrintSetup | None = None,
) -> LedgerData:
    """The ledger as of ``as_of`` (today's, current, when None), narrowed by ``filters``;
    the notes that name the filters in ``lang``; printed as ``print_setup`` says (the
    settings' when None).

    Paging (limit, offset) is ignored: an export holds every matching row. Nothing is read
    until a format iterates :meth:`LedgerData.chunks`.
    """
    if county is None or print_setup is None:
        from landgis.settings import get_settings

        settings = get_settings()
        county = settings.county_name if county is None else county
        print_setup = print_setup or PrintSetup.from_settings(settings)
    if chunk_size < 1:
        raise ValueError("chunk_size must be positive")
    filters = without_paging(filters or ParcelFilter())
    return LedgerData(
        session=session,
        as_of=as_of or today(),
        county=county,
        filters=filters,
        chunk_size=chunk_size,
        current=as_of is None,
        lang=language_of(lang),
        print_setup=print_setup,
    )
