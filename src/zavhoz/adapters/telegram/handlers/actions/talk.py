"""A person in a typed-text conversation: answer them, or refuse and stay on the step."""

import attrs
from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.errors import as_alert, explain
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.services import Services
from zavhoz.domain.errors import DomainError
from zavhoz.domain.users import User


@attrs.frozen
class Talk:
    user: User
    t: Texts
    services: Services
    state: FSMContext
    bot: Bot
    answer: CallbackAnswer | None = None
    """Set when a button (not a message) moved the conversation on."""

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await self.bot.send_message(self.user.id, text, reply_markup=markup)

    async def refuse(self, error: DomainError) -> None:
        """Explain and stay on the step: a reply to a message, an alert on a button."""
        text = await explain(error, self.t, self.services)
        if self.answer is None:
            await self.say(text)
        else:
            self.answer.text, self.answer.show_alert = as_alert(text), True
