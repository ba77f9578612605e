from zavhoz.application.use_cases._service import Service
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.text import normalize


class GetOpenRequestsInRoom(Service):
    """Active requests at a room, for its QR code's "Уже сообщили?": only the room's own
    organization's (another school's «Каб. 305» is another room)."""

    async def __call__(self, room: Room) -> list[Request]:
        async with self._reading() as uow:
            found = await uow.queries.open_at(normalize(room.name), room.code)
        return [request for request in found if request.organization == room.organization]
