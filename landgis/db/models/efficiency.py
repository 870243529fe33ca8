"""Enterprises' figures, the evaluation's reviews and its stored results (亩均效益评价)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import (
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from landgis.db.models.base import Base, JSONType, one_of


class EnterpriseFigures(Base):
    """An enterprise's figures of one year (亩均效益评价's inputs), keyed by its unified
    social credit code (or, without one, its name). A re-import of a year replaces that
    year's rows."""

    __tablename__ = "enterprise_figures"
    __table_args__ = (
        UniqueConstraint("year", "credit_code", name="uq_enterprise_figures_year_code"),
        UniqueConstraint("year", "name", name="uq_enterprise_figures_year_name"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    credit_code: Mapped[str | None] = mapped_column(String(18))
    name: Mapped[str] = mapped_column(String(256))
    tax_yuan: Mapped[float | None] = mapped_column(Float)
    revenue_yuan: Mapped[float | None] = mapped_column(Float)
    output_yuan: Mapped[float | None] = mapped_column(Float)
    value_added_yuan: Mapped[float | None] = mapped_column(Float)
    energy_tce: Mapped[float | None] = mapped_column(Float)
    emissions_t: Mapped[float | None] = mapped_column(Float)
    employees: Mapped[float | None] = mapped_column(Float)
    rd_yuan: Mapped[float | None] = mapped_column(Float)
    # Other columns of the imported row (pollutants one by one, the industry, …).
    extra: Mapped[dict[str, Any] | None] = mapped_column(JSONType)
    source_row: Mapped[int | None] = mapped_column(Integer)
    imported_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EfficiencyReview(Base):
    """A clerk's decision on a suggested case of a year's evaluation: opened as a case
    (``case_id``) or dismissed with a reason, which is kept and not suggested again."""

    __tablename__ = "efficiency_reviews"
    __table_args__ = (
        UniqueConstraint("year", "parcel_id", name="uq_efficiency_reviews_year_parcel"),
        one_of("decision", {"opened": "已立案", "dismissed": "不予立案"}),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    parcel_id: Mapped[int] = mapped_column(ForeignKey("parcels.id"), index=True)
    decision: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(500))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("cases.id"))
    actor: Mapped[str | None] = mapped_column(String(64))
    decided_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True))


class EfficiencyResult(Base):
    """One parcel of an enterprise evaluated in a year: the evaluation's result for that
    enterprise (:mod:`landgis.efficiency.results`, rewritten whenever it is out of date),
    what the ``efficiency`` feature collection serves. No foreign keys: the rows are a
    copy of what :func:`~landgis.efficiency.evaluation.evaluate` gives, never a reason to
    refuse a change to a parcel or to the figures."""

    __tablename__ = "efficiency_results"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    # "<year>-<parcel code>": the feature's id and the collection's paging key.
    key: Mapped[str] = mapped_column(String(80), unique=True)
    year: Mapped[int] = mapped_column(Integer, index=True)
    parcel_id: Mapped[int] = mapped_column(Integer, index=True)
    figure_id: Mapped[int] = mapped_column(Integer)
    parcel_count: Mapped[int] = mapped_column(Integer)
    matched_by: Mapped[str] = mapped_column(String(8))
    area_m2: Mapped[float] = mapped_column(Float)
    tax_per_mu: Mapped[float | None] = mapped_column(Float)
    revenue_per_mu: Mapped[float | None] = mapped_column(Float)
    value_added_per_mu: Mapped[float | None] = mapped_column(Float)
    value_added_per_energy: Mapped[float | None] = mapped_column(Float)
    value_added_per_emission: Mapped[float | None] = mapped_column(Float)
    labour_productivity: Mapped[float | None] = mapped_column(Float)
    rd_intensity: Mapped[float | None] = mapped_column(Float)
    score: Mapped[float] = mapped_column(Float)
    class_: Mapped[str] = mapped_column("class", String(1))
    previous_score: Mapped[float | None] = mapped_column(Float)
    previous_class: Mapped[str | None] = mapped_column(String(1))
    trend: Mapped[str] = mapped_column(String(8))
    # The year as days: 1 January and 31 December (what ``datetime`` is matched on).
    year_start: Mapped[dt.date] = mapped_column(Date)
    year_end: Mapped[dt.date] = mapped_column(Date)


class EfficiencyYearStamp(Base):
    """What a year's :class:`EfficiencyResult` rows were computed from (the land version,
    that year's and the year before's figures, the county's rules, as a digest), to tell
    when they are out of date."""

    __tablename__ = "efficiency_year_stamps"

    year: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    stamp: Mapped[str] = mapped_column(String(64))
