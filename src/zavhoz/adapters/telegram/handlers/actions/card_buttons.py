"""Buttons on a request card: a stale card is refreshed, one-tap actions act, the rest ask first."""

from collections.abc import Awaitable, Callable

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.errors import as_alert, explain
from zavhoz.adapters.telegram.handlers.actions import choose, one_tap
from zavhoz.adapters.telegram.handlers.actions.conversation import ASKED, ask_for_text
from zavhoz.adapters.telegram.handlers.actions.press import Press, redraw_card
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.services import Services
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.domain.errors import AlreadyTaken, AlreadyYours
from zavhoz.domain.ids import RequestId
from zavhoz.domain.users import User
from zavhoz.domain.workflow import Action

CARD_OWN = frozenset({"open", "history", "files"})
"""Buttons of handlers/card.py."""

HANDLERS: dict[str, Callable[[Press], Awaitable[None]]] = {
    Action.TAKE: one_tap.take,
    Action.RESUME: one_tap.resume,
    Action.CONFIRM: one_tap.confirm,
    Action.WATCH: one_tap.watch,
    Action.RATE: one_tap.rate,
    Action.ASSIGN: choose.assign,
    Action.REASSIGN: choose.assign,
    Action.CHANGE_PRIORITY: choose.change_priority,
    "back": one_tap.back,
    **{action.value: ask_for_text for action in ASKED},
}


async def on_card_button(
    query: CallbackQuery,
    callback_data: CardCb,
    user: User,
    t: Texts,
    services: Services,
    state: FSMContext,
    bot: Bot,
    callback_answer: CallbackAnswer,
) -> None:
    handler = HANDLERS.get(callback_data.action)
    if handler is None:
        callback_answer.text = t("common.stale_button")
        return
    card = await services.card(user.id, RequestId(callback_data.id))
    if callback_data.action != "back" and card.request.version != callback_data.v:
        callback_answer.text = await _what_changed(card, callback_data, user, t, services)
        callback_answer.show_alert = True
        await redraw_card(query, bot, card, t, services)
        return
    await handler(Press(query, callback_data, card, user, t, services, state, bot, callback_answer))


async def _what_changed(
    card: RequestCard, pressed: CardCb, user: User, t: Texts, services: Services
) -> str:
    """The card had changed; a take that already went through for this person says so."""
    request = card.request
    if pressed.action == Action.TAKE and request.assignee and request.status.is_active:
        error = AlreadyYours() if request.assignee == user.id else AlreadyTaken(request.assignee)
        return as_alert(await explain(error, t, services))
    return t("act.stale")
