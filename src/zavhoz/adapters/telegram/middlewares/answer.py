"""Every pressed button is answered (Telegram shows a spinner until it is), after its handler.

aiogram's ``CallbackAnswerMiddleware`` does it; here a refused answer ends nothing. Telegram
refuses one for a query answered already or too old: a press fetched before a crash and handled
again after the restart was answered by the first run. The spinner is gone either way, and the
work the handler did stands, so it is no failure to apologise for.
"""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery
from aiogram.types import TelegramObject
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

log = logging.getLogger("zavhoz.telegram")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class AnswerButtons(CallbackAnswerMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        try:
            return await super().__call__(handler, event, data)
        except TelegramBadRequest as refused:
            if not isinstance(refused.method, AnswerCallbackQuery):
                raise
            log.info("button answer refused: %s", refused.message)
            return None
