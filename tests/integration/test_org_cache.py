"""The memo of organizations and of people's roles: no statement for the tree at each update,
never a stale role after a membership changes."""

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_cache import person, sent_during
from tests.integration.test_persistence_contract import seed_people
from tests.unit.builders import user
from zavhoz.adapters.persistence.cache import Memo
from zavhoz.adapters.persistence.sqlalchemy import sql_uow_factory
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.ids import FIRST_ORG, UserId
from zavhoz.domain.organizations import Membership, Organization
from zavhoz.domain.users import Role

ANNA = user(1)


@pytest.fixture
async def factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    factory = sql_uow_factory(engine, Memo())
    await seed_people(factory, (ANNA,))
    return factory


async def slugs(factory: UnitOfWorkFactory) -> list[str]:
    async with factory(read_only=True) as uow:
        return [organization.slug for organization in await uow.organizations.all()]


async def test_organizations_are_remembered_until_one_is_added(
    factory: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    assert await slugs(factory) == ["school"]
    assert await sent_during(engine, lambda: slugs(factory)) == []
    async with factory() as uow:
        await uow.organizations.add(Organization(slug="north", name="North", parent=FIRST_ORG))
        await uow.commit()
    assert await slugs(factory) == ["school", "north"]


async def test_an_organization_another_process_just_added_is_found_by_id_and_slug(
    factory: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    assert await slugs(factory) == ["school"]
    elsewhere = sql_uow_factory(engine, Memo())  # the command line, with a memo of its own
    async with elsewhere() as uow:
        await uow.organizations.add(Organization(slug="north", name="North"))
        await uow.commit()
    async with factory(read_only=True) as uow:
        by_slug = await uow.organizations.by_slug("north")
        assert by_slug is not None
        assert await uow.organizations.get(by_slug.id) is not None
        assert await uow.organizations.by_slug("south") is None


async def test_a_remembered_organization_changed_by_its_reader_stays_as_stored(
    factory: UnitOfWorkFactory,
) -> None:
    async with factory(read_only=True) as uow:
        first = await uow.organizations.get(FIRST_ORG)
        assert first is not None
        first.configure({"TZ": "Asia/Omsk"})
        first.rename("Changed")
    async with factory(read_only=True) as uow:
        again = await uow.organizations.by_slug("school")
    assert again is not None
    assert (again.name, again.settings) == ("School", {})


async def admins(factory: UnitOfWorkFactory) -> list[UserId]:
    async with factory(read_only=True) as uow:
        return [someone.id for someone in await uow.users.with_role([Role.ADMIN], [FIRST_ORG])]


async def test_a_membership_put_is_the_role_read_next(factory: UnitOfWorkFactory) -> None:
    assert (await person(factory)).role is Role.STAFF
    assert await admins(factory) == []
    async with factory() as uow:
        await uow.memberships.put(
            Membership(person=UserId(1), organization=FIRST_ORG, role=Role.ADMIN)
        )
        await uow.commit()
    assert (await person(factory)).role is Role.ADMIN
    assert await admins(factory) == [1]


async def roles_of(factory: UnitOfWorkFactory) -> list[Role]:
    async with factory(read_only=True) as uow:
        return [m.role for m in await uow.memberships.of_person(UserId(1))]


async def test_memberships_are_remembered_until_the_person_changes(
    factory: UnitOfWorkFactory, engine: AsyncEngine
) -> None:
    assert await roles_of(factory) == [Role.STAFF]
    assert await sent_during(engine, lambda: roles_of(factory)) == []
    async with factory() as uow:
        anna = await uow.users.get(UserId(1))
        assert anna is not None
        anna.promote()
        await uow.users.save(anna)
        await uow.commit()
    assert await roles_of(factory) == [Role.EXECUTOR]
    async with factory() as uow:
        await uow.memberships.put(Membership(person=UserId(1), organization=FIRST_ORG))
        assert [m.role for m in await uow.memberships.of_person(UserId(1))] == [Role.STAFF]
        await uow.commit()
    assert await roles_of(factory) == [Role.STAFF]
