"""A restart in the middle of the wizard keeps the draft when the FSM lives in Redis.

Runs against the real Redis of ``ZAVHOZ_TEST_REDIS_URL`` (set by ``.ci/run``; locally e.g.
``redis://127.0.0.1:6379/14``), under a key prefix of its own that is deleted afterwards.
"""

import os
import uuid
from collections.abc import AsyncIterator

import pytest
from aiogram import Bot, Dispatcher
from aiogram.client.default import DefaultBotProperties
from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from redis.asyncio import Redis

from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.states import NewRequest
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.domain.catalog import Category
from zavhoz.domain.ids import RequestId
from zavhoz.main.container import fsm_storage

REDIS_URL = os.environ.get("ZAVHOZ_TEST_REDIS_URL")
pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="set ZAVHOZ_TEST_REDIS_URL to run the Redis tests"),
]

ANNA = 101
DESCRIPTION = "Не закрывается дверь в кабинет"


@pytest.fixture
async def prefix() -> AsyncIterator[str]:
    """A key prefix of this test's own; its keys are gone afterwards."""
    name = f"zavhoz-test-{uuid.uuid4().hex}"
    yield name
    assert REDIS_URL
    redis = Redis.from_url(REDIS_URL)
    keys = [key async for key in redis.scan_iter(match=f"{name}:*")]
    if keys:
        await redis.delete(*keys)
    await redis.aclose()


def start_bot(services: Services, storage: BaseStorage) -> tuple[World, Dispatcher]:
    """One run of the bot: a dispatcher over ``storage``, as `zavhoz run` builds it."""
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dispatcher = build_dispatcher(
        services, storage=storage, throttling=Throttle(rate=1000, burst=1000)
    )
    return World(dispatcher, bot, session), dispatcher


async def test_a_restart_in_the_middle_of_the_wizard_keeps_the_draft(
    services: Services, db: MemoryDatabase, prefix: str
) -> None:
    assert REDIS_URL
    first = fsm_storage(REDIS_URL, prefix=prefix)
    assert isinstance(first, RedisStorage)
    world, _ = start_bot(services, first)
    anna = world.person(ANNA)
    await anna.send("/start")
    await anna.send("📝 Новая заявка")
    await anna.send("Каб. 305")
    await anna.press("Сантехника")
    assert "Опишите проблему" in anna.last.text
    world.check_rules()
    await first.close()  # the process ends

    second = fsm_storage(REDIS_URL, prefix=prefix)
    world, dispatcher = start_bot(services, second)
    context = dispatcher.fsm.get_context(world.bot, chat_id=ANNA, user_id=ANNA)
    assert await context.get_state() == NewRequest.description.state
    draft = (await context.get_data())["draft"]
    assert (draft["location"], draft["category"]) == ("Каб. 305", Category.PLUMBING.value)

    anna = world.person(ANNA)
    await anna.send("/start")
    assert anna.last.text == "У вас есть незаконченная заявка. Продолжить её или удалить черновик?"
    await anna.press("Продолжить")
    assert "Опишите проблему" in anna.last.text
    await anna.send(DESCRIPTION)
    await anna.press("Обычный")
    await anna.press("Пропустить")
    await anna.press("Отправить")

    request = db.requests[RequestId(1)]
    assert (request.location, request.category, request.description) == (
        "Каб. 305",
        Category.PLUMBING,
        DESCRIPTION,
    )
    assert await context.get_state() is None, "the sent draft is gone from Redis"
    world.check_rules()
    await second.close()


async def test_the_keys_carry_the_prefix_and_the_bot(services: Services, prefix: str) -> None:
    assert REDIS_URL
    storage = fsm_storage(REDIS_URL, prefix=prefix)
    world, _ = start_bot(services, storage)
    anna = world.person(ANNA)
    await anna.send("📝 Новая заявка")
    assert isinstance(storage, RedisStorage)
    keys = sorted([key.decode() async for key in storage.redis.scan_iter(match=f"{prefix}:*")])
    assert keys == [f"{prefix}:42:{ANNA}:{ANNA}:data", f"{prefix}:42:{ANNA}:{ANNA}:state"]
    await storage.close()
