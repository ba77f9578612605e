"""Remembered facts: the same behaviour in memory, on SQLite and on PostgreSQL."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.integration.conftest import ALL_BACKENDS, fresh_engine
from zavhoz.adapters.persistence.memory.remembered import MemoryRemembered
from zavhoz.adapters.persistence.sqlalchemy.remembered import SqlRemembered
from zavhoz.application.ports import Remembered


@pytest.fixture(params=ALL_BACKENDS)
async def remembered(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Remembered]:
    if request.param == "memory":
        yield MemoryRemembered()
        return
    engine = await fresh_engine(request.param, tmp_path)
    yield SqlRemembered(engine)
    await engine.dispose()


async def test_nothing_is_recalled_before_it_is_remembered(remembered: Remembered) -> None:
    assert await remembered.recall("bot_username") is None


async def test_the_last_value_wins_and_keys_are_apart(remembered: Remembered) -> None:
    await remembered.remember("bot_username", "old_bot")
    await remembered.remember("bot_username", "zavhoz_bot")
    await remembered.remember("other", "x")

    assert await remembered.recall("bot_username") == "zavhoz_bot"
    assert await remembered.recall("other") == "x"
