"""Uploaded archives are unpacked only when safe: no escaping paths, links or bombs."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import pytest

from landgis.errors import InvalidInput
from landgis.io.archives import ArchiveLimits, extracted, safe_extract


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


def test_a_plain_archive_is_extracted(tmp_path):
    archive = _zip(tmp_path / "ok.zip", {"a/parcels.shp": b"x" * 100, "readme.txt": b"hi"})
    target = tmp_path / "out"
    target.mkdir()

    written = safe_extract(archive, target)

    assert sorted(p.relative_to(target).as_posix() for p in written) == [
        "a/parcels.shp",
        "readme.txt",
    ]
    assert (target / "a" / "parcels.shp").read_bytes() == b"x" * 100


@pytest.mark.parametrize("name", ["../evil.txt", "a/../../evil.txt", "..\\evil.txt"])
def test_names_climbing_out_are_refused_and_nothing_is_written(tmp_path, name):
    archive = _zip(tmp_path / "evil.zip", {"good.txt": b"fine", name: b"pwned"})
    target = tmp_path / "deep" / "out"
    target.mkdir(parents=True)

    with pytest.raises(InvalidInput, match=r"'\.\.'") as raised:
        safe_extract(archive, target)

    assert raised.value.problems[0]["kind"] == "unsafe_archive"
    assert not (tmp_path / "deep" / "evil.txt").exists()
    assert not (tmp_path / "evil.txt").exists()
    assert list(target.iterdir()) == []  # checked before a byte was written


@pytest.mark.parametrize("name", ["/etc/evil.txt", "C:/evil.txt", "C:\\evil.txt"])
def test_absolute_names_are_refused(tmp_path, name):
    with zipfile.ZipFile(tmp_path / "abs.zip", "w") as archive:
        archive.writestr(zipfile.ZipInfo(name), b"pwned")

    with pytest.raises(InvalidInput, match="absolute path"):
        safe_extract(tmp_path / "abs.zip", tmp_path / "out")


def test_symbolic_links_are_refused(tmp_path):
    link = zipfile.ZipInfo("parcels.shp")
    link.create_system = 3  # unix
    link.external_attr = (stat.S_IFLNK | 0o777) << 16
    with zipfile.ZipFile(tmp_path / "link.zip", "w") as archive:
        archive.writestr(link, "/etc/passwd")

    with pytest.raises(InvalidInput, match="symbolic link"):
        safe_extract(tmp_path / "link.zip", tmp_path / "out")


def test_a_zip_bomb_is_refused_before_extraction(tmp_path):
    bomb = tmp_path / "bomb.zip"
    zeros = bytes(1024 * 1024)
    with (
        zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive,
        archive.open("parcels.dbf", "w", force_zip64=True) as member,
    ):
        for _ in range(200):  # 200 MB of zeros
            member.write(zeros)
    assert bomb.stat().st_size < 1024 * 1024  # ~200 KB on disk
    target = tmp_path / "out"
    target.mkdir()

    with pytest.raises(InvalidInput, match="compression ratio") as raised:
        safe_extract(bomb, target)

    assert "bomb" in raised.value.message_en
    assert list(target.iterdir()) == []


def test_total_size_and_file_count_are_limited(tmp_path):
    archive = _zip(tmp_path / "many.zip", {f"f{i}.txt": b"0123456789" for i in range(20)})

    with pytest.raises(InvalidInput, match="more than"):
        safe_extract(archive, tmp_path / "a", ArchiveLimits(max_total_bytes=100))
    with pytest.raises(InvalidInput, match="above the limit of 10"):
        safe_extract(archive, tmp_path / "b", ArchiveLimits(max_files=10))


def test_a_damaged_archive_is_refused_clearly(tmp_path):
    path = tmp_path / "broken.zip"
    path.write_bytes(b"PK\x03\x04 not really a zip")

    with pytest.raises(InvalidInput, match="not a valid zip"):
        safe_extract(path, tmp_path)


def test_gbk_member_names_are_read_as_chinese(tmp_path):
    # Windows tools write GBK names without the UTF-8 flag; zipfile cannot, so patch bytes
    _zip(tmp_path / "ascii.zip", {"XXXX.shp": b"x"})
    raw = (tmp_path / "ascii.zip").read_bytes().replace(b"XXXX.shp", "宗地.shp".encode("gbk"))
    (tmp_path / "gbk.zip").write_bytes(raw)

    with extracted(tmp_path / "gbk.zip") as folder:
        assert [p.name for p in folder.iterdir()] == ["宗地.shp"]
    assert not folder.exists()  # the temporary folder is removed afterwards
