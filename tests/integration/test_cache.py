"""The memo of people, rooms and recent places: fewer statements, never a stale answer here."""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_persistence_contract import draft, seed_people, store
from tests.unit.builders import user
from zavhoz.adapters.persistence.cache import Memo
from zavhoz.adapters.persistence.sqlalchemy import sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.counting import StatementCounter
from zavhoz.adapters.persistence.sqlalchemy.tables import memberships
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.ids import FIRST_ORG, RoomCode, UserId
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role

ANNA, IVAN = user(1), user(2, Role.EXECUTOR)


async def sent_during(engine: AsyncEngine, work: Callable[[], Awaitable[object]]) -> list[str]:
    """The first word of each statement the database ran during ``work``, BEGIN included."""
    counter = StatementCounter.attach(engine)
    await work()
    counter.detach()
    return [statement.split()[0].upper() for statement in counter.statements]


@pytest.fixture
async def factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    factory = sql_uow_factory(engine, Memo())
    await seed_people(factory, (ANNA, IVAN))
    return factory


async def person(factory: UnitOfWorkFactory, user_id: int = 1) -> Any:
    async with factory(read_only=True) as uow:
        return await uow.users.get(UserId(user_id))


async def test_a_person_read_twice_costs_their_row_and_memberships_once(
    factory: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    assert await sent_during(engine, lambda: person(factory)) == ["SELECT", "SELECT"]
    assert await sent_during(engine, lambda: person(factory)) == []


async def test_a_role_changed_elsewhere_never_disagrees_with_the_persons_reach(
    engine: AsyncEngine,
) -> None:
    """The command line promotes in another process. The person's row and memberships are
    remembered apart, from different moments: their role must follow the memberships, which
    reach is decided on, not a row reloaded earlier than them."""
    now = [0.0]
    factory = sql_uow_factory(engine, Memo(ttl=60, clock=lambda: now[0]))
    await seed_people(factory, (ANNA,))
    async with factory(read_only=True) as uow:
        await uow.users.get(UserId(1))
    now[0] = 30.0
    async with factory(read_only=True) as uow:
        await uow.memberships.of_person(UserId(1))
    async with engine.begin() as connection:
        await connection.execute(
            memberships.update().where(memberships.c.person_id == 1).values(role="admin")
        )
    now[0] = 61.0  # the row is read again: so must the memberships be
    async with factory(read_only=True) as uow:
        anna = await uow.users.get(UserId(1))
        reach = await uow.memberships.of_person(UserId(1))
    assert anna is not None
    assert anna.role is reach[0].role is Role.ADMIN


async def test_a_committed_change_is_seen_at_once(factory: UnitOfWorkFactory) -> None:
    await person(factory)
    async with factory() as uow:
        anna = await uow.users.get(UserId(1))
        assert anna is not None
        anna.role = Role.ADMIN
        await uow.users.save(anna)
        assert (await uow.users.get(UserId(1))).role is Role.ADMIN  # type: ignore[union-attr]
        await uow.commit()
    assert (await person(factory)).role is Role.ADMIN
    async with factory(read_only=True) as uow:
        assert [u.id for u in await uow.users.with_role([Role.ADMIN], [FIRST_ORG])] == [1]


async def test_a_change_not_committed_leaves_the_memo_as_it_was(
    factory: UnitOfWorkFactory,
) -> None:
    await person(factory)
    async with factory() as uow:
        anna = await uow.users.get(UserId(1))
        assert anna is not None
        anna.name = "Не сохранено"
        await uow.users.save(anna)
    assert (await person(factory)).name == ANNA.name


async def test_people_by_role_are_remembered_until_a_promotion(
    factory: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    async def executors() -> list[int]:
        async with factory(read_only=True) as uow:
            return [u.id for u in await uow.users.with_role([Role.EXECUTOR], [FIRST_ORG])]

    assert await executors() == [2]
    assert await sent_during(engine, executors) == []
    async with factory() as uow:
        await uow.users.add(user(3, Role.EXECUTOR))
        await uow.commit()
    assert await executors() == [2, 3]


async def test_rooms_are_remembered_until_one_changes(
    factory: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    async def room(code: str) -> Room | None:
        async with factory(read_only=True) as uow:
            return await uow.rooms.get(FIRST_ORG, RoomCode(code))

    assert await room("305") is None
    assert await sent_during(engine, lambda: room("305")) == []
    async with factory() as uow:
        await uow.rooms.upsert(Room(code=RoomCode("305"), name="Каб. 305"))
        await uow.commit()
    found = await room("305")
    assert found is not None
    assert found.name == "Каб. 305"


async def test_a_new_request_puts_its_place_first_without_a_statement(
    factory: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    async def places() -> list[str]:
        async with factory(read_only=True) as uow:
            return await uow.queries.recent_locations(UserId(1), 3)

    assert await places() == []
    for location in ("Каб. 101", "Спортзал", "Каб. 101"):
        async with factory() as uow:
            await store(uow, draft(ANNA, location=location))
            await uow.commit()
    assert await sent_during(engine, places) == []
    assert await places() == ["Каб. 101", "Спортзал"]


async def test_a_read_that_overlaps_a_change_is_not_kept() -> None:
    memo, answers = Memo(), iter(["old", "new"])

    async def load() -> str:
        memo.forget([("user", 1)])  # a writer commits while this read is under way
        return next(answers)

    assert await memo.through("user", 1, load) == "old"
    assert await memo.through("user", 1, load) == "new"


async def test_what_another_process_changed_is_seen_after_the_ttl() -> None:
    now = [0.0]
    memo = Memo(ttl=60, clock=lambda: now[0])
    answers = iter(["before", "after"])

    async def load() -> str:
        return next(answers)

    assert await memo.through("user", 1, load) == "before"
    now[0] = 59.0
    assert await memo.through("user", 1, load) == "before"
    now[0] = 60.0
    assert await memo.through("user", 1, load) == "after"


async def test_reads_begin_no_transaction(factory: UnitOfWorkFactory, engine: AsyncEngine) -> None:
    sent = await sent_during(engine, lambda: person(factory, 2))
    assert sent == ["SELECT", "SELECT"], "no BEGIN: a read never takes SQLite's write lock"
