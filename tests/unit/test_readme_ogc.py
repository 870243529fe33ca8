"""The README's OGC section lists exactly the conformance classes ``/ogc/conformance``
declares, in the same order, so a GIS officer reading it knows what the server claims."""

from __future__ import annotations

import re
from pathlib import Path

from api.routers.ogc import CONFORMANCE

README = Path(__file__).resolve().parents[2] / "README.md"


def _listed_classes() -> list[str]:
    text = README.read_text(encoding="utf-8")
    start = text.index("<!-- conformance:")
    end = text.index("<!-- end of conformance -->", start)
    return re.findall(r"^\|[^|]+\| `(http[^`]+)` \|$", text[start:end], flags=re.MULTILINE)


def test_the_readme_lists_every_declared_conformance_class_and_no_other() -> None:
    assert _listed_classes() == list(CONFORMANCE)
