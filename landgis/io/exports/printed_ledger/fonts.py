"""The font of the printed ledger: a CJK family installed on the system, found at run time
through fontconfig (``fc-list :lang=zh``), so WeasyPrint embeds a subset of it in the PDF.
Noto Sans CJK SC (Debian's fonts-noto-cjk) first; no font is ever downloaded."""

from __future__ import annotations

import functools
import shutil
import subprocess

from landgis.errors import ConfigurationError
from landgis.i18n import _

# Simplified-Chinese families, in the order they are preferred.
PREFERRED: tuple[str, ...] = (
    "Noto Sans CJK SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "Noto Serif CJK SC",
    "Source Han Serif SC",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "AR PL UMing CN",
)


def _installed_chinese_families() -> list[str] | None:
    """The families fontconfig knows with Chinese glyphs; None when fc-list is missing."""
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return None
    found = subprocess.run(
        [fc_list, ":lang=zh", "family"], capture_output=True, text=True, timeout=30, check=False
    )
    families: list[str] = []
    for line in found.stdout.splitlines():
        for name in line.split(","):
            name = name.strip()
            if name and name not in families:
                families.append(name)
    return families


@functools.cache
def cjk_families() -> tuple[str, ...]:
    """The CJK families to print with, the preferred installed one first; raises
    :class:`~landgis.errors.ConfigurationError` when fontconfig knows none."""
    installed = _installed_chinese_families()
    if installed is None:  # no fontconfig tools to ask: trust the usual names
        return PREFERRED
    chosen = tuple(f for f in PREFERRED if f in installed) or tuple(installed[:1])
    if not chosen:
        raise ConfigurationError(
            _("打印版台账需要中文字体:请安装 fonts-noto-cjk(scripts/system-deps.sh)。")
        )
    return chosen


def font_family_css() -> str:
    """The CSS ``font-family`` value: the CJK families, then ``sans-serif``."""
    names = ", ".join(f'"{name.strip(chr(34) + "<>")}"' for name in cjk_families())
    return f"{names}, sans-serif"
