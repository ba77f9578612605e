from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import RoomCode
from zavhoz.domain.rooms import Room


class ListRooms(Service):
    """The room registry, by code."""

    async def __call__(self) -> list[Room]:
        async with self._reading() as uow:
            return await uow.rooms.all()


class GetRoom(Service):
    async def __call__(self, code: RoomCode) -> Room | None:
        async with self._reading() as uow:
            return await uow.rooms.get(code)
