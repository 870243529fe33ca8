"""Text in the order a clerk looks it up: Chinese by pinyin (then tone), Latin letters
without regard to case, digits before letters, full-width forms as their half-width twins.

One key, :func:`sort_key`, for wherever text is sorted for display, so that 青溪县… sorts
among the Q's and 四川… among the S's instead of by code point.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Iterable
from functools import lru_cache

SortKey = tuple[int, tuple[tuple[str, int], ...], str]
MISSING_KEY: SortKey = (1, (), "")  # after every text


def _each_character(text: str) -> list[str]:
    """What pypinyin gives for a run of characters that are not Chinese: one item each."""
    return list(text)


@lru_cache(maxsize=1 << 16)
def _text_key(text: str) -> SortKey:
    # pypinyin's dictionary takes a good part of a second to load: only when text is sorted.
    from pypinyin import Style, lazy_pinyin

    normal = unicodedata.normalize("NFKC", text).strip()
    syllables = lazy_pinyin(
        normal,
        style=Style.TONE3,
        neutral_tone_with_five=True,
        errors=_each_character,  # type: ignore[arg-type]  # documented: may return a list
    )
    parts: list[tuple[str, int]] = []
    for syllable in syllables:
        if len(syllable) > 1 and syllable[-1].isdigit() and syllable[:-1].isalpha():
            parts.append((syllable[:-1], int(syllable[-1])))  # a Chinese character: qing1
        else:
            parts.append((syllable.casefold(), 0))
    return (0, tuple(parts), text)


def sort_key(value: object) -> SortKey:
    """The key ``value`` sorts by as text; a missing value (None, NaN, '') sorts last."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return MISSING_KEY
    text = str(value)
    return _text_key(text) if text.strip() else MISSING_KEY


def sorted_texts(values: Iterable[str]) -> list[str]:
    """``values`` in :func:`sort_key` order."""
    return sorted(values, key=sort_key)
