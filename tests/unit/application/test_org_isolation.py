"""Nothing of a school exists beyond its reach; a district crew works in every school below it."""

from typing import Any

import attrs
import pytest

from tests.unit.builders import user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import PageRequest
from zavhoz.application.queries.list_executors import ListExecutors
from zavhoz.application.queries.queue import GetQueue
from zavhoz.application.queries.request_card import GetRequestCard
from zavhoz.application.use_cases._user_change import UserCommand
from zavhoz.application.use_cases.approve_user import ApproveUser
from zavhoz.application.use_cases.assign_request import AssignRequest, AssignRequestCommand
from zavhoz.application.use_cases.block_user import BlockUser
from zavhoz.application.use_cases.complete_request import CompleteRequest, CompleteRequestCommand
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.application.use_cases.send_daily_digest import SendDailyDigest
from zavhoz.application.use_cases.take_request import TakeRequest, TakeRequestCommand
from zavhoz.domain.catalog import Category, Status
from zavhoz.domain.errors import NotFound, ValidationFailed
from zavhoz.domain.ids import FIRST_ORG, OrgId, RequestId, UserId
from zavhoz.domain.organizations import Membership, Organization
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, UserState
from zavhoz.main.settings import Settings

DISTRICT, SCHOOL_A, SCHOOL_B = FIRST_ORG, OrgId(2), OrgId(3)
STAFF_A, STAFF_B, EXECUTOR_A, CREW, ADMIN_B = (UserId(n) for n in (11, 12, 21, 22, 31))


@pytest.fixture
def db() -> MemoryDatabase:
    schools = {
        DISTRICT: Organization(id=DISTRICT, slug="district", name="Район"),
        SCHOOL_A: Organization(id=SCHOOL_A, slug="school-a", name="Школа А", parent=DISTRICT),
        SCHOOL_B: Organization(id=SCHOOL_B, slug="school-b", name="Школа Б", parent=DISTRICT),
    }
    people = [
        attrs.evolve(user(STAFF_A), organization=SCHOOL_A),
        attrs.evolve(user(STAFF_B), organization=SCHOOL_B),
        attrs.evolve(user(EXECUTOR_A, Role.EXECUTOR), organization=SCHOOL_A),
        attrs.evolve(user(CREW, Role.EXECUTOR), organization=DISTRICT),
        attrs.evolve(user(ADMIN_B, Role.ADMIN), organization=SCHOOL_B),
    ]
    return MemoryDatabase(organizations=schools, users={p.id: p for p in people})


def command_of(author: UserId) -> CreateRequestCommand:
    return CreateRequestCommand(
        author_id=author,
        location="Каб. 305",
        category=Category.PLUMBING,
        description="Течёт кран в туалете",
    )


async def file(build: Any, author: UserId) -> Request:
    return await build(CreateRequest)(command_of(author))  # type: ignore[no-any-return]


async def test_requests_go_to_the_authors_school_and_are_numbered_there(build: Any) -> None:
    first_a, first_b = await file(build, STAFF_A), await file(build, STAFF_B)
    second_a = await file(build, STAFF_A)
    assert (first_a.organization, first_b.organization) == (SCHOOL_A, SCHOOL_B)
    assert (first_a.number, first_b.number, second_a.number) == (1, 1, 2)
    assert len({first_a.id, first_b.id, second_a.id}) == 3


async def test_another_schools_request_does_not_exist_for_a_person(
    build: Any, db: MemoryDatabase
) -> None:
    theirs = await file(build, STAFF_B)
    before = attrs.asdict(db.requests[theirs.id])

    with pytest.raises(NotFound):
        await build(GetRequestCard)(STAFF_A, theirs.id)
    with pytest.raises(NotFound):
        await build(TakeRequest)(TakeRequestCommand(actor_id=EXECUTOR_A, request_id=theirs.id))

    assert attrs.asdict(db.requests[theirs.id]) == before


async def test_the_district_crew_takes_requests_in_every_school(
    build: Any, db: MemoryDatabase
) -> None:
    in_a, in_b = await file(build, STAFF_A), await file(build, STAFF_B)
    for request in (in_a, in_b):
        await build(TakeRequest)(TakeRequestCommand(actor_id=CREW, request_id=request.id))
        assert db.requests[request.id].status is Status.IN_PROGRESS
        assert db.requests[request.id].assignee == CREW
    card = await build(GetRequestCard)(CREW, in_b.id)
    assert card.request.number == 1


async def test_a_request_is_given_only_to_someone_who_reaches_its_school(
    build: Any, db: MemoryDatabase
) -> None:
    theirs = await file(build, STAFF_B)

    def assign(to: UserId) -> AssignRequestCommand:
        return AssignRequestCommand(actor_id=ADMIN_B, request_id=theirs.id, assignee_id=to)

    with pytest.raises(NotFound):
        await build(AssignRequest)(assign(EXECUTOR_A))
    assert db.requests[theirs.id].assignee is None
    await build(AssignRequest)(assign(CREW))
    assert db.requests[RequestId(theirs.id)].assignee == CREW


async def test_a_queue_holds_the_schools_the_viewer_works_in_from_where_they_are(
    build: Any, db: MemoryDatabase
) -> None:
    in_a, in_b = await file(build, STAFF_A), await file(build, STAFF_B)

    async def queue(viewer: UserId) -> set[RequestId]:
        page = await build(GetQueue)(viewer, QueueFilter(organizations=None), PageRequest())
        return {request.id for request in page.items}

    assert await queue(EXECUTOR_A) == {in_a.id}
    assert await queue(ADMIN_B) == {in_b.id}
    assert await queue(CREW) == {in_a.id, in_b.id}
    db.users[CREW].organization = SCHOOL_B
    assert await queue(CREW) == {in_b.id}


async def test_only_people_reaching_the_school_are_offered_for_a_request(build: Any) -> None:
    theirs = await file(build, STAFF_B)
    workers = await build(ListExecutors)(ADMIN_B, theirs.id)
    assert {worker.user.id for worker in workers} == {CREW, ADMIN_B}
    with pytest.raises(NotFound):
        await build(ListExecutors)(EXECUTOR_A, theirs.id)


async def test_an_admin_manages_only_people_of_the_schools_they_administer(
    build: Any, db: MemoryDatabase
) -> None:
    with pytest.raises(NotFound):
        await build(BlockUser)(UserCommand(actor_id=ADMIN_B, user_id=STAFF_A))
    assert db.users[STAFF_A].is_active
    await build(BlockUser)(UserCommand(actor_id=ADMIN_B, user_id=STAFF_B))
    assert db.memberships[STAFF_B, SCHOOL_B].state is UserState.BLOCKED


async def test_each_admin_hears_in_the_digest_of_the_schools_they_administer(
    build: Any, db: MemoryDatabase, clock: FakeClock
) -> None:
    db.users[UserId(41)] = attrs.evolve(user(41, Role.ADMIN), organization=DISTRICT)
    await file(build, STAFF_A)
    await file(build, STAFF_B)
    await file(build, STAFF_B)
    clock.advance(hours=24)

    total = await build(SendDailyDigest)()

    told = {m.recipient: m.params["new"] for m in db.outbox if m.template == "daily_digest"}
    assert told == {ADMIN_B: 2, UserId(41): 3}
    assert total is not None
    assert total.new == 3


async def test_each_school_works_by_its_own_settings(build: Any, db: MemoryDatabase) -> None:
    environment = Settings(_env_file=None, timezone="Europe/Moscow")  # type: ignore[call-arg]
    db.organizations[SCHOOL_B].configure(
        {"timezone": "Asia/Vladivostok", "require_completion_photo": "true"}
    )
    workflow = environment.workflow()
    in_a = await build(CreateRequest, settings=workflow)(command_of(STAFF_A))
    in_b = await build(CreateRequest, settings=workflow)(command_of(STAFF_B))
    assert in_a.respond_by != in_b.respond_by  # 7 hours apart: each school's working day

    for request in (in_a, in_b):
        await build(TakeRequest)(TakeRequestCommand(actor_id=CREW, request_id=request.id))
    done = CompleteRequestCommand(actor_id=CREW, request_id=in_a.id, report="Починили")
    await build(CompleteRequest, settings=workflow)(done)
    with pytest.raises(ValidationFailed):
        await build(CompleteRequest, settings=workflow)(attrs.evolve(done, request_id=in_b.id))
    assert db.requests[in_b.id].status is Status.IN_PROGRESS


async def test_an_admin_approves_a_newcomer_in_their_own_school_only(
    build: Any, db: MemoryDatabase
) -> None:
    pending = Membership(
        person=STAFF_A, organization=SCHOOL_B, role=Role.STAFF, state=UserState.PENDING
    )
    db.memberships[STAFF_A, SCHOOL_B] = pending

    await build(ApproveUser)(UserCommand(actor_id=ADMIN_B, user_id=STAFF_A))

    assert db.memberships[STAFF_A, SCHOOL_B].state is UserState.ACTIVE
    assert db.users[STAFF_A].organization == SCHOOL_A
    assert (db.users[STAFF_A].role, db.users[STAFF_A].state) == (Role.STAFF, UserState.ACTIVE)
