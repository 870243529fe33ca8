"""The README's command-line block is the command line's own help: every command, with
its synopsis, summary and examples, as :mod:`landgis.cli.reference` renders them."""

from __future__ import annotations

from pathlib import Path

from landgis.cli import app
from landgis.cli.reference import commands, render

README = Path(__file__).resolve().parents[2] / "README.md"
START = "<!-- command line:"
END = "<!-- end of command line -->"


def readme_block() -> str:
    """The text of the README's command-line block (inside its ```text fence)."""
    text = README.read_text(encoding="utf-8")
    start = text.index(START)
    block = text[start : text.index(END, start)]
    body = block[block.index("```text\n") + len("```text\n") :]
    return body[: body.rindex("```")]


def test_the_readme_block_is_the_help_of_every_command() -> None:
    assert readme_block() == render(app)


def test_every_command_has_an_example_and_the_import_names_its_formats() -> None:
    listed = list(commands(app))
    assert {" ".join(c.path[1:]) for c in listed} >= {"import", "import-ledger", "user audit"}
    assert all(command.examples for command in listed)
    assert "GeoJSON or GeoPackage" not in readme_block()
