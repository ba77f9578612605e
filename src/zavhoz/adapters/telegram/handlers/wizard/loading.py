"""Every wizard handler gets its ``turn``, read once the dispatcher isolates the person's updates.

The photos of an album arrive as separate updates at the same moment; the dispatcher's event
isolation handles one person's updates one at a time, so each reads the draft the last one saved.
"""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from zavhoz.adapters.telegram.handlers.wizard.turn import Turn
from zavhoz.adapters.telegram.views.draft import Draft

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class TurnMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        data["turn"] = await load_turn(event, data)
        return await handler(event, data)


async def load_turn(event: TelegramObject, data: dict[str, Any]) -> Turn:
    state, user = data["state"], data["user"]
    fsm = await state.get_data()
    turn = Turn(
        user=user,
        t=data["t"],
        services=data["services"],
        state=state,
        bot=data["bot"],
        chat_id=user.id,
        data=fsm,
        draft=Draft.from_data(fsm) or Draft(),
        routed=data.get("raw_state"),  # read under the person's lock by aiogram's FSM
    )
    if isinstance(event, Message):
        turn.chat_id = event.chat.id
    elif isinstance(event, CallbackQuery) and event.message is not None:
        turn.chat_id = event.message.chat.id
        turn.pressed = event.message.message_id if isinstance(event.message, Message) else None
    return turn
