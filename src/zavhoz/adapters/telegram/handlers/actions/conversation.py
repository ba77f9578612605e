"""A typed-text conversation for an action (a reason, a report, a comment, what went wrong).

FSM data (``AskText``): ``action``, ``request_id``, ``number`` (the one people say; absent in a
conversation begun before it was kept), ``version`` (of the card the button was on),
``stars`` (a low rating), then what was typed: ``text`` and, for a report, ``photos`` (plain
dicts, JSON-serialisable). Other features' keys (the wizard's) are left alone.
"""

from typing import Any, Literal

from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject

from zavhoz.adapters.telegram.handlers._scene import Scene
from zavhoz.adapters.telegram.handlers.actions.table import ROWS, Row
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.states import AskText, NewRequest
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.domain.request import Request

CONVERSATION_KEYS = ("action", "request_id", "number", "version", "stars", "text", "photos")


async def begin(scene: Scene, row: Row, request: Request, version: int, **extra: object) -> bool:
    """Wait for the text (not in the middle of a new request's draft)."""
    if await scene.state.get_state() in NewRequest.__all_states_names__:
        scene.alert(scene.t("act.busy_wizard"))
        return False
    about = {"request_id": request.id, "number": spoken(request), "version": version}
    values = {"action": row.action.value, **about, **extra}
    await scene.state.set_state(AskText.waiting)
    await scene.state.set_data({**_others(await scene.state.get_data()), **values})
    return True


async def ask(scene: Scene, row: Row, request: Request, **params: object) -> None:
    """The row's question, its limits, and the way out (or on without a text)."""
    text = scene.t(f"act.ask.{row.action}", number=spoken(request), **row.limits(), **params)
    await scene.say(text, kb.prompt(scene.t, request.id, skip=row.skip, stop=row.stop))


async def asking(event: TelegramObject, state: FSMContext) -> Literal[False] | dict[str, Any]:
    """The conversation is one of ours (``AskText`` may serve other features too): its data,
    read once, is the handler's ``conversation``."""
    data = await state.get_data()
    return {"conversation": data} if data.get("action") in ROWS else False


async def end(state: FSMContext) -> None:
    await state.set_state(None)
    await state.set_data(_others(await state.get_data()))


def _others(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in CONVERSATION_KEYS}
