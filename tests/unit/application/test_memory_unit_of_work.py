"""The in-memory unit of work the application tests stand on: all or nothing, like a database."""

from contextlib import AbstractContextManager, nullcontext
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tests.unit.application.support import Snapshot
from tests.unit.builders import MONDAY_NOON_MSK, new_request
from tests.unit.conftest import EXECUTOR, STAFF
from zavhoz.adapters.clock import FakeClock, SystemClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, MemoryUnitOfWork
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.paging import PageRequest
from zavhoz.domain.catalog import Status
from zavhoz.domain.errors import ConcurrentUpdate
from zavhoz.domain.ids import FIRST_ORG, RequestId, RoomCode, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import UserState


def message(key: str, recipient: int = STAFF) -> OutboxMessage:
    return OutboxMessage(
        recipient=UserId(recipient), template="t", dedupe_key=key, created_at=MONDAY_NOON_MSK
    )


async def filed(db: MemoryDatabase) -> Request:
    async with MemoryUnitOfWork(db) as uow:
        author = await uow.users.get(UserId(STAFF))
        assert author is not None
        request = new_request(author)
        await uow.requests.add(request)
        await uow.history.append(request.id, request.pull_events())
        await uow.commit()
    return request


async def test_nothing_is_seen_outside_until_commit(db: MemoryDatabase) -> None:
    before = Snapshot.of(db)
    async with MemoryUnitOfWork(db) as uow:
        author = await uow.users.get(UserId(STAFF))
        assert author is not None
        request = new_request(author)
        await uow.requests.add(request)
        await uow.history.append(request.id, request.pull_events())
        await uow.outbox.add([message("k1")])
        author.name = "Новое имя"
        await uow.users.save(author)

        assert request.id == 1
        assert await uow.requests.get(request.id) is not None
        assert [e.kind for e in await uow.history.of(request.id)] == ["created"]
        staff = await uow.users.with_role([author.role], [FIRST_ORG])
        assert {u.name for u in staff} >= {"Новое имя"}
        assert Snapshot.of(db) == before
        everything = frozenset(Status)
        assert (await uow.queries.by_author(UserId(STAFF), everything, PageRequest())).total == 0
        await uow.commit()

    assert list(db.requests) == [request.id]
    assert [e.kind for e in db.history[request.id]] == ["created"]
    assert [m.dedupe_key for m in db.outbox] == ["k1"]
    assert db.users[UserId(STAFF)].name == "Новое имя"


@pytest.mark.parametrize("fail", [True, False], ids=["error", "no commit"])
async def test_what_is_not_committed_is_gone(db: MemoryDatabase, fail: bool) -> None:
    before = Snapshot.of(db)
    failure: AbstractContextManager[Any] = pytest.raises(RuntimeError) if fail else nullcontext()

    with failure:
        async with MemoryUnitOfWork(db) as uow:
            author = await uow.users.get(UserId(STAFF))
            assert author is not None
            await uow.requests.add(new_request(author))
            author.state = UserState.BLOCKED
            await uow.users.save(author)
            await uow.outbox.add([message("k1")])
            if fail:
                raise RuntimeError("boom")

    assert Snapshot.of(db) == before
    async with MemoryUnitOfWork(db) as uow:
        assert await uow.requests.get(RequestId(1)) is None


async def test_a_loaded_object_is_a_copy(db: MemoryDatabase) -> None:
    request = await filed(db)
    async with MemoryUnitOfWork(db) as uow:
        loaded = await uow.requests.get(request.id)
        assert loaded is not None
        loaded.location = "Где-то ещё"

    assert db.requests[request.id].location == "Каб. 305"


async def test_a_stale_save_fails_and_applies_nothing(db: MemoryDatabase) -> None:
    request = await filed(db)
    clock = FakeClock(MONDAY_NOON_MSK)
    first, second = MemoryUnitOfWork(db), MemoryUnitOfWork(db)
    for uow in (first, second):
        await uow.__aenter__()
    worker = await first.users.get(UserId(EXECUTOR))
    mine = await first.requests.get(request.id)
    theirs = await second.requests.get(request.id)
    assert worker is not None
    assert mine is not None
    assert theirs is not None
    mine.take(worker, clock.now())
    theirs.take(worker, clock.now())
    await first.requests.save(mine)
    await first.commit()
    await second.requests.save(theirs)
    await second.outbox.add([message("late")])
    await second.users.save(worker)
    worker.name = "не сохранится"
    before = Snapshot.of(db)

    with pytest.raises(ConcurrentUpdate):
        await second.commit()

    assert Snapshot.of(db) == before
    assert db.requests[request.id].version == 2


async def test_a_second_request_with_a_taken_idempotency_key_fails(db: MemoryDatabase) -> None:
    first, second = MemoryUnitOfWork(db), MemoryUnitOfWork(db)
    author = db.users[UserId(STAFF)]
    for uow in (first, second):
        request = new_request(author)
        request.idempotency_key = "draft"
        await uow.requests.add(request)
        assert await uow.requests.by_idempotency_key(UserId(STAFF), "draft") is not None
    await first.commit()

    with pytest.raises(ConcurrentUpdate):
        await second.commit()

    assert list(db.requests) == [RequestId(1)]


async def test_a_request_added_and_changed_in_one_unit_of_work(db: MemoryDatabase) -> None:
    async with MemoryUnitOfWork(db) as uow:
        request = new_request(db.users[UserId(STAFF)])
        await uow.requests.add(request)
        request.take(db.users[UserId(EXECUTOR)], MONDAY_NOON_MSK)
        await uow.requests.save(request)
        await uow.commit()

    assert db.requests[request.id].assignee == EXECUTOR


async def test_the_outbox_skips_keys_it_has_seen(db: MemoryDatabase) -> None:
    async with MemoryUnitOfWork(db) as uow:
        await uow.outbox.add([message("a"), message("a", EXECUTOR), message("b")])
        await uow.commit()
    async with MemoryUnitOfWork(db) as uow:
        await uow.outbox.add([message("b"), message("c")])
        await uow.commit()

    assert [(m.dedupe_key, m.recipient) for m in db.outbox] == [
        ("a", STAFF),
        ("b", STAFF),
        ("c", STAFF),
    ]


async def test_rooms(db: MemoryDatabase) -> None:
    hall, gym = Room.create("hall", "Холл"), Room.create("gym", "Спортзал")
    async with MemoryUnitOfWork(db) as uow:
        await uow.rooms.upsert(hall)
        await uow.rooms.upsert(gym)
        assert await uow.rooms.get(FIRST_ORG, RoomCode("gym")) == gym
        assert db.rooms == {}
        await uow.commit()
    async with MemoryUnitOfWork(db) as uow:
        renamed = Room.create("gym", "Большой спортзал")
        await uow.rooms.upsert(renamed)
        await uow.commit()

    async with MemoryUnitOfWork(db) as uow:
        assert await uow.rooms.all(FIRST_ORG) == [renamed, hall]
        assert await uow.rooms.get(FIRST_ORG, RoomCode("pool")) is None


def test_the_fake_clock_moves_only_when_told() -> None:
    clock = FakeClock(MONDAY_NOON_MSK)

    assert clock.now() == clock.now() == MONDAY_NOON_MSK
    assert clock.advance(hours=2, minutes=30) == MONDAY_NOON_MSK + timedelta(hours=2.5)
    assert clock.advance(timedelta(days=1)) == MONDAY_NOON_MSK + timedelta(days=1, hours=2.5)
    with pytest.raises(ValueError, match="timezone-aware"):
        clock.set(datetime(2026, 1, 12, 9, 0))  # naive on purpose
    assert FakeClock().now().tzinfo is UTC


def test_the_system_clock_is_timezone_aware() -> None:
    now = SystemClock().now()

    assert now.tzinfo is UTC
    assert abs(now - datetime.now(UTC)) < timedelta(minutes=1)
