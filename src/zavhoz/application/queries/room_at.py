import attrs

from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import OrgId, RoomCode
from zavhoz.domain.organizations import Organization
from zavhoz.domain.rooms import Room


@attrs.frozen
class RoomOf:
    room: Room
    organization: Organization


class GetRoomAt(Service):
    """A room by its QR code, in whatever organization it is: what a person who is not a member
    there is offered to join (the code is printed on that organization's wall)."""

    async def __call__(self, org: OrgId, code: RoomCode) -> RoomOf | None:
        async with self._reading() as uow:
            room = await uow.rooms.get(org, code)
            owner = None if room is None else await uow.organizations.get(org)
        return None if room is None or owner is None else RoomOf(room, owner)
