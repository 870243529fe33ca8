"""A Babel extraction method for the names of the ledger's vocabularies.

The names live in :data:`landgis.vocab.VOCABULARIES` as plain dictionaries (code -> 中文
name); each is extracted under its vocabulary's name as the message context, since one
Chinese word may need different English in two vocabularies (闲置: idle land, an idle
building). ``babel.cfg`` maps ``landgis/vocab.py`` to this method.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import IO, Any


def vocabularies(
    fileobj: IO[bytes], keywords: Any, comment_tags: Any, options: Mapping[str, Any]
) -> Iterator[tuple[int, str, tuple[str, str], list[str]]]:
    """(line, "pgettext", (vocabulary, name), comments) for every vocabulary name."""
    from landgis.vocab import VOCABULARIES

    lines = fileobj.read().decode("utf-8").splitlines()

    def line_of(name: str) -> int:
        quoted = f'"{name}"'
        return next((n for n, line in enumerate(lines, 1) if quoted in line), 0)

    for vocabulary, names in VOCABULARIES.items():
        for code, name in names.items():
            yield line_of(name), "pgettext", (vocabulary, name), [f"code: {code}"]
