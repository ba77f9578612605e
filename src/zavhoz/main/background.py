"""The delivery worker and the scheduler as tasks beside the bot, or alone (`zavhoz worker`)."""

import asyncio
import logging

from zavhoz.adapters.notifications import DeliveryWorker, Scheduler
from zavhoz.main.in_flight import DRAIN_SECONDS

log = logging.getLogger("zavhoz.main")


class Background:
    """Starts both loops; ``stop`` lets the sends in flight finish (within ``grace`` seconds)."""

    def __init__(
        self, worker: DeliveryWorker, scheduler: Scheduler, grace: float = DRAIN_SECONDS
    ) -> None:
        self.worker = worker
        self.scheduler = scheduler
        self.grace = grace
        self._tasks: list[asyncio.Task[None]] = []
        self.stopping = asyncio.Event()
        """Set once stopping has begun (tests watch it)."""

    @property
    def running(self) -> bool:
        return any(not task.done() for task in self._tasks)

    def start(self) -> None:
        if self._tasks:
            raise RuntimeError("already started")
        self._tasks = [
            asyncio.create_task(self.worker.run(), name="zavhoz-delivery"),
            asyncio.create_task(self.scheduler.run(), name="zavhoz-scheduler"),
        ]
        log.info(
            "delivering notifications (at most %s a second); SLA scan and daily digest scheduled",
            self.worker.limits.rate,
        )

    async def stop(self) -> None:
        self.stopping.set()
        if not self._tasks:
            return
        self.worker.stop()
        self.scheduler.stop()
        done, pending = await asyncio.wait(self._tasks, timeout=self.grace)
        for task in pending:
            log.warning("%s did not stop within %s s: cancelled", task.get_name(), self.grace)
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
        for task in done:
            if not task.cancelled() and task.exception() is not None:
                log.error("%s had failed", task.get_name(), exc_info=task.exception())
