"""Messages in the user's language, from Babel message catalogues.

Code and templates write each message once, in Chinese (the language of the ledger and
the default of every door), marked for extraction: ``_("宗地 {code} 不存在", code=code)``
makes a :class:`Text` that renders in any language later, ``term("status", code)`` the
name of a vocabulary's code. ``make messages`` extracts them into
``landgis/locale/messages.pot`` and updates the ``zh_CN`` and ``en`` catalogues;
``make install`` compiles them (see :mod:`landgis.i18n.catalogues`).
"""

from landgis.i18n.catalogues import (
    DEFAULT_LANGUAGE,
    LANGUAGES,
    language_of,
    translate,
)
from landgis.i18n.text import Localizable, Text, _, listing, localized, pgettext, term

__all__ = [
    "DEFAULT_LANGUAGE",
    "LANGUAGES",
    "Localizable",
    "Text",
    "_",
    "language_of",
    "listing",
    "localized",
    "pgettext",
    "term",
    "translate",
]
