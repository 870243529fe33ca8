"""A filter in words, for the notes of exported and printed ledgers: zone names, and the
names of statuses, categories, routes and causes in the language the note is rendered in
(``园区:临江工业区;处置状态:已认定``, ``Zone: 临江工业区; Status: Identified``), never
their codes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from landgis.db.models import Zone
from landgis.filters import ParcelFilter
from landgis.i18n import DEFAULT_LANGUAGE, Text, _, listing, term


@dataclass(frozen=True)
class FilterNote:
    """What a filter narrows, part by part; renders in any language ('' when nothing)."""

    parts: tuple[Text, ...] = ()

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The parts in ``lang``, separated by semicolons."""
        separator = ";" if lang == DEFAULT_LANGUAGE else "; "
        return separator.join(part.render(lang) for part in self.parts)

    def __bool__(self) -> bool:
        return bool(self.parts)

    def __str__(self) -> str:
        return self.render()


def _terms(vocabulary: str, codes: tuple[str, ...]) -> object:
    return listing(term(vocabulary, code) for code in codes)


def describe_filters(filters: ParcelFilter, zone_names: Mapping[str, str]) -> FilterNote:
    """``filters`` in words: zones by their names (``zone_names``: code → name; an unknown
    code as given), coded values by their names. Paging is not described."""
    f = filters
    parts: list[Text] = []
    if f.zone:
        parts.append(_("园区:{values}", values=listing(zone_names.get(z, z) for z in f.zone)))
    if f.status:
        parts.append(_("处置状态:{values}", values=_terms("status", f.status)))
    if f.category:
        parts.append(_("问题类型:{values}", values=_terms("category", f.category)))
    if f.route:
        parts.append(_("处置方式:{values}", values=_terms("route", f.route)))
    if f.cause:
        parts.append(_("闲置原因:{values}", values=_terms("cause", f.cause)))
    if f.codes:
        parts.append(_("宗地编号:{values}", values=listing(f.codes)))
    if f.overdue is not None:
        parts.append(_("逾期:是") if f.overdue else _("逾期:否"))
    if f.in_ledger is not None:
        parts.append(_("在台账中:是") if f.in_ledger else _("在台账中:否"))
    if f.bbox is not None:
        parts.append(_("范围:{bbox}", bbox=",".join(f"{v:g}" for v in f.bbox)))
    if f.text:
        parts.append(_("关键字:{text}", text=f.text.strip()))
    return FilterNote(tuple(parts))


def filter_note(session: Session, filters: ParcelFilter) -> FilterNote:
    """``filters`` in words, the zones named as the database names them."""
    names: dict[str, str] = {}
    if filters.zone:
        stmt = select(Zone.code, Zone.name).where(Zone.code.in_(filters.zone))
        names = {code: name for code, name in session.execute(stmt) if name}
    return describe_filters(filters, names)
