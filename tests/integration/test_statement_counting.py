"""The counter counts what the database runs: BEGIN and COMMIT in, skipped ROLLBACKs out."""

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from tests.integration.conftest import POSTGRES_URL, needs_postgres, reset_postgres, sqlite_url
from zavhoz.adapters.persistence.sqlalchemy import create_engine
from zavhoz.adapters.persistence.sqlalchemy.counting import StatementCounter


@pytest.fixture
async def sqlite(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(sqlite_url(tmp_path))
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    await engine.dispose()


def _driver_autocommit(dbapi_connection: Any, _: object) -> None:
    dbapi_connection.isolation_level = None


@pytest.fixture
async def sqlite_without_begin(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    """Like ZAVhoz's engine for a read-only unit of work: sqlite3 in autocommit, no BEGIN sent."""
    engine = create_async_engine(sqlite_url(tmp_path))
    event.listen(engine.sync_engine, "connect", _driver_autocommit)
    async with engine.connect() as connection:
        await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    await engine.dispose()


@pytest.fixture
async def postgres() -> AsyncIterator[AsyncEngine]:
    assert POSTGRES_URL
    engine = create_engine(POSTGRES_URL)
    await reset_postgres(engine)
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT)"))
    yield engine
    await engine.dispose()


async def write(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO notes (id, body) VALUES (1, 'a')"))


async def read(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT count(*) FROM notes"))


async def read_in_autocommit(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("SELECT count(*) FROM notes"))


async def nested(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("INSERT INTO notes (id, body) VALUES (2, 'b')"))
        async with connection.begin_nested() as savepoint:
            await connection.execute(text("INSERT INTO notes (id, body) VALUES (3, 'c')"))
            await savepoint.rollback()


async def begun_and_abandoned(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        await connection.rollback()
        await connection.rollback()


"""SQLAlchemy's pre-ping of a pooled asyncpg connection at checkout."""


def kinds(counter: StatementCounter) -> list[str]:
    return [statement.split()[0].upper() for statement in counter.statements]


async def test_sqlite_counts_the_write_lock_the_statement_and_the_commit(
    sqlite: AsyncEngine,
) -> None:
    counter = StatementCounter.attach(sqlite)
    await write(sqlite)
    assert kinds(counter) == ["BEGIN", "INSERT", "COMMIT"]
    assert counter.statements[0] == "BEGIN IMMEDIATE"
    assert counter.count == 3


async def test_sqlite_read_in_autocommit_is_one_statement_and_no_skipped_rollback(
    sqlite_without_begin: AsyncEngine,
) -> None:
    counter = StatementCounter.attach(sqlite_without_begin)
    await read(sqlite_without_begin)
    assert counter.statements == ["SELECT count(*) FROM notes"]


async def test_sqlite_read_in_a_transaction_pays_begin_and_rollback(sqlite: AsyncEngine) -> None:
    counter = StatementCounter.attach(sqlite)
    await read(sqlite)
    assert kinds(counter) == ["BEGIN", "SELECT", "ROLLBACK"]


async def test_sqlite_counts_savepoints(sqlite: AsyncEngine) -> None:
    counter = StatementCounter.attach(sqlite)
    await nested(sqlite)
    assert kinds(counter) == ["BEGIN", "INSERT", "SAVEPOINT", "INSERT", "ROLLBACK", "COMMIT"]
    assert counter.statements[4].startswith("ROLLBACK TO SAVEPOINT")


async def test_sqlite_second_rollback_costs_nothing(sqlite: AsyncEngine) -> None:
    counter = StatementCounter.attach(sqlite)
    await begun_and_abandoned(sqlite)
    assert kinds(counter) == ["BEGIN", "SELECT", "ROLLBACK"]


async def test_reset_starts_over_and_detach_stops_counting(sqlite: AsyncEngine) -> None:
    counter = StatementCounter.attach(sqlite)
    await write(sqlite)
    counter.reset()
    await read(sqlite)
    assert counter.count == 3
    counter.detach()
    await read(sqlite)
    assert counter.count == 3


async def test_sqlite_counts_on_connections_pooled_before_attaching(sqlite: AsyncEngine) -> None:
    await read(sqlite)
    first = StatementCounter.attach(sqlite)
    first.detach()
    second = StatementCounter.attach(sqlite)
    await read(sqlite)
    assert (first.count, second.count) == (0, 3)


async def test_sqlite_keeps_the_first_line_only(sqlite: AsyncEngine) -> None:
    counter = StatementCounter.attach(sqlite)
    async with sqlite.connect() as connection:
        await connection.execute(text("SELECT 1\n  FROM notes"))
    assert counter.statements[1] == "SELECT 1"
    assert counter.statements[0] == "BEGIN IMMEDIATE"


@needs_postgres
@pytest.mark.postgres
async def test_postgres_counts_begin_statement_and_commit(postgres: AsyncEngine) -> None:
    assert POSTGRES_URL
    pinging = create_engine(POSTGRES_URL, pool_pre_ping=True)  # ZAVhoz's own pool does not ping
    async with pinging.connect() as warm:  # a pooled connection: the next checkout pings
        await warm.execute(text("SELECT 1"))
    counter = StatementCounter.attach(pinging)
    await write(pinging)
    await pinging.dispose()
    assert counter.statements == [
        "BEGIN",
        "; -- pre-ping",
        "ROLLBACK",
        "BEGIN",
        "INSERT INTO notes (id, body) VALUES (1, 'a')",
        "COMMIT",
    ]


@needs_postgres
@pytest.mark.postgres
async def test_postgres_read_in_autocommit_and_savepoints(postgres: AsyncEngine) -> None:
    counter = StatementCounter.attach(postgres)
    await read_in_autocommit(postgres)
    assert kinds(counter) == ["SELECT"]
    counter.reset()
    await nested(postgres)
    assert kinds(counter) == ["BEGIN", "INSERT", "SAVEPOINT", "INSERT", "ROLLBACK", "COMMIT"]


@needs_postgres
@pytest.mark.postgres
async def test_postgres_second_rollback_costs_nothing(postgres: AsyncEngine) -> None:
    counter = StatementCounter.attach(postgres)
    await begun_and_abandoned(postgres)
    assert kinds(counter) == ["BEGIN", "SELECT", "ROLLBACK"]


@needs_postgres
@pytest.mark.postgres
async def test_postgres_a_new_connection_is_not_pinged(postgres: AsyncEngine) -> None:
    assert POSTGRES_URL
    engine = create_engine(POSTGRES_URL)
    counter = StatementCounter.attach(engine)
    await begun_and_abandoned(engine)
    await engine.dispose()
    assert kinds(counter) == ["BEGIN", "SELECT", "ROLLBACK"]
