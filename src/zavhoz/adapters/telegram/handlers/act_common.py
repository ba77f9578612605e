"""What the actions on a card share: showing the fresh card, and asking the core what is offered."""

import html
from datetime import datetime
from typing import Any

import attrs
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, Message
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.states import AskText
from zavhoz.adapters.telegram.views.card import card_keyboard, card_text
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import RequestId
from zavhoz.domain.policy import ensure_permitted
from zavhoz.domain.users import User
from zavhoz.domain.workflow import Action, next_status

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

ALERT_LIMIT = 200
"""Telegram shows at most 200 characters in a callback's answer."""


def alert_text(text: str) -> str:
    """A text for a callback's answer: plain (no HTML entities) and within Telegram's limit."""
    plain = html.unescape(text)
    return plain if len(plain) <= ALERT_LIMIT else plain[: ALERT_LIMIT - 1] + "…"


async def begin_conversation(state: FSMContext, **values: object) -> None:
    await state.set_state(AskText.waiting)
    await state.set_data({**_others(await state.get_data()), **values})


async def end_conversation(state: FSMContext) -> None:
    await state.set_state(None)
    await state.set_data(_others(await state.get_data()))


def _others(data: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in data.items() if key not in CONVERSATION_KEYS}


def core_now(services: Services) -> datetime:
    """The core's clock: deadlines on the card count from it."""
    return services.clock.now()


def render(card: RequestCard, t: Texts, services: Services) -> tuple[str, InlineKeyboardMarkup]:
    zone = services.settings.calendar.timezone
    return card_text(card, t, core_now(services), zone), card_keyboard(card, t)


async def send_card(
    bot: Bot, chat_id: int, card: RequestCard, t: Texts, services: Services
) -> None:
    text, markup = render(card, t, services)
    await bot.send_message(chat_id, text, reply_markup=markup)


async def replace(
    query: CallbackQuery, bot: Bot, text: str, markup: InlineKeyboardMarkup | None
) -> None:
    """Show ``text`` in place of the message the button was on (a new message when it is gone)."""
    if isinstance(query.message, Message):
        try:
            await query.message.edit_text(text, reply_markup=markup)
        except TelegramBadRequest as error:
            if "not modified" in str(error):
                return
        else:
            return
    await bot.send_message(query.from_user.id, text, reply_markup=markup)


async def refresh(
    query: CallbackQuery, bot: Bot, card: RequestCard, t: Texts, services: Services
) -> None:
    text, markup = render(card, t, services)
    await replace(query, bot, text, markup)


def ensure_offered(card: RequestCard, user: User, action: Action) -> None:
    """Before asking for text: refuse with the core's own reason when the action is not offered."""
    if action in card.actions:
        return
    ensure_permitted(user, action, card.request)
    next_status(card.request.status, action)
    raise NotPermitted(action.value, "default")


@attrs.frozen
class Press:
    """A button pressed on a card that was current."""

    query: CallbackQuery
    data: CardCb
    card: RequestCard
    user: User
    t: Texts
    services: Services
    state: FSMContext
    bot: Bot
    answer: CallbackAnswer

    @property
    def request_id(self) -> RequestId:
        return RequestId(self.data.id)

    async def done(self, text: str) -> None:
        """The action went through: a short toast and the card as it is now."""
        self.answer.text = alert_text(text)
        card = await self.services.card(self.user.id, self.request_id)
        await refresh(self.query, self.bot, card, self.t, self.services)
