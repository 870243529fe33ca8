"""Temporary folders are named after their process, so that what a crashed process left
is found and removed when a server starts, and nothing of a running one is."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from landgis.tempfiles import (
    private_folder,
    process_runs,
    remove_old_entries,
    remove_stale_folders,
    temporary_folder,
)

DAY = 24 * 3600


def _dead_pid() -> int:
    """The id of a process that has ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


def _folder(root: Path, name: str, age_s: float = 0) -> Path:
    folder = root / name
    folder.mkdir()
    (folder / "part.geojson").write_bytes(b"{}")
    if age_s:
        when = time.time() - age_s
        os.utime(folder, (when, when))
    return folder


@pytest.fixture
def tmpdir_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    import tempfile

    monkeypatch.setenv("TMPDIR", str(tmp_path))
    monkeypatch.setattr(tempfile, "tempdir", None)  # read TMPDIR again
    return tmp_path


def test_folders_carry_the_process_id_and_go_away_whatever_happens(tmpdir_env: Path):
    folder = private_folder()
    assert folder.parent == tmpdir_env
    assert folder.name.startswith(f"landgis-upload-{os.getpid()}-")
    folder.rmdir()
    with pytest.raises(RuntimeError), temporary_folder() as inside:
        (inside / "x").write_bytes(b"1")
        raise RuntimeError("boom")
    assert not inside.exists()


def test_stale_folders_are_removed_and_live_ones_kept(tmpdir_env: Path):
    dead = _dead_pid()
    assert not process_runs(dead)
    parent = os.getppid()  # runs
    gone = [
        _folder(tmpdir_env, f"landgis-upload-{dead}-abc123"),
        _folder(tmpdir_env, f"landgis-import-{dead}-x_9"),
        _folder(tmpdir_env, f"landgis-upload-{parent}-old", age_s=2 * DAY),
        _folder(tmpdir_env, "landgis-upload-k2j3h4", age_s=2 * DAY),  # an older name
        # A folder named after this very process was left by an earlier one of that id:
        # the cleanup runs before a process makes folders of its own.
        _folder(tmpdir_env, f"landgis-upload-{os.getpid()}-prev"),
    ]
    kept = [
        _folder(tmpdir_env, f"landgis-upload-{parent}-live"),
        _folder(tmpdir_env, "landgis-upload-k2j3h5"),  # an older name, recent
        _folder(tmpdir_env, "landgis-import-staging", age_s=2 * DAY),
        _folder(tmpdir_env, "someone-else", age_s=2 * DAY),
    ]
    removed = remove_stale_folders()
    assert sorted(removed) == sorted(gone)
    assert all(not p.exists() for p in gone)
    assert all(p.exists() for p in kept)


def test_staged_entries_past_their_age_are_removed(tmp_path: Path):
    staging = tmp_path / "staging"
    staging.mkdir()
    old = _folder(staging, "old-token", age_s=2 * DAY)
    fresh = _folder(staging, "fresh-token")
    assert remove_old_entries(staging, 24) == [old]
    assert fresh.exists() and not old.exists()
    assert remove_old_entries(tmp_path / "missing", 24) == []
