"""The queries and the use case the bot's organization screens stand on."""

from typing import Any

import attrs
import pytest

from tests.unit.application.test_organizations import (
    CREW,
    DISTRICT,
    SCHOOL5,
    SCHOOL7,
    TEACHER,
    join,
    tree_db,
)
from tests.unit.builders import new_request
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.application.queries.my_organizations import GetMyOrganizations
from zavhoz.application.queries.open_in_room import GetOpenRequestsInRoom
from zavhoz.application.queries.organization_names import GetOrganizationNames
from zavhoz.application.queries.room_at import GetRoomAt
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.join_by_room import JoinByRoom, JoinByRoomCommand
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.organizations import Membership
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, UserState
from zavhoz.main.settings import EnvironmentOrgSettings, Settings

GYM = RoomCode("gym")


@pytest.fixture
def db() -> MemoryDatabase:
    found = tree_db()
    for org in (SCHOOL5, SCHOOL7):
        found.rooms[org, GYM] = attrs.evolve(Room.create("gym", "Спортзал"), organization=org)
    return found


@pytest.fixture
def build(db: MemoryDatabase, clock: FakeClock) -> Any:
    def service(kind: type) -> Any:
        parts = (memory_uow_factory(db), clock, WorkflowSettings())
        if kind is JoinByRoom:
            return kind(*parts, EnvironmentOrgSettings(Settings.model_validate({})))
        return kind(*parts)

    return service


async def test_my_organizations_are_the_active_memberships_by_name(
    build: Any, db: MemoryDatabase
) -> None:
    join(db, TEACHER, SCHOOL7, Role.EXECUTOR)
    join(db, TEACHER, DISTRICT, Role.ADMIN, UserState.PENDING)

    mine = await build(GetMyOrganizations)(UserId(TEACHER))

    assert [(org.name, m.role) for org, m in mine] == [
        ("School 5", Role.STAFF),
        ("School 7", Role.EXECUTOR),
    ]


async def test_names_of_the_organizations_asked(build: Any) -> None:
    names = await build(GetOrganizationNames)([SCHOOL7, SCHOOL5, SCHOOL7, OrgId(99)])

    assert names == {SCHOOL5: "School 5", SCHOOL7: "School 7"}


async def test_a_rooms_open_requests_are_its_own_schools(build: Any, db: MemoryDatabase) -> None:
    for rid, org in ((RequestId(1), SCHOOL5), (RequestId(2), SCHOOL7)):
        request = new_request(db.users[UserId(TEACHER)])
        db.requests[rid] = attrs.evolve(request, id=rid, organization=org, location="Спортзал")

    found = await build(GetOpenRequestsInRoom)(db.rooms[SCHOOL7, GYM])

    assert [r.id for r in found] == [2]


async def test_a_room_is_found_with_its_organization_or_not_at_all(build: Any) -> None:
    found = await build(GetRoomAt)(SCHOOL7, GYM)

    assert (found.room.organization, found.organization.name) == (SCHOOL7, "School 7")
    assert await build(GetRoomAt)(SCHOOL7, RoomCode("nope")) is None
    assert await build(GetRoomAt)(OrgId(99), GYM) is None


def joining(build: Any, person: int, org: OrgId, code: RoomCode = GYM) -> Any:
    command = JoinByRoomCommand(person=UserId(person), organization=org, room=code)
    return build(JoinByRoom)(command)


async def test_a_rooms_code_makes_a_stranger_staff_acting_there(
    build: Any, db: MemoryDatabase
) -> None:
    membership = await joining(build, TEACHER, SCHOOL7)

    assert membership == Membership(person=UserId(TEACHER), organization=SCHOOL7)
    assert db.memberships[UserId(TEACHER), SCHOOL7] == membership
    assert db.users[UserId(TEACHER)].organization == SCHOOL7


async def test_where_the_school_approves_the_stranger_waits_where_they_were(
    build: Any, db: MemoryDatabase
) -> None:
    db.organizations[DISTRICT].settings["registration"] = "approval"

    membership = await joining(build, TEACHER, SCHOOL7)

    assert membership.state is UserState.PENDING
    assert db.users[UserId(TEACHER)].organization == SCHOOL5


async def test_a_member_keeps_their_role_and_a_blocked_one_stays_out(
    build: Any, db: MemoryDatabase
) -> None:
    join(db, CREW, SCHOOL7, Role.EXECUTOR)
    join(db, TEACHER, SCHOOL7, Role.STAFF, UserState.BLOCKED)

    assert (await joining(build, CREW, SCHOOL7)).role is Role.EXECUTOR
    with pytest.raises(NotPermitted):
        await joining(build, TEACHER, SCHOOL7)
    assert db.memberships[UserId(TEACHER), SCHOOL7].state is UserState.BLOCKED


async def test_no_room_no_joining(build: Any, db: MemoryDatabase) -> None:
    before = dict(db.memberships)

    with pytest.raises(NotFound):
        await joining(build, TEACHER, SCHOOL7, RoomCode("nope"))
    with pytest.raises(NotFound):
        await joining(build, TEACHER, DISTRICT)
    assert db.memberships == before
