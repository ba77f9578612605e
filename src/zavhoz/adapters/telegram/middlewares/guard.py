"""The outer frame of every update: its log context and line, its metrics, and the last line.

One middleware, so that aiogram wraps one layer, not three, around every update:

- the update's log context is bound for all it does, and it ends with one line (see
  ``log_context``) that says how it went and how long it took, the apology included;
- ``record`` (the observability adapter's metrics) counts it by kind and outcome and times it
  up to the handler's end: a failure counts as an ``error`` before it becomes an apology;
- any failure ends in a short apology and a logged error, never silence. aiogram's FSM
  middleware goes inside this one, so a person's lock or state that cannot be read (Redis down,
  a connection killed) is caught too; the person is then not known yet, and the apology speaks
  their Telegram's language.
"""

import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramAPIError
from aiogram.types import TelegramObject, Update, User

from zavhoz.adapters.telegram.i18n import Texts, Translator
from zavhoz.adapters.telegram.middlewares.log_context import close_update, open_update, update_kind

log = logging.getLogger("zavhoz.telegram")

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]

RecordUpdate = Callable[[str, str, float], None]
"""Called once per update with its kind (``message``, ``callback_query``, ...), its outcome
(``handled``, ``unhandled``: no handler took it, ``error``: it raised) and the seconds it took."""


class GuardMiddleware(BaseMiddleware):
    def __init__(
        self,
        translator: Translator,
        record: RecordUpdate | None = None,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        self._translator = translator
        self._record = record
        self._clock = clock

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        kind = update_kind(event)
        saved = open_update(event, data, kind)
        started = self._clock()
        outcome = "failed"
        try:
            try:
                result = await handler(event, data)
            except Exception:
                self._count(kind, "error", started)
                await self._apologise(event, data)
                result = None
            except BaseException:  # cancelled: counted, and nobody left to apologise to
                self._count(kind, "error", started)
                raise
            else:
                self._count(kind, "unhandled" if result is UNHANDLED else "handled", started)
            outcome = "not handled" if result is UNHANDLED else "handled"
            return result
        finally:
            close_update(saved, outcome, self._clock() - started)

    def _count(self, kind: str, outcome: str, started: float) -> None:
        if self._record is not None:
            self._record(kind, outcome, self._clock() - started)

    async def _apologise(self, event: TelegramObject, data: dict[str, Any]) -> None:
        update_id = event.update_id if isinstance(event, Update) else None
        log.exception("update %s failed", update_id)
        if not isinstance(event, Update):
            return
        bot: Bot = data["bot"]
        text = self._texts(data)("errors.apology")
        try:
            if event.callback_query is not None:
                await self._answer_callback(event, bot, text)
            elif event.message is not None:
                await bot.send_message(event.message.chat.id, text)
        except TelegramAPIError:
            log.exception("could not apologise for update %s", event.update_id)

    def _texts(self, data: dict[str, Any]) -> Texts:
        """The person's texts, or their Telegram's language when they were not read yet."""
        sender: User | None = data.get("event_from_user")
        language = sender.language_code if sender is not None else None
        texts: Texts | None = data.get("t")
        return texts or self._translator.for_language(language)

    async def _answer_callback(self, event: Update, bot: Bot, text: str) -> None:
        query = event.callback_query
        assert query is not None
        try:
            await bot.answer_callback_query(query.id, text=text, show_alert=True)
        except TelegramAPIError:
            await bot.send_message(query.from_user.id, text)
