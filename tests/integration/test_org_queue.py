"""The queue in SQL keeps to the organizations the core allows from the viewer's reach."""

from typing import Any

from tests.integration.test_org_persistence import two_schools
from tests.integration.test_persistence_contract import draft, seed_people, store
from tests.unit.builders import MONDAY_NOON_MSK, user
from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import PageRequest
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.ids import FIRST_ORG, OrgId


async def queue(factory: UnitOfWorkFactory, *orgs: OrgId, every: bool = False) -> Any:
    wanted: Any = {} if every else {"organizations": frozenset(orgs)}
    async with factory(read_only=True) as uow:
        return await uow.queries.queue(QueueFilter(**wanted), MONDAY_NOON_MSK, PageRequest(0, 10))


async def test_the_queue_holds_only_the_organizations_asked_for(
    uow_factory: UnitOfWorkFactory,
) -> None:
    north, south = await two_schools(uow_factory)
    ours, theirs = user(1), user(2)
    theirs.organization = north
    await seed_people(uow_factory, (ours, theirs))
    async with uow_factory() as uow:
        for author in (ours, theirs, ours):
            await store(uow, draft(author))
        await uow.commit()
    first = await queue(uow_factory, FIRST_ORG)
    schools = await queue(uow_factory, north, south)
    assert [(r.organization, r.number) for r in first.items] == [(FIRST_ORG, 1), (FIRST_ORG, 2)]
    assert first.total == 2
    assert [(r.organization, r.number) for r in schools.items] == [(north, 1)]
    assert (await queue(uow_factory)).total == 0
    assert (await queue(uow_factory, every=True)).total == 3
