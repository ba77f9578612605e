"""Every log line written while an update is handled says which update, whose, and which handler.

The context lives in structlog's context variables, which the logging pipeline merges into
every line (ZAVhoz's own and the standard-library ones of aiogram, SQLAlchemy, aiohttp):

- ``LogContextMiddleware`` (outer, on updates) binds ``update_id``, ``user_id`` and
  ``update_kind``, plus what the person typed as ``text`` / ``caption``, which the pipeline keeps
  on DEBUG lines only (and cuts out of anything above DEBUG); it ends the update with one line
  ("update handled", with the milliseconds it took), then unbinds everything it and the
  handlers bound.
- ``HandlerContextMiddleware`` (inner, on messages and callback queries) binds ``handler``, the
  handler aiogram chose, and ``request_id`` when the button names a request.
"""

import time
from collections.abc import Awaitable, Callable
from typing import Any

import structlog
from aiogram import BaseMiddleware
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import Message, TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError

from zavhoz.adapters.telegram.callbacks import CardCb

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

HANDLERS_PACKAGE = "zavhoz.adapters.telegram.handlers."

log = structlog.get_logger("zavhoz.telegram")


class LogContextMiddleware(BaseMiddleware):
    """Binds the update's context and writes one line per update when it is done."""

    def __init__(self, clock: Callable[[], float] = time.perf_counter) -> None:
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        saved = structlog.contextvars.get_contextvars()
        structlog.contextvars.bind_contextvars(**_update_context(event, data))
        started = self._clock()
        outcome = "failed"
        logger = log.bind()  # assembled once for the update's two lines, not once per line
        try:
            logger.debug("update received")
            result = await handler(event, data)
            outcome = "not handled" if result is UNHANDLED else "handled"
            return result
        finally:
            took = round((self._clock() - started) * 1000, 1)
            (logger.warning if outcome == "failed" else logger.info)(f"update {outcome}", ms=took)
            structlog.contextvars.clear_contextvars()
            structlog.contextvars.bind_contextvars(**saved)


class HandlerContextMiddleware(BaseMiddleware):
    """Register on the observers (``dispatcher.message.middleware(...)``), not on updates."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        context: dict[str, Any] = {}
        chosen = data.get("handler")
        if isinstance(chosen, HandlerObject):
            context["handler"] = handler_name(chosen.callback)
        button = data.get("callback_data")
        if isinstance(button, CardCb):
            context["request_id"] = button.id
        structlog.contextvars.bind_contextvars(**context)
        return await handler(event, data)


def handler_name(callback: Any) -> str:
    """``lists.show_mine`` for ``zavhoz.adapters.telegram.handlers.lists.show_mine``."""
    target = getattr(callback, "func", callback)  # functools.partial
    module = getattr(target, "__module__", None) or ""
    name = getattr(target, "__qualname__", None) or type(target).__qualname__
    return f"{module.removeprefix(HANDLERS_PACKAGE)}.{name}" if module else name


def update_kind(event: TelegramObject) -> str:
    """``message``, ``callback_query``, ...; ``unknown`` for an update of a type aiogram lacks."""
    if not isinstance(event, Update):
        return type(event).__name__.lower()
    try:
        return event.event_type
    except UpdateTypeLookupError:
        return "unknown"


def _update_context(event: TelegramObject, data: dict[str, Any]) -> dict[str, Any]:
    sender = data.get("event_from_user")
    context: dict[str, Any] = {"user_id": sender.id if sender is not None else None}
    if isinstance(event, Update):
        context["update_id"] = event.update_id
        context["update_kind"] = update_kind(event)
        message = event.message or event.edited_message
        if isinstance(message, Message):
            if message.text:
                context["text"] = message.text
            if message.caption:
                context["caption"] = message.caption
    return context
