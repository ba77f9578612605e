from tests.unit.builders import MONDAY_NOON_MSK, new_request, user
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.users import Role


async def test_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    author = user(2**40, Role.STAFF)
    async with uow_factory() as uow:
        await uow.users.add(author)
        request = new_request(author)
        events = request.pull_events()
        await uow.requests.add(request)
        await uow.history.append(request.id, events)
        await uow.commit()
    async with uow_factory() as uow:
        loaded = await uow.requests.get(request.id)
        assert loaded is not None
        assert loaded.created_at == MONDAY_NOON_MSK
        assert loaded.created_at.utcoffset() is not None
        assert loaded.author == 2**40
        assert loaded.sla_checkpoints == request.sla_checkpoints
        assert [e.kind for e in await uow.history.of(request.id)] == ["created"]
