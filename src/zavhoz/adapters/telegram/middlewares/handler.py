"""What the handler aiogram chose runs inside, on messages and callback queries (inner).

Its name, and the request its button is about, join the update's log context (see
``log_context.bind_handler``). A refused action is explained in place: an alert on a button, a
reply to a message. A button whose handler fails unexpectedly gets its apology as the alert here,
inside the button's answer (``AnswerButtons``): from the guard it would be a second answer, which
Telegram refuses.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject

from zavhoz.adapters.telegram.errors import as_alert, explain
from zavhoz.adapters.telegram.middlewares.log_context import bind_handler
from zavhoz.domain.errors import DomainError

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

log = logging.getLogger("zavhoz.telegram")


class HandlerMiddleware(BaseMiddleware):
    """Register on the observers (``dispatcher.message.middleware(...)``), not on updates."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        bind_handler(data)
        try:
            return await handler(event, data)
        except DomainError as error:
            text = await explain(error, data["t"], data["services"])
            if isinstance(event, CallbackQuery):
                _alert(data, text)
            elif isinstance(event, Message):
                await event.answer(text)
            return None
        except Exception:
            if not isinstance(event, CallbackQuery):
                raise
            log.exception("update %s failed", data["event_update"].update_id)
            _alert(data, data["t"]("errors.apology"))
            return None


def _alert(data: dict[str, Any], text: str) -> None:
    data["callback_answer"].text = as_alert(text)
    data["callback_answer"].show_alert = True
