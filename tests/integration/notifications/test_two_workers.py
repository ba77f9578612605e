"""Two workers drain one queue on every backend: each message is sent exactly once.

On PostgreSQL the claims use ``FOR UPDATE SKIP LOCKED``; on SQLite and in memory a claim that
lost the race is refused and the worker looks again. The clock is fake and every wait only
moves it (leases are a day long here, so no lease can run out during the test).
"""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta
from pathlib import Path

import pytest

from tests.integration.conftest import ALL_BACKENDS, fresh_engine
from tests.integration.notifications.conftest import enqueue, note
from tests.unit.builders import MONDAY_NOON_MSK, user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.notifications import DeliveryWorker, Limits, RecordingNotifier
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.sqlalchemy import sql_uow_factory
from zavhoz.application.delivery import User
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import UnitOfWorkFactory

PEOPLE = range(5000, 5100)
EACH = 10
TOTAL = len(PEOPLE) * EACH


@pytest.fixture(params=ALL_BACKENDS)
async def shared_queue(
    request: pytest.FixtureRequest, tmp_path: Path
) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "memory":
        yield memory_uow_factory(MemoryDatabase())
        return
    engine = await fresh_engine(request.param, tmp_path)
    yield sql_uow_factory(engine)
    await engine.dispose()


class Tally:
    def __init__(self, expected: int) -> None:
        self.count = 0
        self.expected = expected
        self.all_sent = asyncio.Event()


class CountingNotifier(RecordingNotifier):
    """One worker's notifier; the tally counts what both sent."""

    def __init__(self, clock: FakeClock, tally: Tally) -> None:
        super().__init__(clock)
        self.tally = tally

    async def send(self, message: OutboxMessage, recipient: User) -> None:
        await super().send(message, recipient)
        await asyncio.sleep(0)  # let the other worker run in between
        self.tally.count += 1
        if self.tally.count >= self.tally.expected:
            self.tally.all_sent.set()


async def test_two_workers_send_each_message_exactly_once(
    shared_queue: UnitOfWorkFactory,
) -> None:
    clock = FakeClock(MONDAY_NOON_MSK)

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)
        await asyncio.sleep(0)

    async with shared_queue() as uow:
        for n in PEOPLE:
            await uow.users.add(user(n))
        await uow.commit()
    await enqueue(shared_queue, [note(n, f"{n}:{k}") for n in PEOPLE for k in range(EACH)])
    tally = Tally(TOTAL)
    notifiers = [CountingNotifier(clock, tally) for _ in range(2)]
    limits = Limits(
        rate=1_000_000, per_chat_interval=0, batch=50, lease=86_400, idle=0.01, concurrency=4
    )
    workers = [DeliveryWorker(shared_queue, n, clock, sleep, limits) for n in notifiers]
    tasks = [asyncio.create_task(w.run()) for w in workers]
    try:
        await asyncio.wait_for(tally.all_sent.wait(), 120)
        for _ in range(100):  # let the last marks land
            await asyncio.sleep(0)
    finally:
        for worker in workers:
            worker.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), 60)

    counts = Counter(m.dedupe_key for n in notifiers for m in n.sent)
    assert len(counts) == TOTAL
    assert set(counts.values()) == {1}, [k for k, c in counts.items() if c > 1][:5]
    assert all(n.sent for n in notifiers), "both workers took part"
    async with shared_queue() as uow:
        assert await uow.deliveries.backlog(clock.now() + timedelta(days=2)) == 0
