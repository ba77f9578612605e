"""Every log line written while an update is handled says which update and whose it was."""

import logging
from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject, Update

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

update_context: ContextVar[tuple[int | None, int | None]] = ContextVar(
    "update_context", default=(None, None)
)
"""(update_id, user_id) of the update being handled."""


class LogContextMiddleware(BaseMiddleware):
    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender = data.get("event_from_user")
        token = update_context.set(
            (
                event.update_id if isinstance(event, Update) else None,
                sender.id if sender is not None else None,
            )
        )
        try:
            return await handler(event, data)
        finally:
            update_context.reset(token)


class UpdateContextFilter(logging.Filter):
    """Adds ``update_id`` and ``user_id`` to records (``None`` outside an update)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.update_id, record.user_id = update_context.get()
        return True
