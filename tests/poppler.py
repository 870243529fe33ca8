"""A PDF read back with the tools its reader has: poppler's pdftotext (the words) and
pdffonts (the fonts, and whether each is embedded)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest


def poppler(tool: str, *args: str) -> str:
    """What poppler's ``tool`` prints for ``args``."""
    path = shutil.which(tool)
    if path is None:
        pytest.fail(f"{tool} not found: run `scripts/system-deps.sh --test` (poppler-utils)")
    done = subprocess.run([path, *args], capture_output=True, text=True, check=True, timeout=60)
    return done.stdout


def unspaced(text: str) -> str:
    """``text`` without white space: a cell's text wrapped over lines reads as one."""
    return re.sub(r"\s+", "", text)


def pdf_pages(path: Path) -> list[str]:
    """Each page's text in reading order (pdftotext -raw, pages split at form feeds)."""
    return poppler("pdftotext", "-raw", str(path), "-").split("\f")[:-1]


def cjk_fonts(path: Path) -> list[tuple[str, bool]]:
    """The CJK fonts of the PDF (Noto/Source Han CJK, WenQuanYi …), each with whether it
    is embedded (pdffonts' column ``emb``)."""
    found = []
    for line in poppler("pdffonts", str(path)).splitlines()[2:]:
        name = line.split()[0]
        if "CJK" in name or "Hei" in name or "Han" in name or "Ming" in name:
            found.append((name, line.split()[-5] == "yes"))
    return found
