"""One update of a person: who, in which chat, and how to answer them (actions, the wizard)."""

from collections.abc import Mapping
from typing import Any, Self

import attrs
from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardMarkup, ReplyKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.errors import as_alert, explain
from zavhoz.adapters.telegram.handlers._screen import chat_of, replace
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.services import Services
from zavhoz.domain.errors import DomainError
from zavhoz.domain.users import User

Markup = InlineKeyboardMarkup | ReplyKeyboardMarkup


@attrs.define(kw_only=True)
class Scene:
    user: User
    t: Texts
    services: Services
    state: FSMContext
    bot: Bot
    chat_id: int
    query: CallbackQuery | None = None
    """The button pressed, when a button (not a message) brought the update."""
    answer: CallbackAnswer | None = None

    @classmethod
    def of_button(
        cls, query: CallbackQuery, answer: CallbackAnswer, data: Mapping[str, Any]
    ) -> Self:
        """The scene of a pressed button, from the handler's data (user, t, services, ...)."""
        people = {name: data[name] for name in ("user", "t", "services", "state", "bot")}
        return cls(**people, chat_id=chat_of(query), query=query, answer=answer)

    async def say(self, text: str, markup: Markup | None = None) -> None:
        await self.bot.send_message(self.chat_id, text, reply_markup=markup)

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """Redraw the pressed message (a fresh one when it cannot be), or send a new one."""
        if self.query is None:
            await self.say(text, markup)
        else:
            await replace(self.query, self.bot, text, markup)

    def toast(self, text: str) -> None:
        if self.answer is not None:
            self.answer.text = as_alert(text)

    def alert(self, text: str) -> None:
        """A message on the button that must be read."""
        if self.answer is not None:
            self.answer.text, self.answer.show_alert = as_alert(text), True

    async def refuse(self, error: DomainError) -> None:
        """Explain and stay on the step: an alert on a button, a reply to a message."""
        text = await explain(error, self.t, self.services)
        if self.answer is None:
            await self.say(text)
        else:
            self.alert(text)
