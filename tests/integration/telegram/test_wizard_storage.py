"""A wizard step costs few trips to the FSM storage (each is a Redis round trip in production)."""

from collections import Counter
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import ThrottlingMiddleware
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import RecordingSession, World


class CountingStorage(MemoryStorage):
    def __init__(self) -> None:
        super().__init__()
        self.trips: Counter[str] = Counter()

    async def get_state(self, key: StorageKey) -> str | None:
        self.trips["get_state"] += 1
        return await super().get_state(key)

    async def set_state(self, key: StorageKey, state: str | State | None = None) -> None:
        self.trips["set_state"] += 1
        await super().set_state(key, state)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        self.trips["get_data"] += 1
        return await super().get_data(key)

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        self.trips["set_data"] += 1
        await super().set_data(key, data)


@pytest.fixture
def storage() -> CountingStorage:
    return CountingStorage()


@pytest.fixture
async def counted_world(services: Services, storage: CountingStorage) -> AsyncIterator[World]:
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    throttling = ThrottlingMiddleware(rate=1000, burst=1000)
    dispatcher = build_dispatcher(services, storage=storage, throttling=throttling)
    world = World(dispatcher, bot, session)
    yield world
    world.check_rules()


async def test_a_step_reads_the_state_once_and_the_draft_once(
    counted_world: World, storage: CountingStorage
) -> None:
    anna = counted_world.person(101)
    await anna.send("/start")
    await anna.send("📝 Новая заявка")
    storage.trips.clear()
    await anna.send("Каб. 305")
    assert "Что случилось?" in anna.last.text
    # aiogram reads the state; the answer and the step, then the question sent, are written.
    assert storage.trips == {"get_state": 1, "get_data": 1, "set_data": 2, "set_state": 1}
    storage.trips.clear()
    await anna.press("🚰 Сантехника")
    assert storage.trips == {"get_state": 1, "get_data": 1, "set_data": 2, "set_state": 1}
