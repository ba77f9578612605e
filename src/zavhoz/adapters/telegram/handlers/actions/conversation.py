"""Actions that ask for typed text first (a reason, a report, a comment): starting and ending.

FSM data (``AskText``): ``action``, ``request_id``, ``version`` (of the card the button was on),
then what was typed: ``text`` and, for a report, ``photos`` (plain dicts, JSON-serialisable).
"""

from typing import Any

from aiogram.fsm.context import FSMContext
from aiogram.types import TelegramObject

from zavhoz.adapters.telegram.handlers.actions.press import Press, ensure_offered
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.states import AskText, NewRequest
from zavhoz.domain.workflow import Action

ASKED = frozenset(
    {
        Action.HOLD,
        Action.REJECT,
        Action.REOPEN,
        Action.CANCEL,
        Action.COMPLETE,
        Action.COMMENT,
        Action.INTERNAL_NOTE,
    }
)
"""Actions that ask for typed text first (a reason, a report, a comment)."""

CONVERSATION_KEYS = ("action", "request_id", "version", "text", "photos")
"""FSM data of a typed-text conversation; other features' keys (the wizard's) are left alone."""


async def ask_for_text(p: Press) -> None:
    """The card's button: ask for the reason, report or comment (not in the middle of a draft)."""
    action = Action(p.data.action)
    ensure_offered(p.card, p.user, action)
    if await p.state.get_state() in NewRequest.__all_states_names__:
        p.alert(p.t("act.busy_wizard"))
        return
    await begin_conversation(
        p.state, action=action.value, request_id=p.data.id, version=p.card.request.version
    )
    markup = kb.prompt(p.t, p.data.id, cancelling=action is Action.CANCEL)
    text = p.t(f"act.ask.{action.value}", number=p.data.id)
    await p.bot.send_message(p.user.id, text, reply_markup=markup)


async def asking(event: TelegramObject, state: FSMContext) -> bool:
    """The conversation is one of ours (``AskText`` may serve other features too)."""
    return (await state.get_data()).get("action") in ASKED


async def begin_conversation(state: FSMContext, **values: object) -> None:
    await state.set_state(AskText.waiting)
    await state.set_data({**_others(await state.get_data()), **values})


async def end_conversation(state: FSMContext) -> None:
    await state.set_state(None)
    await state.set_data(_others(await state.get_data()))


def _others(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in CONVERSATION_KEYS}
