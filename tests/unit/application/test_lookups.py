"""Small lookups the Telegram adapter needs: a person, rooms, executors with their load."""

from typing import Any

import attrs

from tests.unit.application.support import Desk
from tests.unit.conftest import ADMIN, ADMIN2, EXECUTOR, EXECUTOR2, STAFF
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.application.queries.get_user import GetUser
from zavhoz.application.queries.list_executors import ListExecutors
from zavhoz.application.queries.list_rooms import GetRoom, ListRooms
from zavhoz.domain.catalog import Status
from zavhoz.domain.ids import FIRST_ORG, OrgId, RoomCode, UserId
from zavhoz.domain.organizations import Organization
from zavhoz.domain.rooms import Room


async def test_get_user_finds_a_person_or_nobody(build: Any) -> None:
    found = await build(GetUser)(UserId(STAFF))
    assert found is not None
    assert found.id == STAFF
    assert await build(GetUser)(UserId(999)) is None


async def test_rooms_are_listed_by_code_and_found_by_code(build: Any, db: MemoryDatabase) -> None:
    for room in (Room.create("gym", "Спортзал"), Room.create("305", "Каб. 305")):
        db.rooms[FIRST_ORG, room.code] = room
    viewer = UserId(STAFF)
    assert [r.code for r in await build(ListRooms)(viewer)] == ["305", "gym"]
    found = await build(GetRoom)(viewer, RoomCode("gym"))
    assert found is not None
    assert found.name == "Спортзал"
    assert await build(GetRoom)(viewer, RoomCode("nope")) is None


async def test_another_schools_rooms_do_not_exist_for_a_person(
    build: Any, db: MemoryDatabase
) -> None:
    other = OrgId(2)
    db.organizations[other] = Organization(id=other, slug="school-2", name="Школа 2")
    db.rooms[other, RoomCode("gym")] = attrs.evolve(
        Room.create("gym", "Чужой спортзал"), organization=other
    )
    db.rooms[FIRST_ORG, RoomCode("305")] = Room.create("305", "Каб. 305")

    assert [r.code for r in await build(ListRooms)(UserId(STAFF))] == ["305"]
    assert await build(GetRoom)(UserId(STAFF), RoomCode("gym")) is None


async def test_executors_come_least_busy_first(desk: Desk, build: Any) -> None:
    await desk.in_status(Status.IN_PROGRESS)  # taken by EXECUTOR
    held = await desk.in_status(Status.ON_HOLD)
    workers = await build(ListExecutors)(UserId(ADMIN), held)
    assert [(w.user.id, w.load) for w in workers][-1] == (EXECUTOR, 2)
    assert {w.user.id for w in workers} == {EXECUTOR, EXECUTOR2, ADMIN, ADMIN2}
    assert all(w.load == 0 for w in workers[:-1])
