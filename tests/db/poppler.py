"""poppler's tools, as the tests read printed documents back: the text of each page
(``pdftotext``), the fonts (``pdffonts``) and the page sizes (``pdfinfo``)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest


def poppler(tool: str, *args: str) -> str:
    """What ``tool`` (pdftotext, pdffonts, pdfinfo) prints for ``args``."""
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} not found: run `scripts/system-deps.sh --test` (poppler-utils)")
    done = subprocess.run([path, *args], capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


def unspaced(text: str) -> str:
    """``text`` without spaces (pdftotext spaces CJK text as it pleases)."""
    return re.sub(r"\s+", "", text)


def page_texts(path: Path) -> list[str]:
    """The text of each page of the PDF at ``path``."""
    return poppler("pdftotext", "-raw", str(path), "-").split("\f")[:-1]


def embedded_cjk_fonts(path: Path) -> list[str]:
    """The CJK fonts of the PDF at ``path`` (``pdffonts`` lines); fails if one is not
    embedded."""
    fonts = poppler("pdffonts", str(path)).splitlines()[2:]
    cjk = [line for line in fonts if "CJK" in line or "Hei" in line]
    assert all(line.split()[-5] == "yes" for line in cjk), fonts  # the "emb" column
    return cjk
