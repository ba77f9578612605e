"""A button pressed on a card that was current, and the card shown fresh after an action."""

import attrs
from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.errors import as_alert
from zavhoz.adapters.telegram.handlers._screen import replace
from zavhoz.adapters.telegram.handlers.card import render_card
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.services import Services
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import RequestId
from zavhoz.domain.policy import ensure_permitted
from zavhoz.domain.users import User
from zavhoz.domain.workflow import Action, next_status


@attrs.frozen
class Press:
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

    def alert(self, text: str) -> None:
        """Refuse with a message that must be read."""
        self.answer.text, self.answer.show_alert = as_alert(text), True

    async def done(self, text: str) -> None:
        """The action went through: a short toast and the card as it is now."""
        self.answer.text = as_alert(text)
        card = await self.services.card(self.user.id, self.request_id)
        await redraw_card(self.query, self.bot, card, self.t, self.services)


async def redraw_card(
    query: CallbackQuery, bot: Bot, card: RequestCard, t: Texts, services: Services
) -> None:
    text, markup = render_card(card, t, services)
    await replace(query, bot, text, markup)


def ensure_offered(card: RequestCard, user: User, action: Action) -> None:
    """Before asking for more: refuse with the core's own reason when the action is not offered."""
    if action in card.actions:
        return
    ensure_permitted(user, action, card.request)
    next_status(card.request.status, action)
    raise NotPermitted(action.value, "default")
