"""The location step: a place typed in (a room's name becomes that room), or a place's button."""

from aiogram.types import Message

from zavhoz.adapters.telegram.errors import explain
from zavhoz.adapters.telegram.handlers.wizard.flow import advance, show
from zavhoz.adapters.telegram.handlers.wizard.places import by_name
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.text import LOCATION


async def location_typed(turn: Turn, message: Message) -> None:
    if message.text is None or message.text.startswith("/"):
        await show(turn, "location", turn.t("wizard.unsupported"))
        return
    try:
        location = LOCATION.clean(message.text)
    except ValidationFailed as error:
        await show(turn, "location", await explain(error, turn.t, turn.services))
        return
    room = by_name(await turn.services.rooms(turn.user.id)).get(location.casefold())
    turn.draft.location = room.name if room else location
    turn.draft.room_code = room.code if room else None
    await advance(turn, "location")


async def place_chosen(turn: Turn, value: str) -> None:
    """``value`` is the place's index among the buttons shown (kept in the FSM data)."""
    places = turn.data.get("places") or []
    if not value.isdigit() or int(value) >= len(places):
        await show(turn, "location", turn.t("common.stale_button"))
        return
    place = places[int(value)]
    turn.draft.location, turn.draft.room_code = place["name"], place["room"]
    await turn.edit(turn.t("wizard.location.chosen", value=place["name"]))
    await advance(turn, "location")
