"""Texts measured in the pictures' font, and broken into lines that fit a width: at
spaces, or between Chinese characters (which need none)."""

from __future__ import annotations

from matplotlib.font_manager import FontProperties
from matplotlib.textpath import text_to_path


def width_pt(text: str, font: FontProperties) -> float:
    """How wide ``text`` is drawn in ``font``, in points."""
    width, _height, _descent = text_to_path.get_text_width_height_descent(text, font, ismath=False)
    return float(width)


# Chinese punctuation that never starts a line.
_CLOSING = set("、,。;:?!)》」』】〕…")


def _wide(char: str) -> bool:
    return bool(char) and ord(char) >= 0x2E80  # CJK scripts and their punctuation


def _pieces(text: str) -> list[str]:
    """``text`` cut where a line may break: after a space, around a wide character."""
    pieces: list[str] = []
    current = ""
    for char in text:
        breaks = _wide(char) or _wide(current[-1:]) or current.endswith(" ")
        if current and breaks and char not in _CLOSING:
            pieces.append(current)
            current = ""
        current += char
    if current:
        pieces.append(current)
    return pieces


def wrapped(text: str, most_pt: float, font: FontProperties) -> str:
    """``text`` in lines no wider than ``most_pt`` points where it can be broken (a word
    wider than that keeps its own line)."""
    lines: list[str] = []
    line = ""
    for piece in _pieces(text):
        if line and width_pt((line + piece).rstrip(), font) > most_pt:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    lines.append(line.rstrip())
    return "\n".join(lines)
