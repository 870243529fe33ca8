"""Two clients change the same case having seen the same version: one wins, the other is
told, and nothing is lost. Each runs in its own transaction on a real database. On
SpatiaLite, a writer waits for the write lock (once more after the busy timeout) and is
then told busy, while reads go on without it."""

from __future__ import annotations

import datetime as dt
import threading
import time
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select, text

from landgis import cases
from landgis.cases import Actor
from landgis.db.engine import make_engine
from landgis.db.migrate import upgrade
from landgis.db.models import CaseEvent
from landgis.db.session import optional_write, transaction
from landgis.demo import load_demo
from landgis.errors import Busy, Conflict, StaleVersion
from landgis.settings import DEMO_DATA, Settings

CASE = "QX-XZ-2023-009"  # identified, in the demo


@pytest.fixture
def engine(databases):
    """A demo database of its own: these tests commit."""
    engine = databases.engine()
    upgrade(engine)
    with transaction(engine) as session:
        load_demo(session, DEMO_DATA)
    return engine


def _edit(engine, version: int, who: str, unit: str) -> None:
    with transaction(engine) as session:
        cases.edit_case(
            session,
            CASE,
            version=version,
            actor=Actor(who),
            occurred_on=dt.date.today(),
            fields={"responsible_unit": unit},
        )


def _seen_version(engine) -> int:
    with transaction(engine) as session:
        return cases.get_case(session, CASE).version


def test_the_second_writer_with_the_same_version_gets_a_conflict(engine):
    seen = _seen_version(engine)  # both clerks open the case and see this version

    _edit(engine, seen, "zhangwei", "县自然资源局执法大队")
    with pytest.raises(StaleVersion) as raised:
        _edit(engine, seen, "liting", "园区管委会规划建设局")

    assert raised.value.current["responsible_unit"] == "县自然资源局执法大队"
    with transaction(engine) as session:
        case = cases.get_case(session, CASE)
        assert (case.version, case.responsible_unit) == (seen + 1, "县自然资源局执法大队")
        events = session.scalar(
            select(func.count(CaseEvent.id)).where(CaseEvent.case_id == case.id)
        )
        assert events == case.version  # the refused change left no event behind


def test_simultaneous_writers_one_succeeds_one_conflicts(engine, databases):
    seen = _seen_version(engine)
    barrier = threading.Barrier(2)
    outcomes: dict[str, str] = {}
    # On PostGIS both transactions read the same version before either writes. SpatiaLite
    # runs one write transaction at a time (each takes the write lock as it begins): the
    # two clerks send their change at the same moment, and the second waits its turn.
    both_inside = databases.backend == "postgis"

    def clerk(name: str, unit: str) -> None:
        try:
            if not both_inside:
                barrier.wait(timeout=10)
            with transaction(engine) as session:
                case = cases.get_case(session, CASE)
                if both_inside:
                    assert case.version == seen
                    barrier.wait(timeout=10)  # both have read the same version
                cases.edit_case(
                    session,
                    CASE,
                    version=seen,
                    actor=Actor(name),
                    occurred_on=dt.date.today(),
                    fields={"responsible_unit": unit},
                )
            outcomes[name] = "saved"
        except Conflict:
            outcomes[name] = "conflict"

    threads = [
        threading.Thread(target=clerk, args=(n, u))
        for n, u in (("zhangwei", "甲单位"), ("liting", "乙单位"))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes.values()) == ["conflict", "saved"]
    winner = "甲单位" if outcomes["zhangwei"] == "saved" else "乙单位"
    with transaction(engine) as session:
        case = cases.get_case(session, CASE)
        assert (case.version, case.responsible_unit) == (seen + 1, winner)


def test_two_changes_waiting_for_each_other_end_as_one_conflict_on_postgis(database_factories):
    """PostgreSQL breaks a deadlock by rolling one transaction back: that user is told to
    try again (409), the other change goes through."""
    factory = database_factories["postgis"]
    engine = factory.engine()
    upgrade(engine)
    with transaction(engine) as session:
        session.execute(text("CREATE TABLE counters (id integer PRIMARY KEY, n integer)"))
        session.execute(text("INSERT INTO counters VALUES (1, 0), (2, 0)"))
    both_hold_one = threading.Barrier(2, timeout=10)
    outcomes: list[object] = []

    def change(first: int, second: int) -> None:
        try:
            with transaction(engine) as session:
                session.execute(text(f"UPDATE counters SET n = n + 1 WHERE id = {first}"))
                both_hold_one.wait()
                session.execute(text(f"UPDATE counters SET n = n + 1 WHERE id = {second}"))
            outcomes.append("done")
        except Conflict as refused:
            outcomes.append(refused)

    threads = [threading.Thread(target=change, args=pair) for pair in ((1, 2), (2, 1))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(map(str, outcomes)).count("done") == 1
    [refused] = [o for o in outcomes if isinstance(o, Conflict)]
    assert "try again" in refused.message_en
    with engine.connect() as conn:
        assert conn.execute(text("SELECT sum(n) FROM counters")).scalar() == 2


@pytest.fixture
def spatialite_file(database_factories):
    """A new SpatiaLite database with the schema, and its URL."""
    factory = database_factories["spatialite"]
    url = factory.new_url()
    upgrade(factory.engine(url))
    return url


@contextmanager
def _write_lock_held(url: str, seconds: float):
    """Another connection takes SpatiaLite's write lock for ``seconds`` (in a thread)."""
    holder = make_engine(Settings(database_url=url))
    taken = threading.Event()

    def hold() -> None:
        raw = holder.raw_connection()
        try:
            sqlite = raw.driver_connection
            sqlite.execute("BEGIN IMMEDIATE")
            sqlite.execute("INSERT INTO count_cache VALUES ('held', 0, 0)")
            taken.set()
            time.sleep(seconds)
            sqlite.execute("COMMIT")
        finally:
            raw.close()

    thread = threading.Thread(target=hold)
    thread.start()
    taken.wait(10)
    try:
        yield
    finally:
        thread.join(30)
        holder.dispose()


def _cache(engine, key: str) -> None:
    with transaction(engine) as session:
        session.execute(text(f"INSERT INTO count_cache VALUES ('{key}', 1, 1)"))


def _cached(engine) -> set[str]:
    with transaction(engine, write=False) as session:
        return set(session.scalars(text("SELECT key FROM count_cache")))


def test_a_spatialite_writer_waits_for_the_lock_and_tries_once_more(spatialite_file):
    engine = make_engine(Settings(database_url=spatialite_file, sqlite_busy_timeout=0.5))
    # Held for 0.8 s: the first wait (0.5 s) runs out, the one retry gets the lock.
    with _write_lock_held(spatialite_file, 0.8):
        started = time.monotonic()
        _cache(engine, "after the retry")
        waited = time.monotonic() - started
    assert waited >= 0.5
    assert _cached(engine) == {"held", "after the retry"}
    engine.dispose()


def test_a_spatialite_writer_kept_waiting_is_told_busy_and_writes_nothing(spatialite_file):
    engine = make_engine(Settings(database_url=spatialite_file, sqlite_busy_timeout=0.3))
    with _write_lock_held(spatialite_file, 2.5):
        started = time.monotonic()
        with pytest.raises(Busy) as refused:
            _cache(engine, "refused")
        waited = time.monotonic() - started
    assert 0.6 <= waited < 2.0  # the busy timeout twice: one wait, one retry
    assert "try again" in refused.value.message_en and refused.value.retry_after > 0
    assert _cached(engine) == {"held"}
    engine.dispose()


def test_reads_on_spatialite_take_no_write_lock_and_give_up_an_optional_write(
    spatialite_file,
):
    """While another connection writes, a read runs at once, and the count it would cache
    is simply not cached (instead of failing the read)."""
    engine = make_engine(Settings(database_url=spatialite_file, sqlite_busy_timeout=5))
    with _write_lock_held(spatialite_file, 2.0):
        started = time.monotonic()
        with transaction(engine, write=False) as session:
            assert session.scalar(text("SELECT count(*) FROM count_cache")) == 0
            optional_write(session, text("INSERT INTO count_cache VALUES ('optional', 1, 1)"))
            assert session.scalar(text("SELECT count(*) FROM count_cache")) == 0
        assert time.monotonic() - started < 1.5
    assert _cached(engine) == {"held"}
    engine.dispose()
