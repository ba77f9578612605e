"""Buttons on a request card: a stale card is refreshed, one-tap actions act, the rest ask first."""

from collections.abc import Awaitable, Callable

from aiogram import Bot, F, Router
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.errors import explain
from zavhoz.adapters.telegram.handlers import act_choose
from zavhoz.adapters.telegram.handlers.act_common import (
    ASKED,
    Press,
    alert_text,
    begin_conversation,
    ensure_offered,
    refresh,
)
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.states import NewRequest
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.application.use_cases.confirm_request import ConfirmRequestCommand
from zavhoz.application.use_cases.rate_request import RateRequestCommand
from zavhoz.application.use_cases.resume_request import ResumeRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.application.use_cases.watch_request import WatchRequestCommand
from zavhoz.domain.errors import AlreadyTaken, AlreadyYours
from zavhoz.domain.ids import RequestId
from zavhoz.domain.users import User
from zavhoz.domain.workflow import Action

CARD_OWN = frozenset({"open", "history", "files"})
"""Actions of handlers/card.py."""


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
    action = _HANDLERS.get(callback_data.action)
    if action is None:
        callback_answer.text = t("common.stale_button")
        return
    card = await services.card(user.id, RequestId(callback_data.id))
    if callback_data.action != "back" and card.request.version != callback_data.v:
        callback_answer.text = await _stale(card, callback_data, user, t, services)
        callback_answer.show_alert = True
        await refresh(query, bot, card, t, services)
        return
    press = Press(query, callback_data, card, user, t, services, state, bot, callback_answer)
    await action(press)


async def _stale(
    card: RequestCard, pressed: CardCb, user: User, t: Texts, services: Services
) -> str:
    """What changed, in words; a take that already went through for this person says so."""
    request = card.request
    if pressed.action == Action.TAKE and request.assignee and request.status.is_active:
        error = AlreadyYours() if request.assignee == user.id else AlreadyTaken(request.assignee)
        return alert_text(await explain(error, t, services))
    return t("act.stale")


# --- one tap -------------------------------------------------------------------------------


async def _take(p: Press) -> None:
    await p.services.take(TakeRequestCommand(actor_id=p.user.id, request_id=p.request_id))
    await p.done(p.t("act.done.take"))


async def _resume(p: Press) -> None:
    await p.services.resume(ResumeRequestCommand(actor_id=p.user.id, request_id=p.request_id))
    await p.done(p.t("act.done.resume"))


async def _confirm(p: Press) -> None:
    await p.services.confirm(ConfirmRequestCommand(actor_id=p.user.id, request_id=p.request_id))
    await p.done(p.t("act.done.confirm"))


async def _watch(p: Press) -> None:
    await p.services.watch(WatchRequestCommand(actor_id=p.user.id, request_id=p.request_id))
    await p.done(p.t("act.done.watch"))


async def _rate(p: Press) -> None:
    if not p.data.arg.isdigit():
        p.answer.text = p.t("common.stale_button")
        return
    score = int(p.data.arg)
    command = RateRequestCommand(actor_id=p.user.id, request_id=p.request_id, score=score)
    await p.services.rate(command)
    await p.done(p.t("act.done.rate", stars="★" * score))


async def _back(p: Press) -> None:
    await refresh(p.query, p.bot, p.card, p.t, p.services)


# --- typed text first ------------------------------------------------------------------------


async def _ask(p: Press) -> None:
    """Ask for a reason, a report or a comment; the conversation is in act_ask.py."""
    action = Action(p.data.action)
    ensure_offered(p.card, p.user, action)
    if await p.state.get_state() in NewRequest.__all_states_names__:
        p.answer.text, p.answer.show_alert = alert_text(p.t("act.busy_wizard")), True
        return
    await begin_conversation(
        p.state, action=action.value, request_id=p.data.id, version=p.card.request.version
    )
    markup = kb.prompt(p.t, p.data.id, cancelling=action is Action.CANCEL)
    await p.bot.send_message(
        p.user.id, p.t(f"act.ask.{action.value}", number=p.data.id), reply_markup=markup
    )


_HANDLERS: dict[str, Callable[[Press], Awaitable[None]]] = {
    Action.TAKE: _take,
    Action.RESUME: _resume,
    Action.CONFIRM: _confirm,
    Action.WATCH: _watch,
    Action.RATE: _rate,
    Action.ASSIGN: act_choose.assign,
    Action.REASSIGN: act_choose.assign,
    Action.CHANGE_PRIORITY: act_choose.change_priority,
    "back": _back,
    **{action.value: _ask for action in ASKED},
}


def register(routes: Router) -> None:
    routes.callback_query.register(on_card_button, CardCb.filter(~F.action.in_(CARD_OWN)))
