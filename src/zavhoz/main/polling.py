"""Long polling that confirms an update to Telegram only once it was handled.

aiogram's ``start_polling`` moves the ``getUpdates`` offset past a batch as soon as it is fetched,
so a SIGKILL loses the updates still being handled. Here the offset only moves past the longest run
of handled updates: an update being handled is asked for again (and skipped) until it is done.
Updates are still handled concurrently; one person's stay in order through the event isolation.
"""

import asyncio
import itertools
import logging
from collections.abc import Coroutine, Sequence
from typing import Any, TypeVar

from aiogram import Bot, Dispatcher
from aiogram.exceptions import TelegramNetworkError, TelegramServerError
from aiogram.types import Update

log = logging.getLogger("zavhoz.main")

T = TypeVar("T")

POLL_TIMEOUT = 30
RETRY_SECONDS = (1.0, 2.0, 5.0)
FINISH_SECONDS = 5.0


class Ledger:
    """Which fetched updates are still being handled, and so which offset confirms the rest."""

    def __init__(self) -> None:
        self.unfinished: set[int] = set()
        self.highest = 0

    def fresh(self, updates: Sequence[Update]) -> list[Update]:
        """The updates not seen before (the unfinished ones come back until confirmed)."""
        new = [u for u in updates if u.update_id > self.highest]
        for update in new:
            self.unfinished.add(update.update_id)
            self.highest = max(self.highest, update.update_id)
        return new

    def finished(self, update_id: int) -> None:
        self.unfinished.discard(update_id)

    @property
    def offset(self) -> int | None:
        """Confirms every update below the oldest unfinished one."""
        if self.unfinished:
            return min(self.unfinished)
        return self.highest + 1 if self.highest else None


class ConfirmingPoller:
    """Fetches, handles as tasks, confirms only what was handled; ``stop`` ends it gracefully."""

    def __init__(self, bot: Bot, dispatcher: Dispatcher, stop: asyncio.Event) -> None:
        self.bot, self.dispatcher, self.stop = bot, dispatcher, stop
        self.ledger = Ledger()
        self.tasks: set[asyncio.Task[None]] = set()

    async def run(self) -> None:
        """Poll until ``stop``; the updates in flight go on (the shutdown drains them)."""
        while not self.stop.is_set():
            updates = await self._until_stop(self._fetch())
            started = [self._start(update) for update in self.ledger.fresh(updates or [])]
            if updates and not started:
                await self._until_stop(self._any_finished())  # only unfinished came back

    async def finish(self) -> None:
        """After the drain: confirm to Telegram every update that was handled."""
        if self.tasks:
            await asyncio.wait(self.tasks, timeout=FINISH_SECONDS)
        await self._confirm()

    def _start(self, update: Update) -> asyncio.Task[None]:
        task = asyncio.create_task(self._handle(update))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def _handle(self, update: Update) -> None:
        try:
            await self.dispatcher.feed_update(self.bot, update)
        except Exception:  # the error guard answered the person; this is only the last net
            log.exception("update %s failed", update.update_id)
        finally:
            self.ledger.finished(update.update_id)

    async def _fetch(self) -> list[Update]:
        """Telegram being down is waited out (as aiogram does), never a reason to exit."""
        for attempt in itertools.count():
            try:
                return await self._get(POLL_TIMEOUT)
            except (TelegramNetworkError, TelegramServerError) as error:
                pause = RETRY_SECONDS[min(attempt, len(RETRY_SECONDS) - 1)]
                log.warning("getUpdates failed (%s); again in %s s", error, pause)
                await asyncio.sleep(pause)
        return []  # pragma: no cover - the loop returns

    async def _get(self, timeout: int) -> list[Update]:
        allowed = self.dispatcher.resolve_used_update_types()
        return await self.bot.get_updates(
            offset=self.ledger.offset,
            timeout=timeout,
            allowed_updates=allowed,
            request_timeout=timeout + 10,
        )

    async def _any_finished(self) -> None:
        if self.tasks:
            await asyncio.wait(set(self.tasks), return_when=asyncio.FIRST_COMPLETED)

    async def _confirm(self) -> None:
        """A last short ``getUpdates`` tells Telegram what was handled before the exit."""
        if self.ledger.offset is None:
            return
        try:
            await self.bot.get_updates(offset=self.ledger.offset, limit=1, timeout=0)
        except (TelegramNetworkError, TelegramServerError) as error:
            log.warning("could not confirm the handled updates (%s)", error)

    async def _until_stop(self, work: Coroutine[Any, Any, T]) -> T | None:
        """``work``'s result, or None when ``stop`` comes first (the work is cancelled)."""
        job = asyncio.ensure_future(work)
        stopped = asyncio.ensure_future(self.stop.wait())
        await asyncio.wait({job, stopped}, return_when=asyncio.FIRST_COMPLETED)
        stopped.cancel()
        if job.done():
            return job.result()
        job.cancel()
        return None
