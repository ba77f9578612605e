"""A per-person token bucket: a stuck finger or a script cannot flood the bot."""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ThrottlingMiddleware(BaseMiddleware):
    def __init__(
        self,
        rate: float = 5.0,
        burst: int = 15,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._rate, self._burst, self._clock = rate, burst, clock
        self._buckets: dict[int, tuple[float, float]] = {}

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender = data.get("event_from_user")
        if sender is None or self._take(sender.id):
            return await handler(event, data)
        if isinstance(event, Update) and event.callback_query is not None:
            await data["bot"].answer_callback_query(
                event.callback_query.id, text=data["t"]("errors.slow_down")
            )
        return None

    def _take(self, key: int) -> bool:
        now = self._clock()
        tokens, last = self._buckets.get(key, (float(self._burst), now))
        tokens = min(float(self._burst), tokens + (now - last) * self._rate)
        allowed = tokens >= 1
        self._buckets[key] = (tokens - 1 if allowed else tokens, now)
        return allowed
