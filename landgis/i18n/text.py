"""A message written once and rendered in any language: :class:`Text`.

``_("宗地 {code} 不存在", code=code)`` keeps the Chinese source text (the catalogues'
msgid, a ``str.format`` template) and its values; ``.render("en")`` looks the template up
in the English catalogue and fills it. Values that are themselves localizable (another
:class:`Text`, a :func:`term`, a :func:`listing`) render in the same language, so an
English message never shows a Chinese label or an internal code.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from landgis.i18n.catalogues import DEFAULT_LANGUAGE, translate


@runtime_checkable
class Localizable(Protocol):
    """Anything that renders itself in a language."""

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str: ...


def localized(value: object, lang: str) -> object:
    """``value`` rendered in ``lang`` when it is localizable, else as it is."""
    return value.render(lang) if isinstance(value, Localizable) else value


@dataclass(frozen=True)
class Text:
    """A catalogue message with its values, rendered on demand."""

    msgid: str
    values: Mapping[str, Any] = field(default_factory=dict)
    context: str | None = None

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in ``lang``, its values filled in (rendered in ``lang`` too)."""
        template = translate(self.msgid, lang, self.context)
        if not self.values:
            return template
        return template.format(**{k: localized(v, lang) for k, v in self.values.items()})

    def __str__(self) -> str:
        return self.render()


def _(msgid: str, /, **values: Any) -> Text:
    """Mark ``msgid`` (Chinese, a ``str.format`` template) for the catalogues; the
    message with ``values``, to render later in the user's language."""
    return Text(msgid, values)


def pgettext(context: str, msgid: str, /, **values: Any) -> Text:
    """Like :func:`_`, for a source text that needs different translations in different
    places: ``context`` tells them apart (筛选: "Filter" on a button, "Filters" as a
    heading)."""
    return Text(msgid, values, context)


@dataclass(frozen=True)
class Term:
    """The name of one code of a vocabulary (``landgis.vocab.VOCABULARIES``)."""

    vocabulary: str
    code: str

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        from landgis.vocab import VOCABULARIES

        name = VOCABULARIES[self.vocabulary].get(self.code)
        return self.code if name is None else translate(name, lang, self.vocabulary)

    def __str__(self) -> str:
        return self.render()


def term(vocabulary: str, code: str) -> Term:
    """The name of ``code`` in ``vocabulary``, in the language it is rendered in (the code
    itself when the vocabulary does not know it)."""
    return Term(vocabulary, code)


@dataclass(frozen=True)
class Listing:
    """Several values shown as one list: 甲、乙 in Chinese, "a, b" in English (or joined
    by ``separator`` in every language, e.g. command-line options by spaces)."""

    items: tuple[object, ...]
    separator: str | None = None

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        separator = self.separator
        if separator is None:
            separator = "、" if lang == DEFAULT_LANGUAGE else ", "
        return separator.join(str(localized(item, lang)) for item in self.items)

    def __str__(self) -> str:
        return self.render()


def listing(items: Iterable[object], separator: str | None = None) -> Listing:
    """``items`` (texts, terms, plain values) as one list in the rendering language."""
    return Listing(tuple(items), separator)
