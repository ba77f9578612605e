"""Backends for the persistence contract: memory, SQLite (a temporary file) and PostgreSQL."""

import os
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.sqlalchemy import create_engine, sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.migrations import upgrade_engine
from zavhoz.application.ports import UnitOfWorkFactory

POSTGRES_URL = os.environ.get("ZAVHOZ_TEST_POSTGRES_URL")
needs_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="set ZAVHOZ_TEST_POSTGRES_URL to run the PostgreSQL tests"
)
SQL_BACKENDS = [
    pytest.param("sqlite", id="sqlite"),
    pytest.param("postgres", id="postgres", marks=[needs_postgres, pytest.mark.postgres]),
]
ALL_BACKENDS = [pytest.param("memory", id="memory"), *SQL_BACKENDS]


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'zavhoz.db'}"


async def reset_postgres(engine: AsyncEngine) -> None:
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))


async def fresh_engine(backend: str, folder: Path) -> AsyncEngine:
    """An engine on an empty database of ``backend`` with the current schema."""
    if backend == "postgres":
        assert POSTGRES_URL
        engine = create_engine(POSTGRES_URL)
        await reset_postgres(engine)
    else:
        engine = create_engine(sqlite_url(folder))
    await upgrade_engine(engine)  # as a deployment makes it, with its first organization
    return engine


@pytest.fixture(params=SQL_BACKENDS)
async def engine(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = await fresh_engine(request.param, tmp_path)
    yield engine
    await engine.dispose()


@pytest.fixture(params=ALL_BACKENDS)
async def uow_factory(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "memory":
        yield memory_uow_factory(MemoryDatabase())
        return
    engine = await fresh_engine(request.param, tmp_path)
    yield sql_uow_factory(engine)
    await engine.dispose()
