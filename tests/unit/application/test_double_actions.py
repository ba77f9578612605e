"""Double taps, double submits and two people racing for one request."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.unit.application.support import Desk, Snapshot
from tests.unit.conftest import ADMIN, EXECUTOR, EXECUTOR2, STAFF, STAFF2
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, MemoryUnitOfWork
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.recording import record_changes
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.transaction import ATTEMPTS
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequest, TakeRequestCommand
from zavhoz.domain.catalog import Category, Status
from zavhoz.domain.errors import AlreadyTaken, AlreadyYours, ConcurrentUpdate
from zavhoz.domain.ids import RequestId, UserId

Rival = Callable[[], Awaitable[Any]]


def racing(db: MemoryDatabase, rivals: list[Rival]) -> UnitOfWorkFactory:
    """Units of work in which, just before each commit, the next rival gets there first."""

    class RacingUnitOfWork(MemoryUnitOfWork):
        async def commit(self) -> None:
            if rivals:
                await rivals.pop(0)()
            await super().commit()

    return lambda *, read_only=False: RacingUnitOfWork(db)


def take(rid: RequestId, actor: int) -> TakeRequestCommand:
    return TakeRequestCommand(actor_id=UserId(actor), request_id=rid)


async def test_a_second_take_by_the_same_executor_is_already_yours(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)
    await desk.take(rid, EXECUTOR)
    before = Snapshot.of(desk.db)

    with pytest.raises(AlreadyYours):
        await desk.take(rid, EXECUTOR)

    assert Snapshot.of(desk.db) == before
    assert desk.kinds(rid) == ["created", "taken"]
    assert desk.request(rid).version == 2


async def test_a_take_of_a_taken_request_names_who_has_it(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)
    await desk.take(rid, EXECUTOR)
    before = Snapshot.of(desk.db)

    with pytest.raises(AlreadyTaken) as refused:
        await desk.take(rid, EXECUTOR2)

    assert refused.value.assignee == EXECUTOR
    assert Snapshot.of(desk.db) == before


async def test_a_double_submit_creates_one_request(desk: Desk) -> None:
    first = await desk.create(STAFF, key="draft-1")
    after_first = Snapshot.of(desk.db)

    second = await desk.create(STAFF, key="draft-1", description="Другое описание проблемы")

    assert second.id == first.id
    assert second.description == first.description
    assert Snapshot.of(desk.db) == after_first
    assert list(desk.db.requests) == [first.id]
    assert desk.kinds(first.id) == ["created"]
    assert len(desk.db.outbox) == 2


async def test_the_same_key_from_another_author_or_another_draft_is_a_new_request(
    desk: Desk,
) -> None:
    first = await desk.create(STAFF, key="draft-1")
    other_author = await desk.create(STAFF2, key="draft-1")
    other_draft = await desk.create(STAFF, key="draft-2")
    without_key = await desk.create(STAFF)
    without_key_again = await desk.create(STAFF)

    ids = [first.id, other_author.id, other_draft.id, without_key.id, without_key_again.id]
    assert len(set(ids)) == 5
    assert set(desk.db.requests) == set(ids)


async def test_two_executors_taking_at_once_one_wins(
    desk: Desk, build: Any, db: MemoryDatabase
) -> None:
    rid = await desk.in_status(Status.OPEN)
    use_case = build(TakeRequest)

    results = await asyncio.gather(
        use_case(take(rid, EXECUTOR)), use_case(take(rid, EXECUTOR2)), return_exceptions=True
    )

    won = [r for r in results if not isinstance(r, BaseException)]
    lost = [r for r in results if isinstance(r, BaseException)]
    assert len(won) == 1
    assert len(lost) == 1
    assert isinstance(lost[0], AlreadyTaken)
    assert lost[0].assignee == won[0].assignee == db.requests[rid].assignee
    assert desk.kinds(rid) == ["created", "taken"]


async def test_interleaved_units_of_work_the_second_commit_fails(
    desk: Desk, db: MemoryDatabase, clock: FakeClock, settings: WorkflowSettings
) -> None:
    rid = await desk.in_status(Status.OPEN)
    first, second = MemoryUnitOfWork(db), MemoryUnitOfWork(db)
    async with first, second:
        for uow, actor in ((first, EXECUTOR), (second, EXECUTOR2)):
            request = await uow.requests.get(rid)
            worker = await uow.users.get(UserId(actor))
            assert request is not None
            assert worker is not None
            request.take(worker, clock.now())
            await record_changes(uow, request, settings)
        before_commit = Snapshot.of(db)
        await first.commit()
        after_first = Snapshot.of(db)
        with pytest.raises(ConcurrentUpdate):
            await second.commit()

    assert before_commit != after_first
    assert Snapshot.of(db) == after_first
    assert db.requests[rid].assignee == EXECUTOR
    assert desk.kinds(rid) == ["created", "taken"]
    assert {m.template for m in db.outbox if m.recipient == STAFF} == {"request_taken"}


async def test_the_loser_of_a_race_is_told_who_won_and_leaves_no_trace(
    desk: Desk, build: Any, db: MemoryDatabase, clock: FakeClock, settings: WorkflowSettings
) -> None:
    rid = await desk.in_status(Status.OPEN)
    rival = build(TakeRequest)
    slow = TakeRequest(racing(db, [lambda: rival(take(rid, EXECUTOR2))]), clock, settings)

    with pytest.raises(AlreadyTaken) as refused:
        await slow(take(rid, EXECUTOR))

    assert refused.value.assignee == EXECUTOR2
    assert db.requests[rid].assignee == EXECUTOR2
    assert desk.kinds(rid) == ["created", "taken"]
    assert db.history[rid][-1].actor == EXECUTOR2
    assert [m.params["actor"] for m in db.outbox if m.template == "request_taken"] == [EXECUTOR2]


async def test_a_conflict_that_does_not_matter_is_retried_on_fresh_data(
    desk: Desk, db: MemoryDatabase, clock: FakeClock, settings: WorkflowSettings
) -> None:
    rid = await desk.in_status(Status.OPEN)
    slow = TakeRequest(racing(db, [lambda: desk.comment(rid, ADMIN, "Срочно!")]), clock, settings)

    taken = await slow(take(rid, EXECUTOR))

    assert taken.version == 3
    assert db.requests[rid].assignee == EXECUTOR
    assert desk.kinds(rid) == ["created", "comment_added", "taken"]


async def test_a_request_that_keeps_changing_gives_up_after_some_attempts(
    desk: Desk, db: MemoryDatabase, clock: FakeClock, settings: WorkflowSettings
) -> None:
    rid = await desk.in_status(Status.OPEN)
    texts = [f"Напоминание {n}" for n in range(ATTEMPTS)]
    rivals: list[Rival] = [lambda t=t: desk.comment(rid, ADMIN, t) for t in texts]
    slow = TakeRequest(racing(db, rivals), clock, settings)

    with pytest.raises(ConcurrentUpdate):
        await slow(take(rid, EXECUTOR))

    assert db.requests[rid].status is Status.OPEN
    assert desk.kinds(rid) == ["created", *["comment_added"] * ATTEMPTS]
    assert not [m for m in db.outbox if m.template == "request_taken"]


async def test_a_double_submit_racing_itself_creates_one_request(
    desk: Desk, build: Any, db: MemoryDatabase, clock: FakeClock, settings: WorkflowSettings
) -> None:
    command = CreateRequestCommand(
        author_id=UserId(STAFF),
        location="Каб. 305",
        category=Category.PLUMBING,
        description="Течёт кран в туалете",
        idempotency_key="draft-7",
    )
    rival = build(CreateRequest)
    slow = CreateRequest(racing(db, [lambda: rival(command)]), clock, settings)

    created = await slow(command)

    assert list(db.requests) == [created.id]
    assert desk.kinds(created.id) == ["created"]
    assert len(db.outbox) == 2
