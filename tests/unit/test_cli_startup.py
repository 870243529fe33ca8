"""Starting ``landgis`` loads only what the command run needs (checked in a fresh process)."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("pandas", "geopandas", "folium", "openpyxl", "api", "fastapi", "sqlalchemy")


def _loaded_after(args: list[str]) -> tuple[int, list[str], str]:
    script = (
        "import json, sys\n"
        "from typer.testing import CliRunner\n"
        "from landgis.cli import app\n"
        f"result = CliRunner().invoke(app, {args!r}, prog_name='landgis')\n"
        "top = sorted({name.split('.')[0] for name in sys.modules})\n"
        "print(json.dumps([result.exit_code, top, result.output]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    code, modules, output = json.loads(done.stdout.strip().splitlines()[-1])
    return code, modules, output


def test_help_lists_every_command_without_loading_the_library() -> None:
    code, modules, output = _loaded_after(["--help"])
    assert code == 0
    commands = ("init", "demo", "import", "stats", "export", "import-ledger", "case", "user")
    for command in (*commands, "backup", "restore"):
        assert command in output
    assert not set(HEAVY) & set(modules)


def test_import_help_shows_its_options_without_loading_the_library() -> None:
    code, modules, output = _loaded_after(["import", "--help"])
    assert code == 0
    assert "--batch-size" in output and "--no-progress" in output and "upsert" in output
    assert not set(HEAVY) & set(modules)


def test_case_and_user_help_do_not_load_the_library() -> None:
    for group in ("case", "user"):
        code, modules, output = _loaded_after([group, "--help"])
        assert code == 0
        assert "--help" in output
        assert not set(HEAVY) & set(modules)


def test_backup_and_restore_help_do_not_load_the_library() -> None:
    for command in ("backup", "restore"):
        code, modules, output = _loaded_after([command, "--help"])
        assert code == 0
        assert "--database-url" in output
        assert not set(HEAVY) & set(modules)
    assert "--yes" in _loaded_after(["restore", "--help"])[2]


def test_a_module_loaded_on_first_use_is_whole_for_every_thread() -> None:
    """The command line's modules load on first use; a server process has them too (its
    workers import the command line), and its threads may use one at the same moment."""
    script = (
        "import threading\n"
        "from landgis.cli.common import lazy_module\n"
        "audit = lazy_module('landgis.audit')\n"
        "start, seen = threading.Barrier(8), []\n"
        "def use():\n"
        "    start.wait()\n"
        "    seen.append(callable(getattr(audit, 'record', None)))\n"
        "threads = [threading.Thread(target=use) for _ in range(8)]\n"
        "[t.start() for t in threads]\n"
        "[t.join() for t in threads]\n"
        "print(seen.count(True))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )
    assert done.stdout.strip() == "8"
