"""Without a ping per checkout, a dropped server connection costs one failed unit of work."""

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.integration.conftest import POSTGRES_URL, needs_postgres, reset_postgres
from zavhoz.adapters.persistence.sqlalchemy import create_engine

pytestmark = [needs_postgres, pytest.mark.postgres]


async def test_after_the_server_drops_connections_the_pool_reconnects() -> None:
    assert POSTGRES_URL
    engine, killer = create_engine(POSTGRES_URL), create_engine(POSTGRES_URL)
    await reset_postgres(engine)
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT 1"))).scalar() == 1
    async with killer.connect() as connection:
        dropped = await connection.execute(
            text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE application_name = 'zavhoz' AND pid <> pg_backend_pid() "
                "AND datname = current_database()"
            )
        )
        assert any(row[0] for row in dropped)
    with pytest.raises(DBAPIError):
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
    async with engine.connect() as connection:
        assert (await connection.execute(text("SELECT 2"))).scalar() == 2
    await engine.dispose()
    await killer.dispose()
