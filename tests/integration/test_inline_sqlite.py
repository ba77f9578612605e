"""SQLite on the event loop's thread: what SQLAlchemy asks of the aiosqlite interface works."""

import asyncio
from pathlib import Path

import pytest
from sqlalchemy import text

from zavhoz.adapters.persistence.sqlalchemy import create_engine
from zavhoz.adapters.persistence.sqlalchemy.engine import units_engine
from zavhoz.adapters.persistence.sqlalchemy.inline_sqlite import (
    CHECKPOINT_EVERY,
    Checkpoints,
    InlineConnection,
    inline_connector,
)


async def test_the_engine_reads_and_writes_without_a_worker_thread(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'inline.db'}")
    async with engine.begin() as connection:
        raw = await connection.get_raw_connection()
        assert isinstance(raw.driver_connection, InlineConnection)
        await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
        await connection.execute(text("INSERT INTO notes (body) VALUES ('кран'), ('дверь')"))
    async with engine.connect() as connection:
        rows = (await connection.execute(text("SELECT body FROM notes ORDER BY id"))).all()
        streamed = await connection.stream(text("SELECT id FROM notes ORDER BY id"))
        ids = [row.id async for row in streamed]
    await engine.dispose()
    assert [row.body for row in rows] == ["кран", "дверь"]
    assert ids == [1, 2]


async def test_a_threaded_engine_is_there_for_long_reads(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'threaded.db'}", threaded=True)
    async with engine.connect() as connection:
        raw = await connection.get_raw_connection()
        assert not isinstance(raw.driver_connection, InlineConnection)
        assert (await connection.execute(text("SELECT 40 + 2"))).scalar() == 42
    await engine.dispose()


async def test_the_cursor_keeps_the_dbapi_contract(tmp_path: Path) -> None:
    connection = await inline_connector(str(tmp_path / "raw.db"), 1.0, None)()
    async with connection.cursor() as cursor:
        await cursor.execute("CREATE TABLE t (n INTEGER)")
        await cursor.executemany("INSERT INTO t VALUES (?)", [(1,), (2,)])
        assert cursor.rowcount == 2
        await cursor.execute("INSERT INTO t VALUES (?)", (3,))
        assert cursor.lastrowid == 3
        cursor.arraysize = 2
        await cursor.execute("SELECT n FROM t ORDER BY n")
        assert cursor.description[0][0] == "n"
        assert await cursor.fetchone() == (1,)
        assert await cursor.fetchmany() == [(2,), (3,)]
        assert cursor.arraysize == 2
    await connection.commit()
    assert connection.isolation_level is None, "BEGIN is ours to say (BEGIN IMMEDIATE)"
    await connection.close()
    assert connection._connection is None
    with pytest.raises(ValueError, match="no active connection"):
        connection.cursor()


async def test_the_log_is_copied_into_the_database_off_the_event_loop(tmp_path: Path) -> None:
    database = tmp_path / "logged.db"
    connection = await inline_connector(str(database), 1.0, Checkpoints(str(database)))()
    async with connection.cursor() as cursor:
        await cursor.execute("PRAGMA journal_mode=WAL")
        await cursor.execute("CREATE TABLE t (n INTEGER)")
        before = database.stat().st_size
        for n in range(CHECKPOINT_EVERY):
            await cursor.execute("BEGIN IMMEDIATE")
            await cursor.execute("INSERT INTO t VALUES (?)", (n,))
            await connection.commit()
    assert database.stat().st_size == before, "nothing copied inside a commit"
    await asyncio.sleep(0)  # the checkpoint's thread is under way
    await asyncio.gather(*asyncio.all_tasks() - {asyncio.current_task()})
    await connection.close()
    assert database.stat().st_size > before


def test_a_checkpoint_of_a_removed_database_is_skipped(tmp_path: Path) -> None:
    Checkpoints(str(tmp_path / "gone.db")).checkpoint()
    assert not (tmp_path / "gone.db").exists(), "no empty database left behind"


async def test_units_of_work_on_a_file_get_a_synchronous_twin_disposed_with_the_engine(
    tmp_path: Path,
) -> None:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'twin.db'}")
    twin = units_engine(engine)
    assert twin is not None
    with twin.begin() as connection:
        connection.execute(text("CREATE TABLE t (n INTEGER)"))
        connection.execute(text("INSERT INTO t VALUES (7)"))
        assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert connection.execute(text("PRAGMA wal_autocheckpoint")).scalar() == 0
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT n FROM t"))).scalar() == 7, "one file"
    assert twin.pool.checkedin() == 1
    await engine.dispose()
    assert twin.pool.checkedin() == 0


def test_only_an_inline_file_has_a_twin(tmp_path: Path) -> None:
    assert units_engine(create_engine("sqlite+aiosqlite://")) is None
    assert (
        units_engine(create_engine(f"sqlite+aiosqlite:///{tmp_path / 'a.db'}", threaded=True))
        is None
    )
