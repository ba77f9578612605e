"""A failure in the middle of a use case leaves no row of it behind."""

from collections.abc import Iterable

import pytest

from tests.integration.test_persistence_contract import AUTHOR, BOSS, seed_people
from tests.unit.builders import MONDAY_NOON_MSK
from zavhoz.adapters.clock import FakeClock
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import UnitOfWork, UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.domain.catalog import Category
from zavhoz.domain.ids import RequestId


class OutboxDown(RuntimeError):
    pass


class BrokenOutbox:
    async def add(self, messages: Iterable[OutboxMessage]) -> None:
        raise OutboxDown("forced failure after the request and its history were written")


class OutboxFailingUnitOfWork:
    """The real unit of work, but its outbox fails after the request and history were written."""

    def __init__(self, inner: UnitOfWork) -> None:
        self._inner = inner

    async def __aenter__(self) -> "OutboxFailingUnitOfWork":
        entered = await self._inner.__aenter__()
        self.users, self.requests, self.history = entered.users, entered.requests, entered.history
        self.rooms, self.queries, self.outbox = entered.rooms, entered.queries, BrokenOutbox()
        self.deliveries, self.organizations = entered.deliveries, entered.organizations
        self.memberships, self.invites = entered.memberships, entered.invites
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self._inner.__aexit__(None, None, None)

    async def commit(self) -> None:
        await self._inner.commit()


def failing_after_history(factory: UnitOfWorkFactory) -> UnitOfWorkFactory:
    return lambda *, read_only=False: OutboxFailingUnitOfWork(factory(read_only=read_only))  # type: ignore[return-value]


async def test_a_failure_mid_use_case_leaves_nothing(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory, (AUTHOR, BOSS))
    create = CreateRequest(
        failing_after_history(uow_factory), FakeClock(MONDAY_NOON_MSK), WorkflowSettings()
    )
    with pytest.raises(OutboxDown):
        await create(
            CreateRequestCommand(
                author_id=AUTHOR.id,
                location="Каб. 305",
                category=Category.PLUMBING,
                description="Течёт кран в туалете",
            )
        )
    async with uow_factory() as uow:
        assert await uow.requests.get(RequestId(1)) is None
        assert await uow.history.of(RequestId(1)) == []
        assert await uow.outbox.pending(10) == []
