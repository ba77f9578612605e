"""The worker and the scheduler on the in-memory core, in virtual time.

``VirtualTime`` stands in for ``asyncio.sleep``: a sleeper waits until the fake clock reaches its
moment, and the clock jumps to the earliest one once every task is idle. So a test runs minutes of
delivery in milliseconds, and times measured on the fake clock are what the real ones would be.
"""

import asyncio
import heapq
import itertools
from collections.abc import AsyncIterator, Callable, Iterable
from datetime import datetime, timedelta

import pytest

from tests.unit.builders import MONDAY_NOON_MSK, user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.notifications import DeliveryWorker, Limits, RecordingNotifier
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role

ADMIN, ADMIN2, STAFF, EXECUTOR = 301, 302, 101, 201


class Stuck(AssertionError):
    """Nothing can happen any more and the awaited condition is still false."""


class VirtualTime:
    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self._sleepers: list[tuple[datetime, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    async def sleep(self, seconds: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        wake = self.clock.now() + timedelta(seconds=max(seconds, 0.0))
        heapq.heappush(self._sleepers, (wake, next(self._order), future))
        await future

    async def settle(self) -> None:
        """Let every task run until all of them wait (for a sleeper or for nothing)."""
        loop = asyncio.get_running_loop()
        for _ in range(10_000):
            await asyncio.sleep(0)
            if not getattr(loop, "_ready", None):
                await asyncio.sleep(0)
                if not getattr(loop, "_ready", None):
                    return
        raise AssertionError("the tasks never settled")  # pragma: no cover

    async def advance(self) -> bool:
        """Move the clock to the earliest sleeper and wake it; False when nobody sleeps."""
        while self._sleepers and self._sleepers[0][2].done():
            heapq.heappop(self._sleepers)  # cancelled
        if not self._sleepers:
            return False
        moment = self._sleepers[0][0]
        if moment > self.clock.now():
            self.clock.set(moment)
        while self._sleepers and self._sleepers[0][0] <= self.clock.now():
            _, _, future = heapq.heappop(self._sleepers)
            if not future.done():
                future.set_result(None)
        return True

    async def run_until(
        self, condition: Callable[[], bool], within: timedelta = timedelta(hours=2)
    ) -> None:
        """Let time pass until ``condition()`` holds; fail if that takes longer than ``within``."""
        deadline = self.clock.now() + within
        await self.settle()
        while not condition():
            if self._next_moment() is None:
                raise Stuck("nothing sleeps and the condition does not hold")
            if self._next_moment() > deadline:  # type: ignore[operator]
                raise Stuck(f"the condition did not hold within {within}")
            await self.advance()
            await self.settle()

    async def run_for(self, duration: timedelta) -> None:
        """Let exactly ``duration`` pass (everything due by then happens)."""
        end = self.clock.now() + duration
        await self.settle()
        while (moment := self._next_moment()) is not None and moment <= end:
            await self.advance()
            await self.settle()
        self.clock.set(max(self.clock.now(), end))
        await self.settle()

    def _next_moment(self) -> datetime | None:
        live = [wake for wake, _, future in self._sleepers if not future.done()]
        return min(live) if live else None


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_NOON_MSK)


@pytest.fixture
def time(clock: FakeClock) -> VirtualTime:
    return VirtualTime(clock)


@pytest.fixture
def db() -> MemoryDatabase:
    people = [
        user(ADMIN, Role.ADMIN),
        user(ADMIN2, Role.ADMIN),
        user(STAFF),
        user(EXECUTOR, Role.EXECUTOR),
    ]
    return MemoryDatabase(users={p.id: p for p in people})


@pytest.fixture
def uow_factory(db: MemoryDatabase) -> UnitOfWorkFactory:
    return memory_uow_factory(db)


@pytest.fixture
def notifier(clock: FakeClock) -> RecordingNotifier:
    return RecordingNotifier(clock)


def note(
    recipient: int, key: str, at: datetime = MONDAY_NOON_MSK, template: str = "request_created"
) -> OutboxMessage:
    return OutboxMessage(
        recipient=UserId(recipient),
        template=template,
        params={"request_id": 1, "title": key},
        dedupe_key=key,
        created_at=at,
    )


async def enqueue(uow_factory: UnitOfWorkFactory, messages: Iterable[OutboxMessage]) -> None:
    async with uow_factory() as uow:
        await uow.outbox.add(list(messages))
        await uow.commit()


class Workers:
    """Starts workers as tasks and stops (or kills) them; every one is gone after the test."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        notifier: RecordingNotifier,
        clock: FakeClock,
        time: VirtualTime,
    ) -> None:
        self.uow_factory, self.notifier, self.clock, self.time = uow_factory, notifier, clock, time
        self.running: list[tuple[DeliveryWorker, asyncio.Task[None]]] = []

    def start(self, limits: Limits | None = None, **overrides: object) -> DeliveryWorker:
        worker = DeliveryWorker(
            overrides.get("uow_factory", self.uow_factory),  # type: ignore[arg-type]
            overrides.get("notifier", self.notifier),  # type: ignore[arg-type]
            self.clock,
            self.time.sleep,
            limits or Limits(),
        )
        self.running.append((worker, asyncio.create_task(worker.run())))
        return worker

    def task(self, worker: DeliveryWorker) -> asyncio.Task[None]:
        return next(task for w, task in self.running if w is worker)

    async def close(self) -> None:
        for worker, task in self.running:
            worker.stop()
            if not task.done():
                await self.time.run_until(task.done, within=timedelta(minutes=5))
            if not task.cancelled():
                task.exception()  # retrieved: a crash a test caused on purpose is no error here


@pytest.fixture
async def workers(
    uow_factory: UnitOfWorkFactory, notifier: RecordingNotifier, clock: FakeClock, time: VirtualTime
) -> AsyncIterator[Workers]:
    pool = Workers(uow_factory, notifier, clock, time)
    yield pool
    await pool.close()
