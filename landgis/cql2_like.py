"""CQL2 LIKE patterns (``%`` any characters, ``_`` one character, a backslash before
either, or before itself, for the character itself) as the database reads them."""

from __future__ import annotations

from landgis.errors import InvalidInput
from landgis.i18n import _

_GLOB_SPECIAL = "*?["


def like_patterns(pattern: str) -> tuple[str, str]:
    """The CQL2 ``pattern`` as an SQL LIKE pattern (backslash escapes) and as a GLOB
    pattern: the same matches, for :class:`landgis.db.backends.CaseSensitiveLike`."""
    like, glob = [], []
    escaped = False
    for char in pattern:
        if escaped:
            like.append(char if char not in "%_\\" else "\\" + char)
            glob.append(f"[{char}]" if char in _GLOB_SPECIAL else char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == "%":
            like.append("%")
            glob.append("*")
        elif char == "_":
            like.append("_")
            glob.append("?")
        else:
            like.append(char)
            glob.append(f"[{char}]" if char in _GLOB_SPECIAL else char)
    if escaped:
        raise InvalidInput(_("filter 中 LIKE 的模式不能以反斜杠结尾。"))
    return "".join(like), "".join(glob)
