"""A room's QR code (``/start room_<code>``): «Уже сообщили?», then the same problem or a new."""

from aiogram.filters import CommandObject
from aiogram.types import CallbackQuery, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.handlers.wizard.flow import begin, offer_draft
from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.adapters.telegram.keyboards.menu import main_menu
from zavhoz.adapters.telegram.keyboards.room_hint import room_hint_keyboard
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.adapters.telegram.views.room_hint import newest, room_hint
from zavhoz.application.use_cases.watch_request import WatchRequestCommand
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import RequestId, RoomCode
from zavhoz.domain.rooms import Room, room_code


async def room_link(message: Message, command: CommandObject, turn: Turn) -> None:
    raw = (command.args or "").removeprefix("room_")
    if turn.step():
        await offer_draft(turn, WizardCb(step="room", value=valid_code(raw) or ""))
        return
    await open_room(turn, raw)


async def open_room(turn: Turn, raw: str) -> None:
    """The room's open requests first; with none, the wizard with the room filled in."""
    room = await _find_room(turn, raw)
    if room is None:
        await turn.say(turn.t("wizard.room.unknown"))
        await begin(turn)
        return
    active = await turn.services.open_in_room(room)
    if not active:
        await begin(turn, room)
        return
    markup = room_hint_keyboard(turn.t, newest(active), room.code)
    await turn.say(room_hint(turn.t, room.name, active), markup)


async def same_problem(
    query: CallbackQuery, callback_data: WizardCb, turn: Turn, callback_answer: CallbackAnswer
) -> None:
    """«Это та же проблема — сообщить мне»: the person watches that request."""
    if not callback_data.value.isdigit():
        callback_answer.text = turn.t("common.stale_button")
        return
    request_id = RequestId(int(callback_data.value))
    request = await turn.services.watch(
        WatchRequestCommand(actor_id=turn.user.id, request_id=request_id)
    )
    await turn.edit()
    await turn.say(
        turn.t("wizard.room.watching", number=spoken(request)), main_menu(turn.user, turn.t)
    )


async def new_problem(query: CallbackQuery, callback_data: WizardCb, turn: Turn) -> None:
    """«Новая проблема»: the wizard with the room filled in."""
    if turn.step():
        await offer_draft(turn, WizardCb(step="room", value=callback_data.value))
        return
    await turn.edit()
    room = await _find_room(turn, callback_data.value)
    if room is None:
        await turn.say(turn.t("wizard.room.unknown"))
    await begin(turn, room)


def valid_code(raw: str) -> RoomCode | None:
    try:
        return room_code(raw)
    except ValidationFailed:
        return None


async def _find_room(turn: Turn, raw: str) -> Room | None:
    code = valid_code(raw)
    return None if code is None else await turn.services.room(turn.user.id, code)
