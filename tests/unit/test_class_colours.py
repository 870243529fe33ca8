"""The pages colour the evaluation's classes as the class map does."""

from __future__ import annotations

import re
from pathlib import Path

from landgis.maps.styles import CLASS_COLOURS

STYLESHEET = Path(__file__).parents[2] / "api" / "web" / "static" / "app.css"


def test_the_stylesheet_colours_each_class_as_the_map_does():
    found = dict(re.findall(r"--class-([A-D]):\s*(#[0-9a-fA-F]{6});", STYLESHEET.read_text()))

    assert found == {grade: CLASS_COLOURS[grade] for grade in "ABCD"}
