"""Updates being handled right now, so that a stopping bot lets them finish."""

import asyncio
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Dispatcher
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import TelegramObject

log = logging.getLogger("zavhoz.main")

DRAIN_SECONDS = 25.0
"""How long a stopping bot waits for the updates in flight (below Docker's and systemd's grace)."""

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class InFlight(BaseMiddleware):
    """Counts the updates being handled; ``drain`` waits until none is left."""

    def __init__(self, timeout: float = DRAIN_SECONDS) -> None:
        self.count = 0
        self.timeout = timeout
        self.draining = asyncio.Event()
        """Set once shutting down has begun (tests watch it)."""
        self._idle = asyncio.Event()
        self._idle.set()

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        self.count += 1
        self._idle.clear()
        try:
            return await handler(event, data)
        finally:
            self.count -= 1
            if not self.count:
                self._idle.set()

    async def drain(self, **_: Any) -> None:
        self.draining.set()
        if self.count:
            log.info("waiting for %s update(s) in flight", self.count)
        try:
            await asyncio.wait_for(self._idle.wait(), self.timeout)
        except TimeoutError:
            log.warning("stopped with %s update(s) still in flight", self.count)

    def install(self, dispatcher: Dispatcher) -> None:
        """Outermost around every update, and drained before the dispatcher closes its storage."""
        outer = dispatcher.update.outer_middleware
        others = list(outer)
        for middleware in others:
            outer.unregister(middleware)
        outer.register(self)
        for middleware in others:
            outer.register(middleware)
        dispatcher.shutdown.handlers.insert(0, HandlerObject(callback=self.drain))
