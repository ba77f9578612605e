"""Long-running loops that wait through an injected ``sleep`` and stop when told to."""

import asyncio
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

Sleep = Callable[[float], Awaitable[None]]
"""``asyncio.sleep`` in production; tests pass one that moves a fake clock instead."""

T = TypeVar("T")


class Stopped(Exception):
    """Raised inside a loop by a wait that ``stop()`` cut short."""


class Stoppable:
    """``stop()`` cuts every wait short; the loop then finishes what it must and returns."""

    def __init__(self, sleep: Sleep) -> None:
        self._sleep = sleep
        self._stopping = asyncio.Event()

    @property
    def stopping(self) -> bool:
        return self._stopping.is_set()

    def stop(self) -> None:
        self._stopping.set()

    async def nap(self, seconds: float, wake: asyncio.Event | None = None) -> None:
        """Sleep ``seconds``, less if ``wake`` is set meanwhile; ``Stopped`` on ``stop()``."""
        if self.stopping:
            raise Stopped
        sleeping = self._sleep(max(seconds, 0.0))
        if wake is None:
            await self.unless_stopped(sleeping)
        else:
            await self.unless_stopped(_first(sleeping, wake.wait()))

    async def unless_stopped(self, waiting: Awaitable[T]) -> T:
        """The result of ``waiting``, or ``Stopped`` (and ``waiting`` cancelled) on ``stop()``."""
        if self.stopping:
            _close(waiting)
            raise Stopped
        work = asyncio.ensure_future(waiting)
        stopped = await _first(work, self._stopping.wait())
        if stopped:
            raise Stopped
        return work.result()


async def _first(*waits: Awaitable[Any]) -> int:
    """Wait until one of ``waits`` is done, cancel the others; the index of the one done."""
    futures = [asyncio.ensure_future(w) for w in waits]
    try:
        done, _ = await asyncio.wait(futures, return_when=asyncio.FIRST_COMPLETED)
    finally:
        for future in futures:
            future.cancel()  # no-op for the one done
    return next(i for i, future in enumerate(futures) if future in done)


def _close(waiting: Awaitable[Any]) -> None:
    if isinstance(waiting, Coroutine):
        waiting.close()
