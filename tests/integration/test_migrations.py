"""Alembic owns the schema: the migrations go up and down and match the table metadata."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import unused_port
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from tests.integration.conftest import POSTGRES_URL, SQL_BACKENDS, reset_postgres, sqlite_url
from zavhoz.adapters.persistence.sqlalchemy import create_engine, migrations
from zavhoz.adapters.persistence.sqlalchemy.tables import metadata
from zavhoz.main.cli import main


@pytest.fixture(params=SQL_BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    assert POSTGRES_URL
    engine = create_engine(POSTGRES_URL)
    asyncio.run(reset_postgres(engine))
    asyncio.run(engine.dispose())
    return POSTGRES_URL


def _inspect(url: str, probe: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        async with engine.connect() as connection:
            result = await connection.run_sync(probe)
        await engine.dispose()
        return result

    return asyncio.run(run())


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def test_upgrade_downgrade_upgrade(url: str) -> None:
    migrations.upgrade(url)
    assert _inspect(url, _tables) == set(metadata.tables)
    migrations.downgrade(url, "base")
    assert _inspect(url, _tables) == set()
    migrations.upgrade(url)
    assert _inspect(url, _tables) == set(metadata.tables)


def test_migrated_schema_matches_the_metadata(url: str) -> None:
    migrations.upgrade(url)
    assert _inspect(url, _drift) == []


def test_the_command_line_upgrades_and_reports(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    assert "0003 (head)" in capsys.readouterr().out
    assert main(["db", "downgrade", "base"]) == 0
    assert _inspect(url, _tables) == set()


async def test_the_application_upgrades_on_its_own_connection(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path))
    await migrations.upgrade_engine(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) == set(metadata.tables)
    await engine.dispose()


@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["db", "upgrade"], 1, "zavhoz: cannot reach the database (ZAVHOZ_DATABASE_URL): "),
        (["db", "current"], 1, "zavhoz: cannot reach the database (ZAVHOZ_DATABASE_URL): "),
        (["db", "upgrade", "nope"], 2, "zavhoz: Can't locate revision identified by 'nope'"),
    ],
)
def test_the_command_line_says_what_went_wrong_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    says: str,
) -> None:
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port()}/zavhoz"
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", sqlite_url(tmp_path) if code == 2 else nowhere)
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.startswith(says)
    assert err.count("\n") == 1
