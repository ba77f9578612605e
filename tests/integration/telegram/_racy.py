"""One person's updates fed at the same moment, as polling does, over a storage that yields.

Only the dispatcher's event isolation (``build_dispatcher``'s default) keeps them one at a time:
these worlds prove it, e.g. an album's photos all counted, a double tap sending one request.
"""

import asyncio
from typing import Any

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.memory import MemoryStorage

from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import RecordingSession, World


class YieldingStorage(MemoryStorage):
    """Like Redis: every read and write lets other updates run in between."""

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        await asyncio.sleep(0)
        return await super().get_data(key)

    async def set_data(self, key: StorageKey, data: Any) -> None:
        await asyncio.sleep(0)
        await super().set_data(key, data)


def racy(services: Services) -> World:
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dispatcher = build_dispatcher(
        services, storage=YieldingStorage(), throttling=Throttle(rate=1000, burst=1000)
    )
    return World(dispatcher, bot, session)
