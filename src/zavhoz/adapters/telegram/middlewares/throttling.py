"""A per-person token bucket: a stuck finger or a script cannot flood the bot.

What is refused is never refused in silence: a button press gets a short answer, a typed
message a «слишком быстро» reply — once per window, so the replies are no flood of their own.

``UserMiddleware`` applies it in its own frame once the person is known (one layer fewer per
update than a middleware of its own).
"""

import time
from collections.abc import Callable
from typing import Any

from aiogram.types import TelegramObject, Update


class Throttle:
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

    async def refuse(self, event: TelegramObject, data: dict[str, Any], who: int) -> None:
        """A button press is answered every time; a typed message once per window."""
        if not isinstance(event, Update):
            return
        bot, t = data["bot"], data["t"]
        if event.callback_query is not None:
            await bot.answer_callback_query(event.callback_query.id, text=t("errors.slow_down"))
        elif event.message is not None and self._may_warn(who):
            await bot.send_message(event.message.chat.id, t("errors.slow_down_typed"))

    def _may_warn(self, key: int) -> bool:
        now = self._clock()
        if now - self._warned.get(key, now - self._window) < self._window:
            return False
        self._warned[key] = now
        return True

    def admits(self, key: int) -> bool:
        """Takes a token from ``key``'s bucket if one is left."""
        now = self._clock()
        tokens, last = self._buckets.get(key, (float(self._burst), now))
        tokens = min(float(self._burst), tokens + (now - last) * self._rate)
        allowed = tokens >= 1
        self._buckets[key] = (tokens - 1 if allowed else tokens, now)
        return allowed
