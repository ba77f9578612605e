"""The persistence contract of organizations, memberships, invites and per-organization numbers:
memory, SQLite and PostgreSQL alike."""

import asyncio
from datetime import UTC, datetime, timedelta

import attrs
import pytest

from tests.integration.test_persistence_contract import draft, seed_people, store
from tests.unit.builders import MONDAY_NOON_MSK, user
from zavhoz.application.paging import PageRequest
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.errors import AlreadyExists
from zavhoz.domain.ids import FIRST_ORG, OrgId, RoomCode, UserId
from zavhoz.domain.organizations import Invite, Membership, Organization
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, User, UserState

ANNA, IVAN = user(2**40 + 7), user(2, Role.EXECUTOR)
TOKEN = "abcdefghijklmnop"
PAGE = PageRequest(0, 10)


async def added(factory: UnitOfWorkFactory, *organizations: Organization) -> list[OrgId]:
    async with factory() as uow:
        for organization in organizations:
            await uow.organizations.add(organization)
        await uow.commit()
    return [organization.id for organization in organizations]


def school(slug: str, parent: OrgId | None = None, **settings: str) -> Organization:
    return Organization(slug=slug, name=slug.title(), parent=parent, settings=settings)


async def two_schools(factory: UnitOfWorkFactory) -> tuple[OrgId, OrgId]:
    """Two schools beside the first organization, under a district."""
    (district,) = await added(factory, school("district"))
    north, south = await added(factory, school("north", district), school("south", district))
    return north, south


# --- organizations ----------------------------------------------------------------------------


async def test_organizations_get_ids_and_are_found_by_id_and_slug(
    uow_factory: UnitOfWorkFactory,
) -> None:
    (district,) = await added(uow_factory, school("district", TZ="Europe/Moscow"))
    (north,) = await added(uow_factory, school("north-5", district))
    async with uow_factory(read_only=True) as uow:
        by_id = await uow.organizations.get(north)
        by_slug = await uow.organizations.by_slug("district")
        everything = await uow.organizations.all()
        assert await uow.organizations.get(OrgId(9999)) is None
        assert await uow.organizations.by_slug("nowhere") is None
    assert by_id is not None
    assert by_slug is not None
    assert (by_id.slug, by_id.name, by_id.parent) == ("north-5", "North-5", district)
    assert (by_slug.id, by_slug.settings) == (district, {"TZ": "Europe/Moscow"})
    ids = [organization.id for organization in everything]
    assert ids == sorted(ids)
    assert {district, north} <= set(ids)
    assert len(set(ids)) == len(ids)
    assert FIRST_ORG not in (district, north)


async def test_a_taken_slug_is_refused_and_the_unit_of_work_goes_on(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await added(uow_factory, school("north"))
    async with uow_factory() as uow:
        with pytest.raises(AlreadyExists) as refused:
            await uow.organizations.add(school("north"))
        await uow.organizations.add(school("south"))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        slugs = [organization.slug for organization in await uow.organizations.all()]
    assert (refused.value.entity, refused.value.key) == ("organization", "north")
    assert slugs.count("north") == 1
    assert "south" in slugs


async def test_an_organization_saved_keeps_its_new_name_parent_and_settings(
    uow_factory: UnitOfWorkFactory,
) -> None:
    north, south = await two_schools(uow_factory)
    async with uow_factory() as uow:
        found = await uow.organizations.get(south)
        assert found is not None
        found.rename("Южная школа")
        found.parent = north
        found.configure({"LOCALE": "ru", "TZ": "Asia/Omsk"})
        await uow.organizations.save(found)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.organizations.get(south)
        assert again is not None
        again.configure({"TZ": None})
        await uow.organizations.save(again)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        final = await uow.organizations.by_slug("south")
    assert final is not None
    assert (final.name, final.parent, final.settings) == ("Южная школа", north, {"LOCALE": "ru"})


# --- memberships ------------------------------------------------------------------------------


async def test_memberships_are_put_replaced_and_listed_by_organization(
    uow_factory: UnitOfWorkFactory,
) -> None:
    north, south = await two_schools(uow_factory)
    await seed_people(uow_factory, (ANNA,))
    async with uow_factory() as uow:
        await uow.memberships.put(Membership(person=ANNA.id, organization=south))
        await uow.memberships.put(
            Membership(person=ANNA.id, organization=north, state=UserState.PENDING)
        )
        await uow.commit()
    async with uow_factory() as uow:
        await uow.memberships.put(Membership(person=ANNA.id, organization=south, role=Role.ADMIN))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        hers = await uow.memberships.of_person(ANNA.id)
        there = await uow.memberships.get(ANNA.id, south)
        assert await uow.memberships.get(IVAN.id, south) is None
    assert [(m.organization, m.role, m.state) for m in hers] == [
        (FIRST_ORG, Role.STAFF, UserState.ACTIVE),
        (north, Role.STAFF, UserState.PENDING),
        (south, Role.ADMIN, UserState.ACTIVE),
    ]
    assert there == Membership(person=ANNA.id, organization=south, role=Role.ADMIN)


# --- people and their memberships -------------------------------------------------------------


async def test_a_role_change_saved_lands_in_the_membership_where_the_person_acts(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_people(uow_factory, (ANNA, IVAN))
    async with uow_factory() as uow:
        anna = await uow.users.get(ANNA.id)
        assert anna is not None
        anna.promote()
        anna.block()
        await uow.users.save(anna)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        membership = await uow.memberships.get(ANNA.id, FIRST_ORG)
        executors = await uow.users.with_role([Role.EXECUTOR], [FIRST_ORG])
        blocked = await uow.users.page_by_state(UserState.BLOCKED, PAGE)
    assert membership == Membership(
        person=ANNA.id, organization=FIRST_ORG, role=Role.EXECUTOR, state=UserState.BLOCKED
    )
    assert [person.id for person in executors] == [IVAN.id]
    assert [person.id for person in blocked.items] == [ANNA.id]


async def test_a_person_switching_organization_acts_with_their_role_there(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """As the core switches: to the membership there, role and state with it."""
    north, _ = await two_schools(uow_factory)
    await seed_people(uow_factory, (ANNA,))
    async with uow_factory() as uow:
        await uow.memberships.put(Membership(person=ANNA.id, organization=north, role=Role.ADMIN))
        await uow.commit()
    async with uow_factory() as uow:
        anna, there = await uow.users.get(ANNA.id), await uow.memberships.get(ANNA.id, north)
        assert anna is not None
        assert there is not None
        anna.organization, anna.role, anna.state = north, there.role, there.state
        await uow.users.save(anna)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        switched = await uow.users.get(ANNA.id)
        left = await uow.memberships.get(ANNA.id, FIRST_ORG)
        admins = await uow.users.with_role([Role.ADMIN], [north])
    assert switched is not None
    assert (switched.organization, switched.role) == (north, Role.ADMIN)
    assert left == Membership(person=ANNA.id, organization=FIRST_ORG)
    assert [person.id for person in admins] == [ANNA.id]


async def test_a_person_reads_the_role_of_their_membership_where_they_act(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Their membership decides, not what was saved with them: a district admin who demotes
    them there is obeyed at their next update."""
    north, _ = await two_schools(uow_factory)
    elsewhere = user(9, Role.EXECUTOR)
    elsewhere.organization = north
    await seed_people(uow_factory, (elsewhere,))
    async with uow_factory() as uow:
        await uow.memberships.put(
            Membership(person=elsewhere.id, organization=north, state=UserState.BLOCKED)
        )
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        found = await uow.users.get(elsewhere.id)
    assert found is not None
    assert (found.organization, found.role, found.state) == (north, Role.STAFF, UserState.BLOCKED)


async def test_a_person_added_elsewhere_is_a_member_there(uow_factory: UnitOfWorkFactory) -> None:
    north, _ = await two_schools(uow_factory)
    newcomer = User(
        id=UserId(7), role=Role.EXECUTOR, state=UserState.PENDING, created_at=MONDAY_NOON_MSK
    )
    newcomer.organization = north
    await seed_people(uow_factory, (newcomer,))
    async with uow_factory(read_only=True) as uow:
        found = await uow.users.get(UserId(7))
        memberships = await uow.memberships.of_person(UserId(7))
    assert found is not None
    assert (found.organization, found.role, found.state) == (
        north,
        Role.EXECUTOR,
        UserState.PENDING,
    )
    assert memberships == [
        Membership(
            person=UserId(7), organization=north, role=Role.EXECUTOR, state=UserState.PENDING
        )
    ]


async def test_with_role_lists_each_person_once_by_their_memberships_in_those_organizations(
    uow_factory: UnitOfWorkFactory,
) -> None:
    """Whatever organization they act in now: the crew of a district serves its schools."""
    north, south = await two_schools(uow_factory)
    crew, head, left = user(7, Role.EXECUTOR), user(8, Role.ADMIN), user(9, Role.EXECUTOR)
    await seed_people(uow_factory, (crew, head, left, IVAN))
    async with uow_factory() as uow:
        for person, org, role, state in (
            (crew, north, Role.EXECUTOR, UserState.ACTIVE),
            (crew, south, Role.ADMIN, UserState.ACTIVE),
            (head, south, Role.ADMIN, UserState.ACTIVE),
            (left, north, Role.EXECUTOR, UserState.BLOCKED),
        ):
            await uow.memberships.put(
                Membership(person=person.id, organization=org, role=role, state=state)
            )
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        at_north = await uow.users.with_role([Role.EXECUTOR, Role.ADMIN], [north])
        at_both = await uow.users.with_role([Role.ADMIN], [north, south])
        nowhere = await uow.users.with_role([Role.ADMIN], [])
    assert [(p.id, p.organization, p.role) for p in at_north] == [
        (crew.id, FIRST_ORG, Role.EXECUTOR)
    ]
    assert [p.id for p in at_both] == [crew.id, head.id]
    assert nowhere == []


# --- invites ----------------------------------------------------------------------------------


def invite(token: str, org: OrgId, minutes: int, **changes: object) -> Invite:
    return Invite(
        token=token,
        organization=org,
        created_at=MONDAY_NOON_MSK + timedelta(minutes=minutes),
        **changes,  # type: ignore[arg-type]
    )


async def test_invites_round_trip_revoke_and_list_newest_first(
    uow_factory: UnitOfWorkFactory,
) -> None:
    north, south = await two_schools(uow_factory)
    await seed_people(uow_factory, (IVAN,))
    expires = datetime(2026, 2, 1, 12, 30, tzinfo=UTC)
    async with uow_factory() as uow:
        await uow.invites.add(
            invite(TOKEN, north, 0, role=Role.EXECUTOR, created_by=IVAN.id, expires_at=expires)
        )
        await uow.invites.add(invite("z" * 16, north, 5))
        await uow.invites.add(invite("s" * 16, south, 9))
        await uow.commit()
    async with uow_factory() as uow:
        first = await uow.invites.get(TOKEN)
        assert first is not None
        first.revoke()
        await uow.invites.save(first)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        again = await uow.invites.get(TOKEN)
        norths = await uow.invites.of_organization(north)
        assert await uow.invites.get("n" * 16) is None
    assert again is not None
    assert (again.organization, again.role, again.created_by) == (north, Role.EXECUTOR, IVAN.id)
    assert (again.created_at, again.expires_at, again.revoked) == (MONDAY_NOON_MSK, expires, True)
    assert [i.token for i in norths] == ["z" * 16, TOKEN]


# --- numbers and rooms per organization -------------------------------------------------------


async def test_requests_are_numbered_per_organization_and_ids_stay_global(
    uow_factory: UnitOfWorkFactory,
) -> None:
    north, _ = await two_schools(uow_factory)
    elsewhere = user(9)
    elsewhere.organization = north
    await seed_people(uow_factory, (ANNA, elsewhere))
    authors = (ANNA, elsewhere, ANNA, elsewhere, elsewhere, ANNA)
    async with uow_factory() as uow:
        requests = [await store(uow, draft(author)) for author in authors]
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        again = [await uow.requests.get(request.id) for request in requests]
    numbered = [(r.organization, r.number) for r in again if r is not None]
    assert numbered == [
        (FIRST_ORG, 1),
        (north, 1),
        (FIRST_ORG, 2),
        (north, 2),
        (north, 3),
        (FIRST_ORG, 3),
    ]
    assert [r.id for r in requests] == sorted({r.id for r in requests})


async def test_requests_filed_at_once_in_one_organization_get_distinct_numbers(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_people(uow_factory, (ANNA, IVAN))

    async def file(author: User) -> int:
        async with uow_factory() as uow:
            request = await store(uow, draft(author))
            await uow.commit()
        return request.number

    numbers = await asyncio.gather(*(file(author) for author in (ANNA, IVAN) * 4))
    assert sorted(numbers) == list(range(1, 9))


async def test_a_request_is_found_by_its_number_in_its_organization(
    uow_factory: UnitOfWorkFactory,
) -> None:
    north, south = await two_schools(uow_factory)
    elsewhere = user(9)
    elsewhere.organization = north
    await seed_people(uow_factory, (ANNA, elsewhere))
    async with uow_factory() as uow:
        ours = await store(uow, draft(ANNA))
        theirs = await store(uow, draft(elsewhere))
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        first_here = await uow.queries.by_number(FIRST_ORG, 1)
        first_there = await uow.queries.by_number(north, 1)
        assert await uow.queries.by_number(south, 1) is None
        assert await uow.queries.by_number(FIRST_ORG, 2) is None
    assert first_here is not None
    assert first_there is not None
    assert (first_here.id, first_there.id) == (ours.id, theirs.id)


async def test_the_digest_counts_the_organizations_asked_for(
    uow_factory: UnitOfWorkFactory,
) -> None:
    north, south = await two_schools(uow_factory)
    elsewhere = user(9)
    elsewhere.organization = north
    await seed_people(uow_factory, (ANNA, elsewhere))
    async with uow_factory() as uow:
        for author in (ANNA, elsewhere, elsewhere):
            await store(uow, draft(author))
        await uow.commit()
    since, until = MONDAY_NOON_MSK - timedelta(hours=1), MONDAY_NOON_MSK + timedelta(hours=1)
    async with uow_factory(read_only=True) as uow:
        counted = [
            (await uow.queries.digest(since, until, until, frozenset(orgs))).new
            for orgs in ({FIRST_ORG}, {north}, {north, south, FIRST_ORG}, set())
        ]
    assert counted == [1, 2, 3, 0]


async def test_rooms_of_two_organizations_may_share_a_code(
    uow_factory: UnitOfWorkFactory,
) -> None:
    north, _ = await two_schools(uow_factory)
    async with uow_factory() as uow:
        await uow.rooms.upsert(Room.create("305", "Каб. 305"))
        theirs = attrs.evolve(Room.create("305", "Кабинет физики"), organization=north)
        await uow.rooms.upsert(theirs)
        await uow.commit()
    async with uow_factory(read_only=True) as uow:
        ours = await uow.rooms.get(FIRST_ORG, RoomCode("305"))
        listed = await uow.rooms.all(north)
        assert await uow.rooms.get(north, RoomCode("gym")) is None
    assert ours is not None
    assert (ours.name, ours.organization) == ("Каб. 305", FIRST_ORG)
    assert [(r.code, r.name, r.organization) for r in listed] == [("305", "Кабинет физики", north)]


async def renamed(factory: UnitOfWorkFactory, org: OrgId, slug: str) -> None:
    async with factory() as uow:
        found = await uow.organizations.get(org)
        assert found is not None
        found.slug = slug
        await uow.organizations.save(found)
        await uow.commit()


async def test_a_slug_taken_by_another_organization_cannot_be_saved(
    uow_factory: UnitOfWorkFactory,
) -> None:
    _, south = await two_schools(uow_factory)
    with pytest.raises(AlreadyExists):
        await renamed(uow_factory, south, "north")
    async with uow_factory(read_only=True) as uow:
        kept = await uow.organizations.get(south)
    assert kept is not None
    assert kept.slug == "south"
