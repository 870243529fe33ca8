"""Every example of the README's command-line block runs, in the README's order, on a
demo county database of its own (both backends), from a working directory holding the
demo files as a source checkout does; ``landgis serve``, which serves until stopped, is
checked by its ``--help`` only."""

from __future__ import annotations

import json
import shlex
import sqlite3
import zipfile
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from landgis.cli import app
from landgis.settings import PROJECT_ROOT, get_settings
from tests.unit.test_readme_cli import readme_block

SERVES_UNTIL_STOPPED = {("serve",)}
PASSWORD = "readme-example-pw\nreadme-example-pw\n"


def _examples() -> list[list[str]]:
    lines = readme_block().splitlines()
    return [shlex.split(line.strip()[2:]) for line in lines if line.startswith("    $ ")]


def _path(words: list[str]) -> tuple[str, ...]:
    """The command a line runs: its words up to the first option or value."""
    groups = {"case", "report", "user", "project"}
    head = words[1]
    return (head, words[2]) if head in groups else (head,)


def _synopsis_paths() -> set[tuple[str, ...]]:
    lines = [line for line in readme_block().splitlines() if line.startswith("landgis ")]
    return {_path(line.split()) for line in lines}


def test_the_block_has_an_example_of_every_command() -> None:
    examples = {_path(words) for words in _examples()}
    assert examples == _synopsis_paths()
    assert len(examples) >= 29


@pytest.fixture
def checkout(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty working directory with the demo files where a checkout has them."""
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "geo").symlink_to(PROJECT_ROOT / "data" / "geo")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_example_of_the_readme_runs_on_the_demo_county(databases, checkout) -> None:
    site = databases.demo()
    env = {
        "LANDGIS_DATABASE_URL": site.url,
        "LANDGIS_ATTACHMENTS_DIR": str(checkout / "attachments"),
        "LANDGIS_LANGUAGE": "zh",
    }
    outputs: dict[tuple[str, ...], str] = {}
    for words in _examples():
        path = _path(words)
        args = [*words[1:], "--help"] if path in SERVES_UNTIL_STOPPED else words[1:]
        get_settings.cache_clear()
        try:
            result = CliRunner().invoke(app, args, env=env, input=PASSWORD, prog_name="landgis")
        finally:
            get_settings.cache_clear()
        assert result.exit_code == 0, (shlex.join(words), result.output)
        outputs[path] = outputs.get(path, "") + result.output

    assert "539.00" in outputs[("stats",)] and "120.00" in outputs[("stats",)]
    assert "Usage: landgis serve" in outputs[("serve",)]
    assert "QX-XZ-2024-001" in outputs[("case", "open")]
    assert "已销号" in outputs[("case", "close")]
    assert "zhangwei" in outputs[("user", "list")]
    ledger = openpyxl.load_workbook(checkout / "exports" / "台账.xlsx", read_only=True)
    assert ledger.sheetnames
    ledger.close()
    with sqlite3.connect(checkout / "exports" / "宗地.gpkg") as gpkg:
        assert gpkg.execute("SELECT count(*) FROM gpkg_contents").fetchone()[0] >= 1
    assert zipfile.ZipFile(checkout / "nightly.zip").testzip() is None
    assert zipfile.is_zipfile(checkout / "月度进展-2023-08.docx")
    assert "cli:" in (checkout / "audit.csv").read_text(encoding="utf-8-sig")
    history = CliRunner().invoke(app, ["case", "history", "QX-XZ-2023-004", "--json"], env=env)
    assert json.loads(history.output)["events"][-1]["action"] == "reopen"
