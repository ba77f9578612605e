"""A per-person token bucket: a stuck finger or a script cannot flood the bot.

What is refused is never refused in silence: a button press gets a short answer, a typed
message a «слишком быстро» reply — once per window, so the replies are no flood of their own.
"""

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
        self._warned: dict[int, float] = {}
        self._window = burst / rate
        """A typed message refused is answered at most once in the time the bucket refills."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender = data.get("event_from_user")
        if sender is None or self._take(sender.id):
            return await handler(event, data)
        if isinstance(event, Update):
            await self._refuse(event, data, sender.id)
        return None

    async def _refuse(self, update: Update, data: dict[str, Any], who: int) -> None:
        """A button press is answered every time; a typed message once per window."""
        bot, t = data["bot"], data["t"]
        if update.callback_query is not None:
            await bot.answer_callback_query(update.callback_query.id, text=t("errors.slow_down"))
        elif update.message is not None and self._may_warn(who):
            await bot.send_message(update.message.chat.id, t("errors.slow_down_typed"))

    def _may_warn(self, key: int) -> bool:
        now = self._clock()
        if now - self._warned.get(key, now - self._window) < self._window:
            return False
        self._warned[key] = now
        return True

    def _take(self, key: int) -> bool:
        now = self._clock()
        tokens, last = self._buckets.get(key, (float(self._burst), now))
        tokens = min(float(self._burst), tokens + (now - last) * self._rate)
        allowed = tokens >= 1
        self._buckets[key] = (tokens - 1 if allowed else tokens, now)
        return allowed
