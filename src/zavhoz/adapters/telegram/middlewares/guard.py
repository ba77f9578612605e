"""The last line: any failure ends in a short apology and a logged error, never silence.

It sits outside aiogram's FSM middleware, so a person's lock or state that cannot be read
(Redis down, a connection killed) is caught too; the person is then not known yet, and the
apology speaks their Telegram's language.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.exceptions import TelegramAPIError
from aiogram.types import TelegramObject, Update, User

from zavhoz.adapters.telegram.i18n import Texts, Translator

log = logging.getLogger("zavhoz.telegram")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class GuardMiddleware(BaseMiddleware):
    def __init__(self, translator: Translator) -> None:
        self._translator = translator

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except Exception:
            update_id = event.update_id if isinstance(event, Update) else None
            log.exception("update %s failed", update_id)
            await self._apologise(event, data["bot"], self._texts(data)("errors.apology"))
            return None

    def _texts(self, data: dict[str, Any]) -> Texts:
        """The person's texts, or their Telegram's language when they were not read yet."""
        sender: User | None = data.get("event_from_user")
        language = sender.language_code if sender is not None else None
        texts: Texts | None = data.get("t")
        return texts or self._translator.for_language(language)

    async def _apologise(self, event: TelegramObject, bot: Bot, text: str) -> None:
        if not isinstance(event, Update):
            return
        try:
            if event.callback_query is not None:
                await self._answer_callback(event, bot, text)
            elif event.message is not None:
                await bot.send_message(event.message.chat.id, text)
        except TelegramAPIError:
            log.exception("could not apologise for update %s", event.update_id)

    async def _answer_callback(self, event: Update, bot: Bot, text: str) -> None:
        query = event.callback_query
        assert query is not None
        try:
            await bot.answer_callback_query(query.id, text=text, show_alert=True)
        except TelegramAPIError:
            await bot.send_message(query.from_user.id, text)
