from zavhoz.application.queries._viewer import load_viewer
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import RoomCode, UserId
from zavhoz.domain.rooms import Room


class ListRooms(Service):
    """The rooms of the viewer's organization, by code."""

    async def __call__(self, viewer_id: UserId) -> list[Room]:
        async with self._reading() as uow:
            viewer = await load_viewer(uow, viewer_id)
            return await uow.rooms.all(viewer.organization)


class GetRoom(Service):
    """A room of the viewer's organization: another's rooms do not exist for them."""

    async def __call__(self, viewer_id: UserId, code: RoomCode) -> Room | None:
        async with self._reading() as uow:
            viewer = await load_viewer(uow, viewer_id)
            return await uow.rooms.get(viewer.organization, code)
