"""The attachments folder in a backup: listing its files, and putting a restored copy in
its place all at once.

A restore unpacks the archive's attachments into a staging folder beside the live one
(same file system), then swaps them with renames; the old folder is kept until the
database restore has succeeded, so a failure puts it back. When the live folder cannot
be renamed (a mount point, or a parent the service may not write to), the staging
folder is made inside it and its entries are swapped one by one instead.
"""

from __future__ import annotations

import contextlib
import logging
import os
import secrets
import shutil
from collections.abc import Iterator
from pathlib import Path

from landgis.backup.manifest import ATTACHMENTS_DIR, safe_member_path

log = logging.getLogger(__name__)

# Left by landgis itself: uploads being received, and a restore's staging folders.
PARTIAL_SUFFIX = ".part"
WORK_PREFIX = ".landgis-"


def _skipped(name: str) -> bool:
    return name.startswith(WORK_PREFIX) or (name.startswith(".") and name.endswith(PARTIAL_SUFFIX))


def attachment_files(folder: Path) -> Iterator[tuple[str, Path]]:
    """The files of the attachments folder as (member name, path), in a stable order;
    symbolic links, uploads still being received and restore leftovers are left out."""
    folder = Path(folder)
    if not folder.is_dir():
        return
    for root, dirs, files in os.walk(folder):
        base = Path(root)
        dirs[:] = sorted(d for d in dirs if not _skipped(d) and not (base / d).is_symlink())
        for name in sorted(files):
            path = base / name
            if _skipped(name) or path.is_symlink() or not path.is_file():
                continue
            member = f"{ATTACHMENTS_DIR}/{path.relative_to(folder).as_posix()}"
            if not safe_member_path(member):
                log.warning("not backed up, its name cannot be stored safely: %s", path)
                continue
            yield member, path


class FolderSwap:
    """Replaces the attachments folder ``live`` with ``staging``, undoably."""

    def __init__(self, live: Path) -> None:
        self.live = Path(live).resolve()
        token = secrets.token_hex(6)
        parent = self.live.parent
        self.inside = self.live.is_dir() and (
            os.path.ismount(self.live) or not os.access(parent, os.W_OK)
        )
        home = self.live if self.inside else parent
        stem = f"{WORK_PREFIX}" if self.inside else f"{WORK_PREFIX}{self.live.name}-"
        self.staging = home / f"{stem}restore-{token}"
        self.previous = home / f"{stem}previous-{token}"
        self.moves: list[tuple[Path, Path]] = []

    def _move(self, source: Path, target: Path) -> None:
        source.rename(target)
        self.moves.append((source, target))

    def prepare(self) -> Path:
        """The empty staging folder to unpack the restored attachments into."""
        self.staging.parent.mkdir(parents=True, exist_ok=True)
        self.staging.mkdir()
        return self.staging

    def apply(self) -> None:
        """Put the staged folder in the live one's place (undone on any failure)."""
        try:
            if not self.inside:
                if self.live.exists():
                    self._move(self.live, self.previous)
                self._move(self.staging, self.live)
                return
            self.previous.mkdir()
            for entry in sorted(self.live.iterdir()):
                if entry not in (self.staging, self.previous):
                    self._move(entry, self.previous / entry.name)
            for entry in sorted(self.staging.iterdir()):
                self._move(entry, self.live / entry.name)
        except OSError:
            self.undo()
            raise

    def undo(self) -> None:
        """Put the live folder back as it was."""
        while self.moves:
            source, target = self.moves.pop()
            target.rename(source)

    def commit(self) -> None:
        """Keep the swap: remove the old folder and the emptied staging folder."""
        self.moves.clear()
        for folder in (self.previous, self.staging):
            shutil.rmtree(folder, ignore_errors=True)

    def discard(self) -> None:
        """Remove what is left of the staging folder after a failure. When the live
        folder could not be put back, nothing is removed: both copies stay for a person."""
        if self.moves:
            log.error("attachments folder not restored: see %s and %s", self.previous, self.staging)
            return
        shutil.rmtree(self.staging, ignore_errors=True)
        with contextlib.suppress(OSError):
            self.previous.rmdir()
