"""The staff UI's texts in the user's language, from the message catalogues
(:mod:`landgis.i18n`).

Templates and page modules write each text once, in Chinese, marked for the catalogues:
in a template ``_("第 {page} / {pages} 页", page=2, pages=5)`` (``pgettext("context",
"中文")`` where one Chinese text needs two translations), in Python
``landgis.i18n._(…)``, a :class:`~landgis.i18n.Text` that a :class:`Translator` renders
in the request's language. The names of the ledger's vocabularies come from the
catalogues too (``t.term``); field labels and ledger headers from the field schema
(``t.field``, ``t.column``).
"""

from __future__ import annotations

from typing import Any

from landgis import schema
from landgis.errors import LandGISError
from landgis.i18n import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    Localizable,
    Text,
    _,
    language_of,
    term,
)
from landgis.i18n.values import Label
from landgis.maps import MapLabels, labels_in

__all__ = [
    "COOKIE",
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Translator",
    "label_of",
    "language_of",
    "map_labels",
]

COOKIE = "landgis_lang"

# Inputs of the forms that are not case fields, by the name they post.
EXTRA_FIELDS: dict[str, Text] = {"reason": _("理由说明")}
CASE_FIELDS = {f.name: f for f in schema.CASE}
COLUMNS = {c.key: c for c in schema.EXPORTED}


def label_of(name: str) -> Localizable:
    """The label of a case field, a form's own input or a ledger column, to show in any
    language (the name itself when it is none of them)."""
    extra = EXTRA_FIELDS.get(name)
    if extra is not None:
        return extra
    return CASE_FIELDS.get(name) or COLUMNS.get(name) or Label(name, name)


def field_label(name: str, lang: str) -> str:
    """The label of a case field (or of a ledger column, or a form's own input)."""
    return label_of(name).render(lang)


def column_header(key: str, lang: str) -> str:
    """The header of a ledger column (``key`` itself when there is no such column)."""
    column = COLUMNS.get(key)
    return column.header(lang) if column is not None else key


def map_labels(lang: str = DEFAULT_LANGUAGE) -> MapLabels:
    """The texts of the folium maps in ``lang`` (the maps' own, from the catalogues)."""
    return labels_in(language_of(lang))


class Translator:
    """Texts in one language: ``t("中文 {x}", x=…)`` or ``t(text)`` for a message (the
    templates' ``_``), ``t.pgettext(context, "中文")``, ``t.term(vocabulary, code)``,
    ``t.field(name)``, ``t.column(key)`` and ``t.message(error)``."""

    def __init__(self, lang: str = DEFAULT_LANGUAGE) -> None:
        self.lang = language_of(lang)

    def __call__(self, message: str | Localizable, /, **values: Any) -> str:
        """A catalogue message (its Chinese source text and values), or anything
        localizable (a Text, a term, a list), in this language."""
        if isinstance(message, str):
            return Text(message, values).render(self.lang)
        return message.render(self.lang)

    def pgettext(self, context: str, msgid: str, /, **values: Any) -> str:
        """A message whose Chinese text is translated by where it is shown."""
        return Text(msgid, values, context).render(self.lang)

    def term(self, vocabulary: str, code: str) -> str:
        """The name of ``code`` in one of the vocabularies (the code if unknown)."""
        return term(vocabulary, code).render(self.lang)

    def field(self, name: str) -> str:
        """The label of a case field (or of a ledger column)."""
        return field_label(name, self.lang)

    def column(self, key: str) -> str:
        """The header of a ledger column."""
        return column_header(key, self.lang)

    def message(self, error: LandGISError) -> str:
        """A library error's message for the user, in this language."""
        return error.text.render(self.lang)
