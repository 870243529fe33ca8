"""A matplotlib figure of an exact size in millimetres and dots per inch, drawn by Agg
(no pyplot, no global state), and its PNG bytes."""

from __future__ import annotations

import io
from collections.abc import Iterator
from contextlib import contextmanager

from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from landgis.errors import InvalidInput
from landgis.i18n import _

MM_PER_INCH = 25.4


def pixels(mm: float, dpi: int) -> int:
    """How many pixels ``mm`` millimetres take at ``dpi``."""
    return round(mm / MM_PER_INCH * dpi)


def points(mm: float) -> float:
    """``mm`` millimetres in typographic points."""
    return mm / MM_PER_INCH * 72


@contextmanager
def figure(
    width_mm: float, height_mm: float, dpi: int, *, constrained: bool = False
) -> Iterator[Figure]:
    """A white figure of ``width_mm`` × ``height_mm`` at ``dpi`` on its own Agg canvas
    (laid out by matplotlib's constrained layout if asked); its PNG is exactly
    :func:`pixels` wide and high. Freed when the block ends."""
    if not (width_mm > 0 and height_mm > 0 and dpi > 0):
        raise InvalidInput(_("图片的宽度、高度和分辨率都必须大于 0。"))
    # A quarter pixel more than the wanted size: Agg truncates the size in pixels, and
    # millimetres rarely make a whole number of pixels in floating point.
    size = ((pixels(width_mm, dpi) + 0.25) / dpi, (pixels(height_mm, dpi) + 0.25) / dpi)
    fig = Figure(
        figsize=size, dpi=dpi, facecolor="white", layout="constrained" if constrained else None
    )
    FigureCanvasAgg(fig)
    try:
        yield fig
    finally:
        fig.clear()


def png_bytes(fig: Figure) -> bytes:
    """The figure as PNG bytes, at its own size and resolution."""
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=fig.dpi, facecolor=fig.get_facecolor())
    return out.getvalue()
