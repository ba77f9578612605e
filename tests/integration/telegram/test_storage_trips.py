"""A step of a conversation costs few trips to the FSM storage (each a Redis round trip in
production): the state aiogram read and the data read once serve every filter and handler."""

from collections import Counter
from collections.abc import AsyncIterator, Mapping
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.fsm.state import State
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.domain.catalog import Category
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role


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
    throttling = Throttle(rate=1000, burst=1000)
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


async def test_a_typed_report_reads_the_state_once_and_the_conversation_once(
    counted_world: World, storage: CountingStorage, services: Services, db: MemoryDatabase
) -> None:
    ivan = counted_world.person(202, "Иван")
    await ivan.send("/start")
    db.users[UserId(202)].role = Role.EXECUTOR
    request = await services.create_request(
        CreateRequestCommand(
            author_id=UserId(202),
            location="Каб. 305",
            category=Category.DOORS_LOCKS_SECURITY,
            description="Не закрывается дверь в кабинет",
        )
    )
    await services.take(TakeRequestCommand(actor_id=UserId(202), request_id=request.id))
    card = CardCb(id=request.id, action="open", v=db.requests[request.id].version).pack()
    await ivan.press_data(card)
    await ivan.press("Выполнено")
    storage.trips.clear()
    await ivan.send("Заменил замок")
    assert ivan.last.text.startswith("Отчёт записан.")
    # aiogram reads the state; the filter reads the data; the report is added, then the state.
    assert storage.trips == {"get_state": 1, "get_data": 2, "set_data": 1, "set_state": 1}
