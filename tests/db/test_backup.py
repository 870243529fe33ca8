"""Backups a clerk can run: one archive of the database and the attachments, restored all
or nothing, on a real SpatiaLite file and a real PostGIS database (real pg_dump and
pg_restore), through the library and through the ``landgis`` command as a subprocess,
while a ``landgis serve`` keeps running."""

from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import urllib.request
import zipfile
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd
import pytest
from alembic import command
from server_start import drained_output, wait_until_served
from shapely.geometry import box
from sqlalchemy import Engine, func, inspect, select, text
from sqlalchemy.exc import DBAPIError

from landgis import browser_sessions
from landgis.attachments import save_attachment
from landgis.backup import (
    postgis,
    read_manifest,
    restore_backup,
    spatialite,
    verify_backup,
    write_backup,
)
from landgis.backup.postgis import find_tool
from landgis.browser_sessions import SessionRules
from landgis.cases import Actor, edit_case, get_case
from landgis.db.migrate import alembic_config, current_revision, head_revision, upgrade
from landgis.db.models import Base, User
from landgis.db.session import transaction
from landgis.demo import load_demo
from landgis.errors import (
    ConfigurationError,
    Conflict,
    DamagedBackup,
    IncompatibleBackup,
    InvalidInput,
)
from landgis.imports import import_parcels
from landgis.login_limits import LoginLimits, record_failure
from landgis.parcel_edits import create_parcel
from landgis.server_secret import session_secret
from landgis.settings import DEMO_DATA, Settings
from landgis.stats import headline_figures
from landgis.users import create_user, get_user, set_role

LANDGIS = shutil.which("landgis", path=str(Path(sys.executable).parent))
CASE_NO = "QX-XZ-2023-009"
CLERK = Actor("clerk", "editor")
PASSWORD = "correct horse battery"
PDF = b"%PDF-1.4\n" + bytes(range(256)) * 40 + b"\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(200)
# A spot north-east of the demo park, clear of its parcels.
NEW_SQUARE = {
    "type": "Polygon",
    "coordinates": [
        [[104.90, 30.15], [104.901, 30.15], [104.901, 30.1509], [104.90, 30.1509], [104.90, 30.15]]
    ],
}
TABLES = ("zones", "parcels", "buildings", "cases", "case_events", "users", "attachments")


@dataclass
class County:
    url: str
    engine: Engine
    settings: Settings

    @property
    def folder(self) -> Path:
        return self.settings.attachments_dir


@pytest.fixture
def make_county(databases, tmp_path):
    """A fresh demo county with two users, case changes and two attachments; its own
    attachments folder."""
    made = 0

    def make(revision: str = "head") -> County:
        nonlocal made
        made += 1
        url = databases.new_url()
        engine = databases.engine(url)
        upgrade(engine)
        settings = Settings(
            database_url=url,
            attachments_dir=tmp_path / f"county{made}" / "attachments",
            county_name="青溪县",
        )
        with transaction(engine) as session:
            load_demo(session, DEMO_DATA)
            if revision == "head":  # (accounts write to the audit log of newer schemas)
                create_user(session, "admin1", PASSWORD, role="admin", display_name="赵管理")
                create_user(session, "clerk", PASSWORD, role="editor", display_name="张三")
                case = get_case(session, CASE_NO)
                edit_case(
                    session,
                    CASE_NO,
                    version=case.version,
                    actor=CLERK,
                    occurred_on=dt.date(2023, 9, 1),
                    fields={"remarks": "备份前的备注", "next_step": "约谈企业"},
                )
                for name, data in (("认定书.pdf", PDF), ("现场.png", PNG)):
                    save_attachment(
                        session,
                        CASE_NO,
                        io.BytesIO(data),
                        filename=name,
                        uploaded_by="clerk",
                        folder=settings.attachments_dir,
                        max_bytes=1 << 20,
                    )
        if revision != "head":
            # the demo as it is loaded today, then the schema taken back to the older
            # revision, as a county that has not upgraded yet holds it
            command.downgrade(alembic_config(engine), revision)
        return County(url, engine, settings)

    return make


def database_state(engine: Engine, like: Engine | None = None) -> dict[str, list[tuple]]:
    """Every row of the ledger's tables (geometries as WKT) and the schema revision: in the
    columns the database ``like`` has (an older schema's), by default its own."""
    state: dict[str, list[tuple]] = {}
    schema = inspect(like or engine)
    with engine.connect() as conn:
        for name in TABLES:
            table = Base.metadata.tables[name]
            present = {column["name"] for column in schema.get_columns(name)}
            columns = [
                func.ST_AsText(c).label(c.name) if c.name in ("geom", "footprint") else c
                for c in table.columns
                if c.name in present
            ]
            rows = conn.execute(select(*columns).order_by(table.c.id)).all()
            state[name] = [tuple(row) for row in rows]
        state["alembic_version"] = conn.execute(text("SELECT * FROM alembic_version")).all()
    return state


def folder_state(folder: Path) -> dict[str, bytes]:
    return {
        path.relative_to(folder).as_posix(): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def data_version(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(text("SELECT version FROM data_version"))


def change_everything(county: County) -> None:
    """After a backup: a case edit (a new event), a new user, a new parcel, a new
    attachment, one attachment file replaced and one deleted."""
    with transaction(county.engine) as session:
        case = get_case(session, CASE_NO)
        edit_case(
            session,
            CASE_NO,
            version=case.version,
            actor=CLERK,
            occurred_on=dt.date(2023, 10, 1),
            fields={"remarks": "备份后的改动", "responsible_unit": "县自然资源局"},
            note="备份之后",
        )
        create_user(session, "newcomer", PASSWORD, role="viewer")
        create_parcel(session, "QX-NEW-001", {"holder": "备份后新增企业"}, NEW_SQUARE)
        save_attachment(
            session,
            CASE_NO,
            io.BytesIO(PDF + b"later"),
            filename="补充材料.pdf",
            uploaded_by="clerk",
            folder=county.folder,
            max_bytes=1 << 20,
        )
    files = [p for p in county.folder.rglob("*") if p.is_file()]
    (pdf,) = [p for p in files if p.read_bytes() == PDF]
    (png,) = [p for p in files if p.read_bytes() == PNG]
    pdf.write_bytes(b"%PDF-1.4 replaced by someone")
    png.unlink()


def leftovers(county: County) -> list[str]:
    """Work folders a backup or restore left beside or inside the attachments folder."""
    places = [county.folder.parent, *([county.folder] if county.folder.exists() else [])]
    return [p.name for place in places for p in place.iterdir() if p.name.startswith(".")]


def test_a_restore_brings_back_the_ledger_users_and_attachments_exactly(make_county, tmp_path):
    county = make_county()
    archive = tmp_path / "backup.zip"
    manifest = write_backup(county.settings, archive)

    assert manifest.schema_revision == head_revision()
    assert manifest.backend == county.settings.backend
    assert (manifest.counts.cases, manifest.counts.users, manifest.counts.attachments) == (13, 2, 2)
    assert manifest.counts.parcels == 90
    assert manifest.counts.events == 64 + 1
    before = database_state(county.engine)
    files_before = folder_state(county.folder)
    assert len(files_before) == 2

    # The archive, read with zipfile and hashlib alone: a manifest naming every member.
    with zipfile.ZipFile(archive) as z:
        written = json.loads(z.read("manifest.json"))
        assert written["county_name"] == "青溪县"
        assert written["counts"]["events"] == 65
        names = {m["path"] for m in written["members"]}
        assert names == set(z.namelist()) - {"manifest.json"}
        for member in written["members"]:
            data = z.read(member["path"])
            assert (len(data), hashlib.sha256(data).hexdigest()) == (
                member["size"],
                member["sha256"],
            )
        stored = {n.removeprefix("attachments/"): z.read(n) for n in names if "attach" in n}
        assert stored == files_before

    change_everything(county)
    assert database_state(county.engine) != before
    assert folder_state(county.folder) != files_before
    version_before_restore = data_version(county.engine)

    restored = restore_backup(county.settings, archive)

    assert restored == manifest
    assert database_state(county.engine) == before
    assert folder_state(county.folder) == files_before
    assert leftovers(county) == []
    # Sequences, triggers and the data version counter work as before the changes.
    with transaction(county.engine) as session:
        newcomer = create_user(session, "after", PASSWORD, role="viewer")
        assert newcomer.id == max(row[0] for row in before["users"]) + 1
    with pytest.raises(DBAPIError), county.engine.begin() as conn:
        conn.execute(text("UPDATE case_events SET note = 'forged'"))
    assert data_version(county.engine) > version_before_restore
    # The restored county takes an import, and its figures are the backup's.
    parcels = tmp_path / "more.geojson"
    gpd.GeoDataFrame(
        {"宗地编号": ["QX-AFTER-001"], "权利人": ["恢复后导入企业"]},
        geometry=[box(104.91, 30.15, 104.911, 30.1509)],
        crs=4490,
    ).to_file(parcels, driver="GeoJSON")
    settled = data_version(county.engine)
    with transaction(county.engine) as session:
        assert import_parcels(session, parcels).inserted == 1
        figures = headline_figures(session)
    assert data_version(county.engine) > settled
    assert figures["cases"] == 13
    assert figures["ledger_area_mu"] == pytest.approx(539, abs=0.5)


def _rewrite(archive: Path, target: Path, change) -> None:
    """A copy of ``archive`` whose members ``change(name, data)`` may alter."""
    with zipfile.ZipFile(archive) as source, zipfile.ZipFile(target, "w") as copy:
        for info in source.infolist():
            copy.writestr(info, change(info.filename, source.read(info)))


def _refused_and_nothing_changed(county: County, archive: Path, error: type) -> str:
    state, files = database_state(county.engine), folder_state(county.folder)
    with pytest.raises(error) as refused:
        restore_backup(county.settings, archive)
    assert database_state(county.engine) == state
    assert folder_state(county.folder) == files
    assert leftovers(county) == []
    return f"{refused.value.message} / {refused.value.message_en}"


def test_a_tampered_archive_is_refused_and_nothing_changes(make_county, tmp_path):
    county = make_county()
    archive = tmp_path / "backup.zip"
    write_backup(county.settings, archive)
    change_everything(county)

    def flip_attachment(name: str, data: bytes) -> bytes:
        return data.replace(b"%PDF-1.4", b"%PDF-1.5") if name.endswith(".pdf") else data

    def flip_database(name: str, data: bytes) -> bytes:
        if not name.startswith("database/"):
            return data
        middle = len(data) // 2
        return data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]

    for name, change in (("attachment", flip_attachment), ("database", flip_database)):
        tampered = tmp_path / f"tampered-{name}.zip"
        _rewrite(archive, tampered, change)
        with pytest.raises(DamagedBackup):
            verify_backup(tampered)
        says = _refused_and_nothing_changed(county, tampered, DamagedBackup)
        assert "校验值" in says and "SHA-256" in says and "nothing was changed" in says

    extra = tmp_path / "extra-member.zip"
    shutil.copy(archive, extra)
    with zipfile.ZipFile(extra, "a") as z:
        z.writestr("attachments/9/smuggled.pdf", PDF)
    _refused_and_nothing_changed(county, extra, DamagedBackup)

    not_a_zip = tmp_path / "notes.zip"
    not_a_zip.write_bytes(b"just some text")
    says = _refused_and_nothing_changed(county, not_a_zip, DamagedBackup)
    assert "不是 landgis 备份文件" in says


def _with_manifest(archive: Path, target: Path, **changes) -> None:
    def change(name: str, data: bytes) -> bytes:
        if name != "manifest.json":
            return data
        return json.dumps(json.loads(data) | changes, ensure_ascii=False).encode()

    _rewrite(archive, target, change)


def test_an_archive_of_a_newer_schema_is_refused_saying_to_upgrade_first(make_county, tmp_path):
    county = make_county()
    archive = tmp_path / "backup.zip"
    write_backup(county.settings, archive)
    change_everything(county)
    newer = tmp_path / "newer.zip"
    _with_manifest(archive, newer, schema_revision="0099", landgis_version="9.0.0")

    assert read_manifest(newer).schema_revision == "0099"
    says = _refused_and_nothing_changed(county, newer, IncompatibleBackup)
    assert "0099" in says and "较新版本" in says and "请先将 landgis 升级" in says
    assert "upgrade landgis" in says and head_revision() in says


def test_an_archive_of_the_other_backend_is_refused(make_county, tmp_path):
    county = make_county()
    archive = tmp_path / "backup.zip"
    write_backup(county.settings, archive)
    other = {"spatialite": "postgis", "postgis": "spatialite"}[county.settings.backend]
    foreign = tmp_path / "foreign.zip"
    _with_manifest(archive, foreign, backend=other)

    says = _refused_and_nothing_changed(county, foreign, IncompatibleBackup)
    assert "不能跨类型恢复" in says and "LANDGIS_DATABASE_URL" in says


def test_a_manifest_naming_another_revision_than_its_dump_is_refused(make_county, tmp_path):
    county = make_county()
    archive = tmp_path / "backup.zip"
    write_backup(county.settings, archive)
    change_everything(county)
    relabelled = tmp_path / "relabelled.zip"
    _with_manifest(archive, relabelled, schema_revision="0004")

    says = _refused_and_nothing_changed(county, relabelled, DamagedBackup)
    assert "结构版本不符" in says


def test_a_restore_that_fails_midway_changes_nothing(make_county, tmp_path, monkeypatch):
    county = make_county()
    archive = tmp_path / "backup.zip"
    write_backup(county.settings, archive)
    change_everything(county)
    state, files = database_state(county.engine), folder_state(county.folder)
    monkeypatch.setattr(postgis, "LOCK_TIMEOUT", "1s")
    monkeypatch.setattr(spatialite, "RESTORE_DEADLINE_SECONDS", 1.0)
    monkeypatch.setattr(spatialite, "BUSY_SECONDS", 0.2)

    # Another transaction holds the tables: a writer (SQLite), a reader (PostgreSQL,
    # where the restore must drop the tables) that never finishes in time.
    with county.engine.connect() as blocker:
        blocker.begin()
        if county.settings.backend == "spatialite":
            blocker.execute(text("UPDATE users SET display_name = display_name"))
        else:
            blocker.execute(text("SELECT count(*) FROM parcels"))
        with pytest.raises(Conflict) as busy:
            restore_backup(county.settings, archive)
        blocker.rollback()

    assert "nothing was changed" in busy.value.message_en
    assert database_state(county.engine) == state
    assert folder_state(county.folder) == files
    assert leftovers(county) == []
    restore_backup(county.settings, archive)  # once the database is free
    assert database_state(county.engine) != state


def test_an_older_schema_is_restored_then_migrated_to_the_newest(make_county, tmp_path):
    old = make_county(revision="0004")
    assert current_revision(old.engine) == "0004"
    (old.folder / "7").mkdir(parents=True)
    (old.folder / "7" / "scan.pdf").write_bytes(PDF)
    archive = tmp_path / "old.zip"
    manifest = write_backup(old.settings, archive)
    assert manifest.schema_revision == "0004"
    old_state = database_state(old.engine)

    county = make_county()
    change_everything(county)
    floor = data_version(county.engine)
    settings = county.settings
    restore_backup(settings, archive)

    assert current_revision(county.engine) == head_revision()
    state = database_state(county.engine, like=old.engine)
    assert {k: v for k, v in state.items() if k != "alembic_version"} == {
        k: v for k, v in old_state.items() if k != "alembic_version"
    }
    assert folder_state(county.folder) == {"7/scan.pdf": PDF}
    # The tables and triggers of the newer revision are there, counting changes afresh.
    migrated = data_version(county.engine)
    assert migrated > floor
    with transaction(county.engine) as session:
        session.execute(text("UPDATE parcels SET holder = 'x' WHERE id = 1"))
    assert data_version(county.engine) > migrated


def test_a_backup_never_overwrites_a_file_nor_copies_an_empty_database(
    make_county, databases, tmp_path
):
    county = make_county()
    taken = tmp_path / "taken.zip"
    taken.write_bytes(b"precious")
    with pytest.raises(InvalidInput, match="已存在"):
        write_backup(county.settings, taken)
    assert taken.read_bytes() == b"precious"

    # A folder gets a dated file name; nothing but the archive is left in it.
    folder = tmp_path / "backups"
    folder.mkdir()
    write_backup(county.settings, folder)
    (written,) = folder.iterdir()
    assert written.name.startswith("landgis-backup-") and written.suffix == ".zip"

    empty = Settings(database_url=databases.new_url(), attachments_dir=tmp_path / "none")
    databases.engine(empty.database_url).connect().close()
    with pytest.raises(InvalidInput, match="landgis init"):
        write_backup(empty, tmp_path / "empty.zip")
    assert not (tmp_path / "empty.zip").exists()
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_missing_postgresql_tools_name_the_package_to_install():
    with pytest.raises(ConfigurationError) as missing:
        find_tool("pg_dump", 99)
    assert "postgresql-client-99" in missing.value.message
    assert "apt-get install postgresql-client-99" in missing.value.message_en


def _rows(engine: Engine, sql: str) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(row) for row in conn.execute(text(sql))]


def test_a_restore_ends_sessions_and_keeps_the_servers_own_records(make_county, tmp_path):
    county = make_county()
    limits = LoginLimits()
    rules = SessionRules()
    with transaction(county.engine) as session:
        clerk = session.scalars(select(User).where(User.username == "clerk")).one()
        key = browser_sessions.start(session, clerk, client_addr="10.0.0.5")
        record_failure(session, "clerk", "10.0.0.9", limits)
    secret = session_secret(county.settings, county.engine)
    archive = tmp_path / "backup.zip"
    write_backup(county.settings, archive, actor="admin1", client_addr="10.0.0.1")

    with transaction(county.engine) as session:
        set_role(session, "clerk", "viewer", actor="admin1")  # after the backup
        record_failure(session, "mallory", "10.6.6.6", limits)
        assert browser_sessions.check(session, key, rules) is not None
    throttle = _rows(county.engine, "SELECT * FROM login_throttle ORDER BY key")
    assert len(throttle) == 4
    logged = _rows(county.engine, "SELECT action, actor, subject FROM audit_log ORDER BY id")

    restore_backup(county.settings, archive, actor="admin1", client_addr="10.0.0.1")

    with transaction(county.engine) as session:
        assert browser_sessions.check(session, key, rules) is None
        assert get_user(session, "clerk").role == "editor"  # the accounts are the backup's
    assert _rows(county.engine, "SELECT count(*) FROM user_sessions WHERE ended_at IS NULL") == [
        (0,)
    ]
    # The audit log: everything logged until now, once each, and then the restore.
    after = _rows(county.engine, "SELECT action, actor, subject FROM audit_log ORDER BY id")
    assert after == [*logged, ("restore", "admin1", None)]
    assert ("backup", "admin1", None) in logged and ("role_changed", "admin1", "clerk") in logged
    assert _rows(county.engine, "SELECT * FROM login_throttle ORDER BY key") == throttle
    assert session_secret(county.settings, county.engine) == secret
    if county.settings.backend == "postgis":
        assert _rows(county.engine, "SELECT value FROM server_secrets") == [(secret,)]


def test_a_backup_restores_onto_a_new_database_and_folder(make_county, databases, tmp_path):
    county = make_county()
    session_secret(county.settings, county.engine)
    archive = tmp_path / "backup.zip"
    write_backup(county.settings, archive)
    fresh = Settings(
        database_url=databases.new_url(), attachments_dir=tmp_path / "new-host" / "attachments"
    )

    restore_backup(fresh, archive)

    engine = databases.engine(fresh.database_url)
    assert database_state(engine) == database_state(county.engine)
    assert folder_state(fresh.attachments_dir) == folder_state(county.folder)
    # The session key stayed with the old server: the archive does not carry it.
    assert _rows(engine, "SELECT count(*) FROM server_secrets") == [(0,)]
    with zipfile.ZipFile(archive) as z:
        members = [n for n in z.namelist() if n != "manifest.json"]
    assert not any(n.endswith(".secret") for n in members)


# --- the command line, with a server running ----------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(base: str, path: str) -> bytes:
    with urllib.request.urlopen(base + path, timeout=20) as response:
        return response.read()


def _case(base: str) -> dict:
    return json.loads(_get(base, f"/api/cases/{CASE_NO}"))


def _landgis(env: dict[str, str], *args: str, stdin: str = "") -> subprocess.CompletedProcess:
    return subprocess.run(
        [LANDGIS, *args], env=env, input=stdin, capture_output=True, text=True, timeout=300
    )


def test_the_commands_back_up_and_restore_while_the_server_runs(make_county, tmp_path):
    assert LANDGIS, "the landgis console script is installed with the package"
    county = make_county()
    env = {
        **os.environ,
        "LANDGIS_DATABASE_URL": county.url,
        "LANDGIS_ATTACHMENTS_DIR": str(county.folder),
    }
    port = _free_port()
    server = subprocess.Popen(
        [LANDGIS, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_served(f"{base}/health", server, drained_output(server))
        at_backup = _case(base)
        events = json.loads(_get(base, f"/api/cases/{CASE_NO}/events"))

        archive = tmp_path / "nightly.zip"
        done = _landgis(env, "backup", str(archive))
        assert done.returncode == 0, done.stderr
        assert "备份已写入:" in done.stdout and "  台账条目:13\n" in done.stdout

        change_everything(county)
        for _ in range(8):  # the server's connections have used (and prepared) this query
            changed = _case(base)
        assert changed["remarks"] == "备份后的改动"

        declined = _landgis(env, "restore", str(archive), stdin="n\n")
        assert declined.returncode == 1
        assert "13" in declined.stdout and "继续吗?" in declined.stdout
        assert _case(base)["remarks"] == "备份后的改动"

        restored = _landgis(env, "restore", str(archive), "--yes")
        assert restored.returncode == 0, restored.stderr
        assert f"结构版本 {head_revision()}" in restored.stdout
        assert "所有浏览器会话已结束,请重新登录。" in restored.stdout

        # The running server sees the restored data and files, without a restart.
        assert _case(base) == at_backup
        assert json.loads(_get(base, f"/api/cases/{CASE_NO}/events")) == events
        detail = _case(base)
        assert detail["remarks"] == "备份前的备注"
        page = _get(base, f"/cases/{CASE_NO}").decode()
        links = sorted(set(_attachment_links(page)))
        assert len(links) == 2
        assert sorted(_get(base, link) for link in links) == sorted([PDF, PNG])

        damaged = tmp_path / "damaged.zip"
        _rewrite(archive, damaged, lambda n, d: d + b"x" if n.startswith("attach") else d)
        refused = _landgis(env, "restore", str(damaged), "--yes")
        assert refused.returncode == 2
        assert refused.stderr.startswith("错误:备份文件已损坏或被改动")
        assert "Error" not in refused.stderr
        in_english = _landgis({**env, "LANDGIS_LANGUAGE": "en"}, "restore", str(damaged), "--yes")
        assert in_english.returncode == 2
        assert in_english.stderr.startswith("Error: ")
        assert not re.search(r"[\u4e00-\u9fff]", in_english.stderr), in_english.stderr
    finally:
        server.terminate()
        server.wait(timeout=10)


def _attachment_links(page: str) -> list[str]:
    return re.findall(rf'href="(/cases/{CASE_NO}/attachments/\d+)(?:\?[^"]*)?"', page)
