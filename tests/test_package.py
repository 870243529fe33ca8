"""Package boundaries."""

import subprocess
import sys
from pathlib import Path

import landgis

MODULES = sorted(
    "landgis." + ".".join(p.relative_to(Path(landgis.__file__).parent).with_suffix("").parts)
    for p in Path(landgis.__file__).parent.rglob("*.py")
    if "migrations" not in p.parts and p.name != "__init__.py"
)


def test_the_library_never_imports_the_web_framework():
    code = (
        "import importlib, sys\n"
        f"for m in {MODULES!r}: importlib.import_module(m)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('fastapi', 'starlette'))\n"
        "print(bad)\n"
        "sys.exit(1 if bad else 0)\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert len(MODULES) > 10
