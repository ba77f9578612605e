"""Every log line written while an update is handled says which update, whose, and which handler.

The context lives in structlog's context variables, which the logging pipeline merges into
every line (ZAVhoz's own and the standard-library ones of aiogram, SQLAlchemy, aiohttp):

- ``open_update`` (from ``GuardMiddleware``, around the whole update) binds ``update_id``,
  ``user_id`` and ``update_kind``, plus what the person typed as ``text`` / ``caption``, which the
  pipeline keeps on DEBUG lines only (and cuts out of anything above DEBUG); ``close_update``
  writes the update's one line ("update handled", with the milliseconds it took), then unbinds
  everything the update bound.
- ``bind_handler`` (from ``HandlerMiddleware``, around the handler aiogram chose) binds
  ``handler`` and ``request_id`` when the button names a request.
"""

import logging
from typing import Any

import structlog
from aiogram.dispatcher.event.handler import HandlerObject
from aiogram.types import Message, TelegramObject, Update
from aiogram.types.update import UpdateTypeLookupError

from zavhoz.adapters.telegram.callbacks import CardCb

HANDLERS_PACKAGE = "zavhoz.adapters.telegram.handlers."

LOGGER = "zavhoz.telegram"
log = structlog.get_logger(LOGGER)
_levels = logging.getLogger(LOGGER)
"""Asked whether DEBUG is on before the "update received" line is assembled at all."""


def open_update(event: TelegramObject, data: dict[str, Any], kind: str) -> dict[str, Any]:
    """Binds the update's context; returns the context it replaces, for ``close_update``."""
    saved = structlog.contextvars.get_contextvars()
    structlog.contextvars.bind_contextvars(**_update_context(event, data, kind))
    if _levels.isEnabledFor(logging.DEBUG):
        log.debug("update received")
    return saved


def close_update(saved: dict[str, Any], outcome: str, seconds: float) -> None:
    """The update's one line (a warning when it failed), then the context it replaced."""
    took = round(seconds * 1000, 1)
    (log.warning if outcome == "failed" else log.info)(f"update {outcome}", ms=took)
    structlog.contextvars.clear_contextvars()
    if saved:
        structlog.contextvars.bind_contextvars(**saved)


def bind_handler(data: dict[str, Any]) -> None:
    """Names the handler aiogram chose, and the request its button is about."""
    context: dict[str, Any] = {}
    chosen = data.get("handler")
    if isinstance(chosen, HandlerObject):
        context["handler"] = handler_name(chosen.callback)
    button = data.get("callback_data")
    if isinstance(button, CardCb):
        context["request_id"] = button.id
    structlog.contextvars.bind_contextvars(**context)


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


def _update_context(event: TelegramObject, data: dict[str, Any], kind: str) -> dict[str, Any]:
    sender = data.get("event_from_user")
    context: dict[str, Any] = {"user_id": sender.id if sender is not None else None}
    if isinstance(event, Update):
        context["update_id"] = event.update_id
        context["update_kind"] = kind
        message = event.message or event.edited_message
        if isinstance(message, Message):
            if message.text:
                context["text"] = message.text
            if message.caption:
                context["caption"] = message.caption
    return context
