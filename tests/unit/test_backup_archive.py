"""The backup archive and the attachments folder swap, without a database: what a manifest
may name, what an archive may hold, and a swap that can be undone."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import stat
import zipfile
from pathlib import Path

import pytest

from landgis.backup import folder as folder_module
from landgis.backup.archive import open_archive, write_archive
from landgis.backup.folder import FolderSwap, attachment_files
from landgis.backup.manifest import BackupManifest, Counts, Member, safe_member_path
from landgis.errors import DamagedBackup, NotFound


def _manifest(members: tuple[Member, ...]) -> BackupManifest:
    return BackupManifest(
        landgis_version="0.1.0",
        schema_revision="0005",
        backend="spatialite",
        created_at=dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.UTC),
        county_name="青溪县",
        counts=Counts(parcels=1),
        database="database/landgis.sqlite",
        members=members,
    )


@pytest.fixture
def archive(tmp_path: Path) -> Path:
    db = tmp_path / "db.sqlite"
    db.write_bytes(b"SQLite format 3\x00" + bytes(1000))
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(b"%PDF-1.4 scan")
    target = tmp_path / "backup.zip"
    write_archive(
        target,
        [("database/landgis.sqlite", db, True), ("attachments/3/ab.pdf", scan, False)],
        _manifest,
    )
    return target


@pytest.mark.parametrize(
    ("path", "safe"),
    [
        ("database/landgis.sqlite", True),
        ("attachments/3/ab12.pdf", True),
        ("attachments/照片/现场.jpg", True),
        ("attachments/../etc/passwd", False),
        ("/attachments/x.pdf", False),
        ("attachments\\x.pdf", False),
        ("attachments//x.pdf", False),
        ("attachments/./x.pdf", False),
        ("elsewhere/x.pdf", False),
        ("attachments", False),
        ("attachments/x\n.pdf", False),
    ],
)
def test_member_paths_must_stay_under_the_archive_folders(path: str, safe: bool) -> None:
    assert safe_member_path(path) is safe


def test_an_archive_is_written_whole_with_its_digests(archive: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(archive) as z:
        infos = {i.filename: i for i in z.infolist()}
        assert set(infos) == {"manifest.json", "database/landgis.sqlite", "attachments/3/ab.pdf"}
        assert infos["database/landgis.sqlite"].compress_type == zipfile.ZIP_DEFLATED
        assert infos["attachments/3/ab.pdf"].compress_type == zipfile.ZIP_STORED
        manifest = BackupManifest.from_json(z.read("manifest.json"))
        for member in manifest.members:
            data = z.read(member.path)
            assert member.sha256 == hashlib.sha256(data).hexdigest()
    assert manifest == _manifest(manifest.members)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []

    with open_archive(archive) as backup:
        backup.verify()
        backup.extract(backup.manifest.member("attachments/3/ab.pdf"), tmp_path / "out.pdf")
    assert (tmp_path / "out.pdf").read_bytes() == b"%PDF-1.4 scan"


def test_a_failed_write_leaves_no_file(tmp_path: Path) -> None:
    def broken(_members):
        raise RuntimeError("disk full")

    (tmp_path / "db").write_bytes(b"x")
    with pytest.raises(RuntimeError):
        write_archive(
            tmp_path / "b.zip", [("database/landgis.sqlite", tmp_path / "db", True)], broken
        )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["db"]


def _copy_with(archive: Path, target: Path, *, drop: str = "", add: dict | None = None) -> None:
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            if info.filename != drop:
                copy.writestr(info, source.read(info))
        for name, data in (add or {}).items():
            copy.writestr(name, data)


def test_members_must_match_the_manifest(archive: Path, tmp_path: Path) -> None:
    extra = tmp_path / "extra.zip"
    _copy_with(archive, extra, add={"attachments/9/evil.pdf": b"%PDF"})
    missing = tmp_path / "missing.zip"
    _copy_with(archive, missing, drop="attachments/3/ab.pdf")
    no_manifest = tmp_path / "bare.zip"
    _copy_with(archive, no_manifest, drop="manifest.json")
    for path in (extra, missing, no_manifest):
        with pytest.raises(DamagedBackup), open_archive(path):
            pass

    link = tmp_path / "link.zip"
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(link, "w") as copy:
        for info in source.infolist():
            if info.filename == "attachments/3/ab.pdf":
                info.external_attr = (stat.S_IFLNK | 0o777) << 16
            copy.writestr(info, source.read(info))
    with pytest.raises(DamagedBackup), open_archive(link):
        pass

    with pytest.raises(NotFound), open_archive(tmp_path / "nowhere.zip"):
        pass


@pytest.mark.parametrize(
    "change",
    [
        {"format": "something-else"},
        {"format_version": 2},
        {"backend": "oracle"},
        {"members": [{"path": "attachments/../x", "size": 1, "sha256": "0" * 64}]},
        {"members": [{"path": "attachments/x", "size": 1, "sha256": "not hex"}]},
        {"database": "attachments/3/ab.pdf"},
        {"counts": "many"},
    ],
)
def test_a_manifest_that_landgis_could_not_have_written_is_refused(change: dict) -> None:
    body = _manifest((Member("database/landgis.sqlite", 3, "a" * 64),)).to_dict() | change
    with pytest.raises(DamagedBackup):
        BackupManifest.from_json(json.dumps(body).encode())


# --- the attachments folder ------------------------------------------------------------------


def _fill(folder: Path, files: dict[str, bytes]) -> None:
    for name, data in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_bytes(data)


def _contents(folder: Path) -> dict[str, bytes]:
    """The files of ``folder``, but for the swap's own work folders."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in folder.rglob("*")
        if p.is_file() and not p.relative_to(folder).as_posix().startswith(".landgis-")
    }


def test_attachment_files_leave_out_partial_uploads_links_and_work_folders(tmp_path: Path):
    live = tmp_path / "attachments"
    _fill(live, {"1/a.pdf": b"a", "1/.tok.part": b"half", ".landgis-restore-x/1/b.pdf": b"b"})
    (live / "1" / "link.pdf").symlink_to(live / "1" / "a.pdf")
    assert [name for name, _ in attachment_files(live)] == ["attachments/1/a.pdf"]
    assert list(attachment_files(tmp_path / "none")) == []


@pytest.mark.parametrize("mount_point", [False, True], ids=["beside", "inside"])
def test_the_folder_swap_can_be_undone_and_leaves_nothing_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, mount_point: bool
) -> None:
    live = tmp_path / "attachments"
    old = {"1/a.pdf": b"old a", "2/b.png": b"old b"}
    new = {"1/a.pdf": b"new a", "3/c.pdf": b"new c"}
    _fill(live, old)
    if mount_point:  # the live folder cannot be renamed: entries are swapped one by one
        monkeypatch.setattr(folder_module.os.path, "ismount", lambda p: Path(p) == live)

    swap = FolderSwap(live)
    assert swap.inside is mount_point
    _fill(swap.prepare(), new)
    swap.apply()
    assert _contents(live) == new
    swap.undo()
    assert _contents(live) == old
    swap.discard()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attachments"]
    assert _contents(live) == old

    swap = FolderSwap(live)
    _fill(swap.prepare(), new)
    swap.apply()
    swap.commit()
    assert _contents(live) == new
    assert sorted(p.name for p in tmp_path.iterdir()) == ["attachments"]
    assert sorted(p.name for p in live.iterdir()) == ["1", "3"]


def test_a_swap_into_a_folder_that_does_not_exist_yet(tmp_path: Path) -> None:
    live = tmp_path / "data" / "attachments"
    swap = FolderSwap(live)
    _fill(swap.prepare(), {"5/x.pdf": b"x"})
    swap.apply()
    swap.commit()
    assert _contents(live) == {"5/x.pdf": b"x"}
    assert sorted(p.name for p in live.parent.iterdir()) == ["attachments"]
