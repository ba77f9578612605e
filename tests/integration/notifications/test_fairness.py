"""A burst to one busy chat drains at its pace; a crash or an outage keeps each chat's order.

On memory, SQLite and PostgreSQL, in virtual time: the clock moves only once every task waits
for a sleeper and no unit of work is open (so a database call in a thread or on a socket is not
mistaken for idleness).
"""

import asyncio
import itertools
from collections import Counter
from collections.abc import AsyncIterator
from datetime import datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest

from tests.integration.conftest import ALL_BACKENDS, fresh_engine
from tests.integration.notifications.conftest import ADMIN, STAFF, VirtualTime, Workers, note
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.notifications import Limits, RecordingNotifier
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.sqlalchemy import sql_uow_factory
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import UnitOfWork, UnitOfWorkFactory
from zavhoz.domain.users import User

BURST = 100
LEASE = timedelta(seconds=Limits().lease)
SLACK = timedelta(seconds=2)


class Database:
    """The units of work open now, and whether the database answers (an outage when not)."""

    def __init__(self) -> None:
        self.open = 0
        self.closed = asyncio.Event()
        self.down = False

    def factory(self, inner: UnitOfWorkFactory) -> UnitOfWorkFactory:
        return lambda: _Counted(inner(), self)  # type: ignore[return-value]


class _Counted:
    def __init__(self, inner: UnitOfWork, database: Database) -> None:
        self._inner, self._database = inner, database

    async def __aenter__(self) -> UnitOfWork:
        if self._database.down:
            raise ConnectionRefusedError("the database is down")
        self._database.open += 1
        self._database.closed.clear()
        try:
            return await self._inner.__aenter__()
        except BaseException:
            self._left()
            raise

    async def __aexit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> Any:
        try:
            return await self._inner.__aexit__(kind, error, tb)
        finally:
            self._left()

    def _left(self) -> None:
        self._database.open -= 1
        if not self._database.open:
            self._database.closed.set()


class DatabaseTime(VirtualTime):
    def __init__(self, clock: FakeClock, database: Database) -> None:
        super().__init__(clock)
        self.database = database

    async def settle(self) -> None:
        await super().settle()
        while self.database.open:
            await self.database.closed.wait()
            await super().settle()


@pytest.fixture
def database() -> Database:
    return Database()


@pytest.fixture
def time(clock: FakeClock, database: Database) -> VirtualTime:
    return DatabaseTime(clock, database)


@pytest.fixture(params=ALL_BACKENDS)
async def uow_factory(
    request: pytest.FixtureRequest, tmp_path: Path, db: MemoryDatabase, database: Database
) -> AsyncIterator[UnitOfWorkFactory]:
    if request.param == "memory":
        yield database.factory(memory_uow_factory(db))
        return
    engine = await fresh_engine(request.param, tmp_path)
    factory = sql_uow_factory(engine)
    async with factory() as uow:
        for person in db.users.values():
            await uow.users.add(person)
        await uow.commit()
    yield database.factory(factory)
    await engine.dispose()


async def file(factory: UnitOfWorkFactory, recipient: int, keys: list[str]) -> None:
    """Each message in its own transaction, as requests filed one after another queue them."""
    for key in keys:
        async with factory() as uow:
            await uow.outbox.add([note(recipient, key)])
            await uow.commit()


async def being_sent(factory: UnitOfWorkFactory, now: datetime) -> list[str]:
    """Keys claimed under a live lease: undelivered, yet not claimable now."""
    async with factory() as uow:
        undelivered = [m.dedupe_key for m in await uow.outbox.pending(10 * BURST)]
        claimable = {
            d.message.dedupe_key for d in await uow.deliveries.claim(now, 10 * BURST, LEASE)
        }
    return [key for key in undelivered if key not in claimable]


def burst(prefix: str = "r", size: int = BURST) -> list[str]:
    return [f"{prefix}{n:03}" for n in range(size)]


def gaps(times: list[datetime]) -> list[float]:
    return [(later - earlier).total_seconds() for earlier, later in itertools.pairwise(times)]


def to(notifier: RecordingNotifier, person: int) -> list[tuple[str, datetime]]:
    return [
        (c.message.dedupe_key, c.at)
        for c in notifier.calls
        if c.recipient == person and c.delivered and c.at is not None
    ]


async def test_a_burst_of_100_to_one_admin_goes_out_a_second_apart_without_waiting_for_a_lease(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    clock: FakeClock,
) -> None:
    await file(uow_factory, ADMIN, burst())
    await file(uow_factory, STAFF, ["someone else"])
    started = clock.now()
    workers.start()

    await time.run_until(lambda: len(notifier.sent) == BURST + 1, within=LEASE * 2)

    pushes = to(notifier, ADMIN)
    assert [key for key, _ in pushes] == burst(), "every push, once, in the order filed"
    spacing = gaps([at for _, at in pushes])
    assert min(spacing) >= 1.0, "Telegram's pace for one chat"
    assert max(spacing) < 1.1, f"none waited for a lease: {max(spacing)} s"
    assert pushes[-1][1] - started <= timedelta(seconds=BURST) + SLACK
    [(_, other)] = to(notifier, STAFF)
    assert other - started < timedelta(seconds=1), "another chat is not behind the backlog"


async def test_a_crash_mid_batch_sends_what_it_claimed_first_in_order(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    clock: FakeClock,
) -> None:
    await file(uow_factory, ADMIN, burst())
    first = workers.start()
    await time.run_until(lambda: len(notifier.sent) == 30)
    workers.task(first).cancel()  # the process dies: nothing more of it runs
    await time.settle()
    crashed_at = clock.now()
    claimed = await being_sent(uow_factory, crashed_at)
    await file(uow_factory, ADMIN, burst("late", 5))

    again = RecordingNotifier(clock)
    workers.start(notifier=again)  # the restarted process
    await time.run_until(lambda: len(again.sent) == BURST + 5 - 30, within=LEASE * 3)

    resent = [key for key, _ in to(again, ADMIN)]
    assert claimed == burst()[30 : 30 + len(claimed)], "the oldest after the sent ones"
    assert len(claimed) >= 30, "a batch was claimed"
    assert resent == burst()[30:] + burst("late", 5), "the claimed ones first, in their order"
    assert Counter(m.dedupe_key for m in notifier.sent + again.sent).most_common(1)[0][1] == 1
    resumed = to(again, ADMIN)[0][1]
    assert resumed - crashed_at <= LEASE, "no later than the dead worker's lease ends"


async def test_after_a_database_outage_the_claimed_ones_go_first_in_order(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    notifier: RecordingNotifier,
    time: VirtualTime,
    clock: FakeClock,
    database: Database,
) -> None:
    await file(uow_factory, ADMIN, burst())
    workers.start()
    await time.run_until(lambda: len(notifier.sent) == 20)

    database.down = True
    await time.run_for(timedelta(seconds=90))
    database.down = False
    back_at = clock.now()
    await file(uow_factory, ADMIN, burst("late", 5))
    await time.run_until(lambda: len(notifier.sent) == BURST + 5, within=LEASE * 2)

    pushes = to(notifier, ADMIN)
    assert [key for key, _ in pushes] == burst() + burst("late", 5), "in order, each once"
    after = [at for _, at in pushes if at >= back_at]
    assert len(after) == BURST + 5 - 20, "nothing went out while the database was away"
    assert max(gaps(after)) < 1.1 + Limits().idle, "none waited for a lease"
    assert after[-1] - back_at <= timedelta(seconds=len(after) + 2 * Limits().idle) + SLACK


class FailingOver(RecordingNotifier):
    """Takes the database down the moment Telegram accepts ``key``: its mark cannot be made."""

    def __init__(self, clock: FakeClock, database: Database, key: str) -> None:
        super().__init__(clock)
        self.database, self.key = database, key

    async def send(self, message: OutboxMessage, recipient: User) -> None:
        await super().send(message, recipient)
        if message.dedupe_key == self.key:
            self.database.down = True


async def test_a_mark_lost_to_an_outage_is_made_with_the_next_claim_not_sent_twice(
    workers: Workers,
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    database: Database,
) -> None:
    notifier = FailingOver(clock, database, "r002")
    await file(uow_factory, ADMIN, burst(size=5))
    workers.start(notifier=notifier)
    await time.run_until(lambda: database.down)

    await time.run_for(timedelta(seconds=10))
    database.down = False
    back_at = clock.now()
    await time.run_until(lambda: len(notifier.sent) == 5)
    await time.run_for(LEASE * 2)

    assert [m.dedupe_key for m in notifier.sent] == burst(size=5), "each once, in order"
    assert await being_sent(uow_factory, clock.now()) == []
    async with uow_factory() as uow:
        assert await uow.deliveries.backlog(clock.now()) == 0, "r002 is marked sent"
    assert notifier.times()[-1] - back_at < timedelta(seconds=3)
