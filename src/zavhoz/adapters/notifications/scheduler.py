"""The SLA scan every N seconds and the morning digest on working days, beside the worker."""

import logging
from collections.abc import Awaitable, Callable
from datetime import date, datetime, time, timedelta

from zavhoz.adapters.notifications.lifecycle import Sleep, Stoppable, Stopped
from zavhoz.application.ports import Clock
from zavhoz.domain.calendar import WorkingCalendar

log = logging.getLogger("zavhoz.notifications")

Job = Callable[[], Awaitable[object]]


class Scheduler(Stoppable):
    """Runs ``scan`` at start and every ``scan_every`` seconds, and ``digest`` once a working day
    at ``digest_at`` local time (or at the first moment after it the scheduler is running).

    ``digest`` is idempotent per day (its dedupe key), so a restart sends no second digest. A job
    that fails is logged and the loop goes on: a failed digest is tried again at the next scan.
    """

    def __init__(
        self,
        scan: Job,
        digest: Job,
        clock: Clock,
        sleep: Sleep,
        *,
        calendar: WorkingCalendar,
        scan_every: float = 60.0,
        digest_at: time = time(8),
    ) -> None:
        super().__init__(sleep)
        if scan_every <= 0:
            raise ValueError("scan_every must be positive")
        self._scan = scan
        self._digest = digest
        self._clock = clock
        self.calendar = calendar
        self.scan_every = timedelta(seconds=scan_every)
        self.digest_at = digest_at
        self._digest_done: date | None = None

    async def run(self) -> None:
        """Until ``stop()``; a job running then is let finish."""
        next_scan = self._clock.now()
        try:
            while not self.stopping:
                if self._clock.now() >= next_scan:
                    next_scan = self._clock.now() + self.scan_every
                    await self._guarded("SLA scan", self._scan)
                today = self._today()
                if self._digest_due(today) and await self._guarded("daily digest", self._digest):
                    self._digest_done = today
                wake = min(next_scan, self._next_digest())
                await self.nap((wake - self._clock.now()).total_seconds())
        except Stopped:
            pass

    def _today(self) -> date:
        return self._clock.now().astimezone(self.calendar.timezone).date()

    def _digest_due(self, today: date) -> bool:
        local = self._clock.now().astimezone(self.calendar.timezone)
        return (
            self._digest_done != today
            and self.calendar.is_working_day(today)
            and local.timetz().replace(tzinfo=None) >= self.digest_at
        )

    def _next_digest(self) -> datetime:
        """The next moment the digest is due: today's time if still ahead, else tomorrow's."""
        today = self._today()
        moment = datetime.combine(today, self.digest_at, self.calendar.timezone)
        if moment <= self._clock.now():
            moment = datetime.combine(
                today + timedelta(days=1), self.digest_at, self.calendar.timezone
            )
        return moment

    async def _guarded(self, name: str, job: Job) -> bool:
        try:
            await job()
        except Exception:
            log.exception("%s failed; the scheduler goes on", name)
            return False
        return True
