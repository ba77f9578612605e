from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import RoomCode
from zavhoz.domain.request import Request
from zavhoz.domain.text import normalize


class GetOpenRequestsAt(Service):
    """Active requests at a place, for the "Уже сообщили?" hint of a room's QR code."""

    async def __call__(self, location: str, room_code: RoomCode | None = None) -> list[Request]:
        async with self._reading() as uow:
            return await uow.queries.open_at(normalize(location), room_code)
