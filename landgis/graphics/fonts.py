"""The font of the printed pictures' texts: the CJK family the printed ledger prints with
(:func:`~landgis.io.exports.printed_ledger.fonts.cjk_families`), its files found through
fontconfig (``fc-match``) and registered with matplotlib's font manager once, so Chinese
labels draw as glyphs, never as empty boxes. No font is ever downloaded."""

from __future__ import annotations

import functools
import shutil
import subprocess
import threading

from matplotlib import font_manager
from matplotlib.font_manager import FontProperties

from landgis.errors import ConfigurationError
from landgis.i18n import _
from landgis.io.exports.printed_ledger.fonts import cjk_families

# Glyphs the CJK family lacks are drawn from matplotlib's own font.
FALLBACK_FAMILY = "DejaVu Sans"
_REGISTERING = threading.Lock()


def _missing() -> ConfigurationError:
    return ConfigurationError(
        _("报告的地图和图表需要中文字体:请安装 fonts-noto-cjk(scripts/system-deps.sh)。")
    )


def _font_files(family: str) -> list[str]:
    """The regular and bold files fontconfig has for ``family`` (none when it has not the
    family itself, only a substitute)."""
    fc_match = shutil.which("fc-match")
    if fc_match is None:
        return []
    files = []
    for pattern in (family, f"{family}:weight=bold"):
        found = subprocess.run(
            [fc_match, "-f", "%{family}\t%{file}", pattern],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        names, _tab, path = found.stdout.partition("\t")
        if family in (name.strip() for name in names.split(",")) and path:
            files.append(path)
    return files


def _known_families() -> set[str]:
    return {entry.name for entry in font_manager.fontManager.ttflist}


@functools.cache
def cjk_family() -> str:
    """The name of the CJK family matplotlib draws with, its files registered with the
    font manager; raises :class:`~landgis.errors.ConfigurationError` when there is none."""
    try:
        families = cjk_families()
    except ConfigurationError:
        raise _missing() from None
    with _REGISTERING:
        for family in families:
            known = {entry.fname for entry in font_manager.fontManager.ttflist}
            for path in _font_files(family):
                if path not in known:
                    font_manager.fontManager.addfont(path)
            if family in _known_families():
                return family
    raise _missing()


def text_font(size: float, *, bold: bool = False) -> FontProperties:
    """The pictures' font at ``size`` points: the CJK family, then matplotlib's own."""
    return FontProperties(
        family=[cjk_family(), FALLBACK_FAMILY], size=size, weight="bold" if bold else "normal"
    )
