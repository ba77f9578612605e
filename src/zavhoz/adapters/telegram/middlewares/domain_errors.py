"""A refused action is explained in place: an alert on a button, a reply to a message."""

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from zavhoz.adapters.telegram.errors import as_alert, explain
from zavhoz.domain.errors import DomainError

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DomainErrorMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await handler(event, data)
        except DomainError as error:
            text = await explain(error, data["t"], data["services"])
            if isinstance(event, CallbackQuery):
                data["callback_answer"].text = as_alert(text)
                data["callback_answer"].show_alert = True
            elif isinstance(event, Message):
                await event.answer(text)
            return None
