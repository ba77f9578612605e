"""Organizations managed through the use cases: who may, and what the tree allows."""

from typing import Any

import pytest

from tests.unit.builders import user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.create_organization import (
    CreateOrganization,
    CreateOrganizationCommand,
)
from zavhoz.application.use_cases.move_organization import (
    MoveOrganization,
    MoveOrganizationCommand,
)
from zavhoz.application.use_cases.rename_organization import (
    RenameOrganization,
    RenameOrganizationCommand,
)
from zavhoz.domain.errors import AlreadyExists, NotFound, NotPermitted, ValidationFailed
from zavhoz.domain.ids import FIRST_ORG, OrgId, UserId
from zavhoz.domain.organizations import Membership, Organization
from zavhoz.domain.users import Role, UserState

DISTRICT, SCHOOL5, SCHOOL7 = OrgId(2), OrgId(3), OrgId(4)
DISTRICT_ADMIN, SCHOOL_ADMIN, TEACHER, CREW = 401, 402, 403, 404


def tree_db() -> MemoryDatabase:
    """school (1, alone); district (2) over school-5 (3) and school-7 (4)."""
    db = MemoryDatabase()
    for org in (
        Organization(id=DISTRICT, slug="district", name="District"),
        Organization(id=SCHOOL5, slug="school-5", name="School 5", parent=DISTRICT),
        Organization(id=SCHOOL7, slug="school-7", name="School 7", parent=DISTRICT),
    ):
        db.organizations[org.id] = org
    join(db, DISTRICT_ADMIN, DISTRICT, Role.ADMIN)
    join(db, SCHOOL_ADMIN, SCHOOL5, Role.ADMIN)
    join(db, TEACHER, SCHOOL5, Role.STAFF)
    join(db, CREW, DISTRICT, Role.EXECUTOR)
    return db


def join(
    db: MemoryDatabase,
    person: int,
    org: OrgId,
    role: Role,
    state: UserState = UserState.ACTIVE,
) -> None:
    """A membership, and the person (acting in ``org``) if they are new."""
    pid = UserId(person)
    db.memberships[pid, org] = Membership(person=pid, organization=org, role=role, state=state)
    if pid not in db.users:
        db.users[pid] = user(person, role, state)
        db.users[pid].organization = org


@pytest.fixture
def db() -> MemoryDatabase:
    return tree_db()


@pytest.fixture
def run(db: MemoryDatabase, clock: FakeClock) -> Any:
    """``await run(Service, Command, actor, **fields)``: a use case on the tree."""

    async def call(service: type, command: type, actor: int | None, **fields: Any) -> Any:
        use_case = service(memory_uow_factory(db), clock, WorkflowSettings())
        actor_id = None if actor is None else UserId(actor)
        return await use_case(command(actor_id=actor_id, **fields))

    return call


def create(run: Any, actor: int | None, slug: str, parent: str | None = None) -> Any:
    return run(
        CreateOrganization,
        CreateOrganizationCommand,
        actor,
        slug=slug,
        name=f"Org {slug}",
        parent=parent,
    )


async def test_the_operator_creates_a_root(run: Any, db: MemoryDatabase) -> None:
    made = await create(run, None, "city")

    assert db.organizations[made.id].slug == "city"
    assert db.organizations[made.id].parent is None


async def test_a_district_admin_creates_a_school_below_it(run: Any, db: MemoryDatabase) -> None:
    made = await create(run, DISTRICT_ADMIN, "school-9", parent="district")

    assert db.organizations[made.id].parent == DISTRICT


@pytest.mark.parametrize("actor", [SCHOOL_ADMIN, TEACHER, CREW])
async def test_no_one_but_an_admin_of_the_parent_creates(run: Any, actor: int) -> None:
    with pytest.raises(NotPermitted):
        await create(run, actor, "school-9", parent="district")


async def test_only_the_operator_creates_a_root(run: Any, db: MemoryDatabase) -> None:
    with pytest.raises(NotPermitted):
        await create(run, DISTRICT_ADMIN, "city")
    assert len(db.organizations) == 4


async def test_a_taken_slug_is_refused(run: Any) -> None:
    with pytest.raises(AlreadyExists):
        await create(run, None, "school-5")


async def test_a_bad_slug_and_an_unknown_parent_are_refused(run: Any) -> None:
    with pytest.raises(ValidationFailed):
        await create(run, None, "School 5")
    with pytest.raises(NotFound):
        await create(run, None, "school-9", parent="nowhere")


async def test_a_fourth_level_is_refused(run: Any, db: MemoryDatabase) -> None:
    await create(run, None, "city")
    await run(
        MoveOrganization, MoveOrganizationCommand, None, organization="district", parent="city"
    )

    with pytest.raises(ValidationFailed) as refused:
        await create(run, None, "class-5a", parent="school-5")

    assert refused.value.rule == "max_depth"


async def test_a_district_admin_renames_a_school_but_not_the_reverse(
    run: Any, db: MemoryDatabase
) -> None:
    await run(
        RenameOrganization,
        RenameOrganizationCommand,
        DISTRICT_ADMIN,
        organization="school-5",
        name="  Школа   №5 ",
    )
    assert db.organizations[SCHOOL5].name == "Школа №5"

    with pytest.raises(NotPermitted):
        await run(
            RenameOrganization,
            RenameOrganizationCommand,
            SCHOOL_ADMIN,
            organization="district",
            name="Mine",
        )


def move(run: Any, actor: int | None, slug: str, parent: str | None) -> Any:
    return run(MoveOrganization, MoveOrganizationCommand, actor, organization=slug, parent=parent)


async def test_moving_under_its_own_school_is_a_cycle(run: Any) -> None:
    with pytest.raises(ValidationFailed) as refused:
        await move(run, None, "district", "school-5")

    assert refused.value.rule == "cycle"


async def test_a_tree_three_deep_cannot_go_under_anything(run: Any) -> None:
    await create(run, None, "class-5a", parent="school-5")

    with pytest.raises(ValidationFailed) as refused:
        await move(run, None, "district", "school")

    assert refused.value.rule == "max_depth"


async def test_a_district_admin_moves_a_school_out_only_as_the_operator(
    run: Any, db: MemoryDatabase
) -> None:
    with pytest.raises(NotPermitted):
        await move(run, DISTRICT_ADMIN, "school-7", None)
    await move(run, None, "school-7", None)
    assert db.organizations[SCHOOL7].parent is None

    await move(run, None, "school", "district")
    with pytest.raises(NotPermitted):
        await move(run, DISTRICT_ADMIN, "school", "school-7")
    assert db.organizations[FIRST_ORG].parent == DISTRICT
