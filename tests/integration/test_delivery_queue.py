"""The delivery queue contract: memory, SQLite and PostgreSQL hand out and settle messages alike."""

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Collection
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.conftest import fresh_engine, needs_postgres
from tests.integration.test_persistence_contract import message
from tests.unit.builders import MONDAY_NOON_MSK
from zavhoz.adapters.persistence.memory import MemoryDatabase, MemoryUnitOfWork
from zavhoz.adapters.persistence.sqlalchemy import sql_uow_factory
from zavhoz.application.delivery import Delivery, DeliveryQueue
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.errors import ConcurrentUpdate

T0 = MONDAY_NOON_MSK
LEASE = timedelta(minutes=5)
LATER = T0 + timedelta(days=365)
"""Far beyond every lease and retry time in these tests."""


async def queued(factory: UnitOfWorkFactory, *keys: str) -> None:
    async with factory() as uow:
        await uow.outbox.add([message(key) for key in keys])
        await uow.commit()


async def claimed(
    factory: UnitOfWorkFactory, now: datetime = T0, limit: int = 10, lease: timedelta = LEASE
) -> list[Delivery]:
    async with factory() as uow:
        batch = await uow.deliveries.claim(now, limit, lease)
        await uow.commit()
    return batch


async def settle(
    factory: UnitOfWorkFactory, act: Callable[[DeliveryQueue], Awaitable[None]]
) -> None:
    async with factory() as uow:
        await act(uow.deliveries)
        await uow.commit()


async def backlog(factory: UnitOfWorkFactory) -> int:
    async with factory() as uow:
        return await uow.deliveries.backlog(T0)


def keys(batch: list[Delivery]) -> list[str]:
    return [d.message.dedupe_key for d in batch]


# --- claiming ---------------------------------------------------------------------------------


async def test_claim_hands_out_the_oldest_first_up_to_the_limit(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await queued(uow_factory, "a", "b", "c")
    await queued(uow_factory, "d", "e")

    first = await claimed(uow_factory, limit=3)
    second = await claimed(uow_factory, limit=3)
    third = await claimed(uow_factory, limit=3)

    assert keys(first) == ["a", "b", "c"]
    assert keys(second) == ["d", "e"]
    assert third == []
    ids = [d.id for d in first + second]
    assert ids == sorted(ids)
    assert len(set(ids)) == 5
    assert first[0].message == message("a")
    assert {d.attempts for d in first + second} == {0}


async def test_a_claim_of_nothing_claims_nothing(uow_factory: UnitOfWorkFactory) -> None:
    assert await claimed(uow_factory) == []
    await queued(uow_factory, "a")
    assert await claimed(uow_factory, limit=0) == []
    assert keys(await claimed(uow_factory, limit=1)) == ["a"]


async def test_a_claimed_message_is_hidden_until_its_lease_ends(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await queued(uow_factory, "a", "b")
    [first] = await claimed(uow_factory, limit=1)

    just_before = await claimed(uow_factory, T0 + LEASE - timedelta(seconds=1))
    async with uow_factory() as uow:
        still_undelivered = await uow.outbox.pending(10)
    # The worker that claimed "a" died without a word: the next one takes it over.
    taken_over = await claimed(uow_factory, T0 + LEASE)

    assert keys(just_before) == ["b"]
    assert [m.dedupe_key for m in still_undelivered] == ["a", "b"]
    assert taken_over == [first]


async def test_a_claim_sees_its_own_changes_before_commit(uow_factory: UnitOfWorkFactory) -> None:
    await queued(uow_factory, "a", "b")
    async with uow_factory() as uow:
        first = await uow.deliveries.claim(T0, 1, LEASE)
        second = await uow.deliveries.claim(T0, 10, LEASE)
        third = await uow.deliveries.claim(T0, 10, LEASE)
        await uow.commit()
    assert (keys(first), keys(second), third) == (["a"], ["b"], [])


# --- claiming fairly: a share per recipient -----------------------------------------------------


async def queued_to(factory: UnitOfWorkFactory, *pairs: tuple[str, int]) -> None:
    async with factory() as uow:
        await uow.outbox.add([message(key, recipient) for key, recipient in pairs])
        await uow.commit()


async def claimed_fairly(
    factory: UnitOfWorkFactory,
    now: datetime = T0,
    limit: int = 10,
    share: int = 2,
    holding: Collection[int] = (),
) -> list[Delivery]:
    async with factory() as uow:
        batch = await uow.deliveries.claim_fairly(now, limit, LEASE, share, holding)
        await uow.commit()
    return batch


async def test_a_fair_claim_takes_a_share_of_each_recipient_oldest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await queued_to(uow_factory, ("a1", 1), ("a2", 1), ("a3", 1), ("a4", 1), ("b1", 2))
    await queued_to(uow_factory, ("c1", 3), ("a5", 1), ("c2", 3), ("c3", 3))

    first = await claimed_fairly(uow_factory, limit=4)
    rest = await claimed_fairly(uow_factory, holding=[d.id for d in first])

    assert keys(first) == ["a1", "a2", "b1", "c1"], "two of recipient 1, then the others"
    assert keys(rest) == ["c2"], "recipient 1 has its two in flight; recipient 3 one more"
    assert await claimed_fairly(uow_factory, limit=0) == []
    assert await claimed_fairly(uow_factory, share=0) == []


async def test_a_recipient_someone_else_holds_is_left_alone_until_the_lease_ends(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await queued_to(uow_factory, ("a1", 1), ("a2", 1), ("a3", 1), ("b1", 2), ("b2", 2))
    mine = await claimed_fairly(uow_factory, limit=1)

    others = await claimed_fairly(uow_factory, share=5)
    mine_again = await claimed_fairly(uow_factory, share=5, holding=[d.id for d in mine])
    after_a_crash = await claimed_fairly(uow_factory, T0 + LEASE, share=5)

    assert keys(mine) == ["a1"]
    assert keys(others) == ["b1", "b2"], "recipient 1's older message is held: none of its"
    assert keys(mine_again) == ["a2", "a3"], "the holder goes on with the newer ones"
    assert keys(after_a_crash) == ["a1", "a2", "a3", "b1", "b2"], "leases ran out: oldest first"


async def test_released_claims_are_claimed_again_at_once_in_their_order(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await queued(uow_factory, "a", "b", "c")
    a, b = await claimed(uow_factory, limit=2)
    await settle(uow_factory, lambda q: q.sent(a.id, T0))

    await settle(uow_factory, lambda q: q.release([a.id, b.id]))
    again = await claimed(uow_factory)
    await settle(uow_factory, lambda q: q.release([]))

    assert keys(again) == ["b", "c"], "the sent one stays sent"
    assert again[0] == b, "attempts unchanged"
    assert await backlog(uow_factory) == 2


async def test_released_and_claimed_again_in_one_unit_of_work(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await queued_to(uow_factory, ("a1", 1), ("a2", 1), ("a3", 1))
    first = await claimed_fairly(uow_factory)

    async with uow_factory() as uow:
        await uow.deliveries.release([first[0].id])
        again = await uow.deliveries.claim_fairly(T0, 10, LEASE, 2, [first[1].id])
        await uow.commit()

    assert keys(first) == ["a1", "a2"]
    assert keys(again) == ["a1"], "its share is two, and a2 is still held"


# --- settling ---------------------------------------------------------------------------------


async def test_a_retry_counts_the_attempt_and_waits_until_its_time(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await queued(uow_factory, "a")
    [delivery] = await claimed(uow_factory)
    await settle(uow_factory, lambda q: q.retry(delivery.id, T0 + timedelta(minutes=1), "timeout"))

    too_early = await claimed(uow_factory, T0 + timedelta(seconds=59))
    [second] = await claimed(uow_factory, T0 + timedelta(minutes=1))
    await settle(uow_factory, lambda q: q.retry(delivery.id, T0 + timedelta(minutes=3), "502"))
    [third] = await claimed(uow_factory, T0 + timedelta(minutes=3))

    assert too_early == []
    assert (second.id, second.attempts, second.message) == (delivery.id, 1, message("a"))
    assert (third.id, third.attempts) == (delivery.id, 2)


async def test_sent_dead_and_dropped_leave_the_queue(uow_factory: UnitOfWorkFactory) -> None:
    await queued(uow_factory, "a", "b", "c", "d")
    a, b, c, d = await claimed(uow_factory)

    async def outcomes(queue: DeliveryQueue) -> None:
        await queue.sent(a.id, T0)
        await queue.dead(b.id, "Bad Request: message is too long")
        await queue.dropped(c.id, "Bad Request: chat not found")

    await settle(uow_factory, outcomes)

    async with uow_factory() as uow:
        undelivered = await uow.outbox.pending(10)
        dead = await uow.deliveries.dead_letters(10)
    # Only "d", whose worker never reported back, is handed out again.
    assert await claimed(uow_factory, LATER) == [d]
    assert await backlog(uow_factory) == 1
    assert [m.dedupe_key for m in undelivered] == ["d"]
    assert [(letter.delivery.id, letter.reason) for letter in dead] == [
        (b.id, "Bad Request: message is too long")
    ]


async def test_dead_letters_newest_first_with_their_reasons(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await queued(uow_factory, "a", "b", "c", "d")
    a, b, c, d = await claimed(uow_factory)
    await settle(uow_factory, lambda q: q.retry(a.id, T0, "timeout"))
    [a_again] = await claimed(uow_factory)

    async def park(queue: DeliveryQueue) -> None:
        await queue.dead(a.id, "gave up after 1 timeout")
        await queue.dead(b.id, "Forbidden: bot was kicked")
        await queue.sent(c.id, T0)
        await queue.dead(d.id, "Bad Request: can't parse entities")

    await settle(uow_factory, park)

    async with uow_factory() as uow:
        newest = await uow.deliveries.dead_letters(2)
        every = await uow.deliveries.dead_letters(10)
    assert a_again.attempts == 1
    assert [(x.delivery.message.dedupe_key, x.reason) for x in newest] == [
        ("d", "Bad Request: can't parse entities"),
        ("b", "Forbidden: bot was kicked"),
    ]
    assert [x.delivery.id for x in every] == [d.id, b.id, a.id]
    assert every[2].delivery.message == message("a")
    assert every[2].delivery.attempts == 1


async def test_the_backlog_counts_what_is_waiting_or_being_sent(
    uow_factory: UnitOfWorkFactory,
) -> None:
    empty = await backlog(uow_factory)
    await queued(uow_factory, "a", "b", "c")
    queued_three = await backlog(uow_factory)
    a, b = await claimed(uow_factory, limit=2)
    while_sending = await backlog(uow_factory)
    await settle(uow_factory, lambda q: q.sent(a.id, T0))
    after_one_sent = await backlog(uow_factory)
    await settle(uow_factory, lambda q: q.retry(b.id, T0 + timedelta(hours=1), "429"))
    waiting_to_retry = await backlog(uow_factory)
    await settle(uow_factory, lambda q: q.dropped(b.id, "chat not found"))
    after_drop = await backlog(uow_factory)

    assert (empty, queued_three, while_sending) == (0, 3, 3)
    assert (after_one_sent, waiting_to_retry, after_drop) == (2, 2, 1)


async def test_a_late_report_from_a_worker_whose_lease_ran_out_is_ignored(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await queued(uow_factory, "a")
    [slow] = await claimed(uow_factory)
    [fast] = await claimed(uow_factory, T0 + LEASE)
    await settle(uow_factory, lambda q: q.sent(fast.id, T0 + LEASE))

    await settle(uow_factory, lambda q: q.retry(slow.id, T0 + LEASE, "timeout"))
    await settle(uow_factory, lambda q: q.dead(slow.id, "gave up"))

    async with uow_factory() as uow:
        dead = await uow.deliveries.dead_letters(10)
    assert fast.id == slow.id
    assert await claimed(uow_factory, LATER) == []
    assert await backlog(uow_factory) == 0
    assert dead == []


async def test_nothing_changes_before_commit(uow_factory: UnitOfWorkFactory) -> None:
    await queued(uow_factory, "a", "b")
    async with uow_factory() as uow:
        abandoned = await uow.deliveries.claim(T0, 10, LEASE)
        await uow.deliveries.sent(abandoned[0].id, T0)
        await uow.deliveries.dead(abandoned[1].id, "broken")
        inside = await uow.deliveries.backlog(T0)

    again = await claimed(uow_factory)
    async with uow_factory() as uow:
        dead = await uow.deliveries.dead_letters(10)

    assert inside == 0
    assert again == abandoned
    assert keys(again) == ["a", "b"]
    assert dead == []


async def test_a_dedupe_key_is_delivered_once(uow_factory: UnitOfWorkFactory) -> None:
    await queued(uow_factory, "a", "a", "b")
    await queued(uow_factory, "a")
    first = await claimed(uow_factory)
    await settle(uow_factory, lambda q: q.sent(first[0].id, T0))
    await queued(uow_factory, "a")

    assert keys(first) == ["a", "b"]
    assert await claimed(uow_factory, LATER) == first[1:]
    assert await backlog(uow_factory) == 1


# --- concurrency ------------------------------------------------------------------------------


async def test_memory_units_of_work_cannot_both_claim_a_message() -> None:
    db = MemoryDatabase()
    factory: UnitOfWorkFactory = lambda *, read_only=False: MemoryUnitOfWork(db)  # noqa: E731
    await queued(factory, "a")
    async with MemoryUnitOfWork(db) as first, MemoryUnitOfWork(db) as second:
        mine = await first.deliveries.claim(T0, 10, LEASE)
        theirs = await second.deliveries.claim(T0, 10, LEASE)
        await first.commit()
        with pytest.raises(ConcurrentUpdate):
            await second.commit()
    assert keys(mine) == keys(theirs) == ["a"]
    assert await claimed(factory) == []
    assert await claimed(factory, T0 + LEASE) == mine


@pytest.fixture
async def postgres(tmp_path: Path) -> AsyncIterator[AsyncEngine]:
    engine = await fresh_engine("postgres", tmp_path)
    yield engine
    await engine.dispose()


@needs_postgres
@pytest.mark.postgres
async def test_postgres_workers_skip_the_rows_another_one_holds(postgres: AsyncEngine) -> None:
    factory = sql_uow_factory(postgres)
    await queued(factory, "a", "b", "c", "d", "e", "f")
    async with factory() as first:
        held = await first.deliveries.claim(T0, 3, LEASE)
        async with factory() as second:
            # Not waiting for the first transaction: its rows are skipped, the next ones taken.
            others = await asyncio.wait_for(second.deliveries.claim(T0, 10, LEASE), 5)
            await second.commit()
        # The first worker never commits: its claim is rolled back with the transaction.
    released = await claimed(factory)

    assert keys(held) == ["a", "b", "c"]
    assert keys(others) == ["d", "e", "f"]
    assert released == held


@needs_postgres
@pytest.mark.postgres
async def test_postgres_fair_claims_skip_the_rows_another_one_holds(postgres: AsyncEngine) -> None:
    factory = sql_uow_factory(postgres)
    await queued_to(factory, ("a1", 1), ("a2", 1), ("b1", 2), ("c1", 3), ("c2", 3))
    async with factory() as first:
        held = await first.deliveries.claim_fairly(T0, 2, LEASE, 5)
        async with factory() as second:
            others = await asyncio.wait_for(second.deliveries.claim_fairly(T0, 10, LEASE, 5), 5)
            await second.commit()
    released = await claimed_fairly(factory, share=5)

    assert keys(held) == ["a1", "a2"]
    assert keys(others) == ["b1", "c1", "c2"]
    assert released == held


MESSAGES = 1000


async def deliver_all(factory: UnitOfWorkFactory, sent: list[int], batch: int) -> int:
    """A worker: claim, commit, "send", mark sent, commit; until nothing is left to claim."""
    delivered = 0
    while True:
        async with factory() as uow:
            deliveries = await uow.deliveries.claim(T0, batch, LEASE)
            await uow.commit()
            if not deliveries:
                return delivered
            await asyncio.sleep(0)  # sending awaits Telegram: the other worker claims meanwhile
            for delivery in deliveries:
                sent.append(delivery.id)
                await uow.deliveries.sent(delivery.id, T0)
            await uow.commit()
            delivered += len(deliveries)


async def test_two_workers_deliver_every_message_exactly_once(engine: AsyncEngine) -> None:
    factory = sql_uow_factory(engine)
    await queued(factory, *(f"m{n}" for n in range(MESSAGES)))
    async with factory() as uow:
        everything = await uow.outbox.pending(MESSAGES + 1)
    sent: list[int] = []

    shares = await asyncio.gather(deliver_all(factory, sent, 7), deliver_all(factory, sent, 7))

    duplicates = [i for i, times in Counter(sent).items() if times > 1]
    assert len(everything) == MESSAGES
    assert duplicates == []
    assert len(sent) == MESSAGES
    assert sum(shares) == MESSAGES
    assert min(shares) > 0, f"one worker did everything: {shares}"
    assert await backlog(factory) == 0
    assert await claimed(factory, LATER) == []
