"""Counting and timing updates, for whatever records them (the observability adapter's metrics).

Register it right inside ``GuardMiddleware``: it then sees a failing handler's exception (before
the guard turns it into an apology) and times the work of the other middlewares and handlers.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import TelegramObject

from zavhoz.adapters.telegram.middlewares.log_context import update_kind

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

RecordUpdate = Callable[[str, str, float], None]
"""Called once per update with its kind (``message``, ``callback_query``, ...), its outcome
(``handled``, ``unhandled``: no handler took it, ``error``: it raised) and the seconds it took."""


class UpdateMetricsMiddleware(BaseMiddleware):
    def __init__(
        self, record: RecordUpdate, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self._record = record
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        kind = update_kind(event)
        started = self._clock()
        outcome = "error"
        try:
            result = await handler(event, data)
            outcome = "unhandled" if result is UNHANDLED else "handled"
            return result
        finally:
            self._record(kind, outcome, self._clock() - started)
