"""Places for the location step: the person's recent places, then the known rooms."""

from collections.abc import Iterable

from zavhoz.adapters.telegram.services import Services
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import User

MAX_PLACES = 8
"""Location buttons: the person's recent places first, then known rooms."""

Place = dict[str, str | None]
"""``{"name": "Спортзал", "room": "gym"}`` (plain JSON: the buttons shown are kept in the FSM)."""


def by_name(rooms: Iterable[Room]) -> dict[str, Room]:
    """A place named like a room (in any case) is that room."""
    return {room.name.casefold(): room for room in rooms}


async def places(services: Services, user: User) -> list[Place]:
    rooms = await services.rooms(user.id)
    named = by_name(rooms)
    found: dict[str, Place] = {}
    for place in await services.recent_locations(user.id):
        room = named.get(place.casefold())
        found.setdefault(place.casefold(), {"name": place, "room": room.code if room else None})
    for room in rooms:
        found.setdefault(room.name.casefold(), {"name": room.name, "room": room.code})
    return list(found.values())[:MAX_PLACES]
