"""What a field is: its name, kind, unit, labels and where it may travel.

A :class:`Field` describes one attribute of a parcel, a case or an event once; the
ledger's columns (:mod:`landgis.schema.columns`), the forms, the exchange files, the
exports and the command line's ``--set`` names are all read from these descriptions.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from landgis.i18n import Localizable
from landgis.i18n.values import Label

Kind = Literal["text", "code", "vocab", "int", "float", "date", "area", "floor_area", "money"]
"""How a value is typed and shown: ``area`` is land in m² (shown in 亩), ``floor_area`` is
building floor space in m² (shown in ㎡), ``money`` is yuan, ``vocab`` is a code of a
controlled vocabulary (:mod:`landgis.vocab`), ``code`` an identifier shown as typed."""

NUMERIC_KINDS: frozenset[str] = frozenset({"int", "float", "area", "floor_area", "money"})


@dataclass(frozen=True)
class Field:
    """One attribute as users see it and as files carry it.

    ``zh`` and ``en`` are the labels a clerk reads; ``unit`` the unit the value is stored
    in (``m2``, ``yuan``, ``yuan/mu``); ``vocabulary`` the name of the controlled
    vocabulary its codes come from; ``editable`` whether a clerk edits it directly (other
    fields change through their own use cases); ``tracked`` whether each change is kept
    in the case history; ``exchange`` whether the exchange GeoPackage carries it.
    """

    name: str
    kind: Kind
    zh: str
    en: str
    unit: str | None = None
    vocabulary: str | None = None
    editable: bool = False
    tracked: bool = False
    exchange: bool = True

    @property
    def is_numeric(self) -> bool:
        """Whether the value is a number (and shown as "—" when missing)."""
        return self.kind in NUMERIC_KINDS

    def label(self, lang: str = "zh") -> str:
        """The label in ``lang`` (``zh`` or ``en``)."""
        return self.en if lang == "en" else self.zh

    def render(self, lang: str = "zh") -> str:
        """As a value of a message, a field shows as its label in the message's language."""
        return self.label(lang)


class FieldSet:
    """An ordered, named collection of fields (the fields of one record)."""

    def __init__(self, *fields: Field) -> None:
        self._fields = fields
        self._by_name = {f.name: f for f in fields}
        if len(self._by_name) != len(fields):
            raise ValueError("a field set names each field once")

    def __iter__(self) -> Iterator[Field]:
        return iter(self._fields)

    def __len__(self) -> int:
        return len(self._fields)

    def __contains__(self, name: object) -> bool:
        return name in self._by_name

    def __getitem__(self, name: str) -> Field:
        return self._by_name[name]

    def get(self, name: str) -> Field | None:
        """The field called ``name``, or None."""
        return self._by_name.get(name)

    def names(
        self,
        *,
        editable: bool | None = None,
        tracked: bool | None = None,
        exchange: bool | None = None,
    ) -> tuple[str, ...]:
        """The fields' names in order, optionally only those with the given flags."""
        wanted = {"editable": editable, "tracked": tracked, "exchange": exchange}
        return tuple(
            f.name
            for f in self._fields
            if all(value is None or getattr(f, flag) == value for flag, value in wanted.items())
        )

    def labels(self, lang: str = "zh") -> dict[str, str]:
        """Name -> label in ``lang``."""
        return {f.name: f.label(lang) for f in self._fields}


def label_of(name: str, *records: FieldSet) -> Localizable:
    """The label of field ``name`` of the first of ``records`` that has it, to show in a
    message in any language; the name itself when none has it."""
    for record in records:
        found = record.get(name)
        if found is not None:
            return found
    return Label(name, name)
