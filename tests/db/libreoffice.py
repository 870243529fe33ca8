"""LibreOffice Calc, headless, as the tests open exported workbooks with it: a fresh
profile that recalculates every formula on load, so what it writes back are its own
results, not the values cached in the file."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

SOFFICE = os.environ.get("LANDGIS_TEST_SOFFICE") or shutil.which("soffice") or "/usr/bin/soffice"
RECALC_ALWAYS = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry"
    xmlns:xs="http://www.w3.org/2001/XMLSchema"
    xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load">
<prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def converted(source: Path, work: Path, target: str, extension: str, *options: str) -> Path:
    """``source`` opened by LibreOffice (every formula recalculated; ``options`` such as
    ``--infilter=…`` before the conversion) and saved as ``target`` (a ``--convert-to``
    filter) in ``work``; returns the file written (``<stem>.<extension>``)."""
    if not Path(SOFFICE).is_file():
        pytest.fail(
            f"LibreOffice not found at {SOFFICE}: run `scripts/system-deps.sh --test` "
            "(Debian package libreoffice-calc-nogui) or set LANDGIS_TEST_SOFFICE.",
            pytrace=False,
        )
    outdir = work / "converted"
    profile = work / "lo-profile"
    (profile / "user").mkdir(parents=True, exist_ok=True)
    (profile / "user" / "registrymodifications.xcu").write_text(RECALC_ALWAYS, encoding="utf-8")
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        *options,
        "--convert-to",
        target,
        "--outdir",
        str(outdir),
        str(source),
    ]
    completed = subprocess.run(command, capture_output=True, text=True, timeout=240, check=False)
    written = outdir / f"{source.stem}.{extension}"
    assert written.is_file(), completed.stdout + completed.stderr
    return written
