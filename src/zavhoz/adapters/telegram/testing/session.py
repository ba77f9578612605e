"""A Bot API session that records every call, answers like Telegram and enforces its rules."""

import itertools
import json
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

import attrs
from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramBadRequest, TelegramNetworkError
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetMe,
    SendDocument,
    SendMediaGroup,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.methods.base import TelegramType
from aiogram.types import (
    Chat,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
    ReplyKeyboardMarkup,
    User,
)

from zavhoz.adapters.telegram import rendered
from zavhoz.adapters.telegram.testing import rules

BOT = User(id=4242, is_bot=True, first_name="ZAVhoz", username="zavhoz_bot")


NOT_MODIFIED = (
    "Bad Request: message is not modified: specified new message content and reply markup are"
    " exactly the same as a current content and reply markup of the message"
)


class TelegramRuleBroken(AssertionError):
    """An outgoing call Telegram would have refused."""


FAULTS: dict[str, tuple[int, dict[str, Any]]] = {
    "429": (
        429,
        {
            "ok": False,
            "error_code": 429,
            "description": "Too Many Requests: retry after 7",
            "parameters": {"retry_after": 7},
        },
    ),
    "502": (502, {"ok": False, "error_code": 502, "description": "Bad Gateway"}),
}
"""Telegram's answers to a refused call, as aiogram turns them into exceptions."""
TIMEOUT = "timeout"
"""No answer in time: aiogram's ``TelegramNetworkError("Request timeout error")``."""


@attrs.define
class Refusal:
    """The next ``times`` calls of one of ``methods`` are refused with ``fault``."""

    methods: tuple[type[TelegramMethod[Any]], ...]
    fault: str
    times: int


@attrs.define
class Shown:
    """A message as the person sees it now (edits applied)."""

    chat_id: int
    message_id: int
    text: str
    markup: Any = None
    photos: int = 0
    document: str | None = None
    _inline: tuple[Any, dict[str, Any] | None] = attrs.field(
        default=(None, None), init=False, eq=False, repr=False
    )
    """The inline keyboard as data, and the markup it was made of (a press hands it over)."""

    def inline_markup(self) -> dict[str, Any] | None:
        """The inline keyboard as Telegram sends it along with a pressed button's message."""
        made_of, data = self._inline
        if made_of is not self.markup:
            keyboard = isinstance(self.markup, InlineKeyboardMarkup)
            data = self.markup.model_dump(exclude_none=True) if keyboard else None
            self._inline = (self.markup, data)
        return data

    def shows(self, text: str | None, markup: Any) -> bool:
        """An edit to ``text`` (``None``: the text stays) and ``markup`` would change nothing."""
        same_text = text is None or rendered.parse(text) == rendered.parse(self.text)
        return same_text and rendered.buttons_of(markup) == rendered.buttons_of(self.markup)

    @property
    def buttons(self) -> list[InlineKeyboardButton]:
        if not isinstance(self.markup, InlineKeyboardMarkup):
            return []
        return [button for row in self.markup.inline_keyboard for button in row]

    @property
    def menu(self) -> list[str]:
        if not isinstance(self.markup, ReplyKeyboardMarkup):
            return []
        return [button.text for row in self.markup.keyboard for button in row]


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.calls: list[TelegramMethod[Any]] = []
        self.violations: list[str] = []
        self.answered: set[str] = set()
        self.alerts: dict[str, str | None] = {}
        self.shown: list[Shown] = []
        self.shown_in: dict[int, list[Shown]] = {}
        """``shown`` by chat, and by chat and message below: finding one costs no scan."""
        self._by_id: dict[tuple[int, int | None], Shown] = {}
        self.refusals: list[Refusal] = []
        self.refused: list[TelegramMethod[Any]] = []
        """Calls refused on purpose (``refuse``): they reached nobody."""
        self._ids = itertools.count(1000)

    def refuse(
        self, *methods: type[TelegramMethod[Any]], fault: str = "429", times: int = 1
    ) -> None:
        """Refuse the next ``times`` calls of ``methods`` with a 429, a 502 or a timeout."""
        assert fault in FAULTS or fault == TIMEOUT, fault
        self.refusals.append(Refusal(methods=methods, fault=fault, times=times))

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self._refuse_if_told(bot, method)
        problems = self._check(method)
        self.calls.append(method)
        if problems:
            self.violations += [f"{type(method).__name__}: {p}" for p in problems]
            raise TelegramBadRequest(method=method, message="; ".join(problems))
        return self._result(method, bot)  # type: ignore[no-any-return]

    async def close(self) -> None:
        return None

    def _refuse_if_told(self, bot: Bot, method: TelegramMethod[Any]) -> None:
        """Raise what aiogram raises for Telegram's refusal, as ``refuse`` told."""
        if not self.refusals:
            return
        refusal = next((r for r in self.refusals if isinstance(method, r.methods)), None)
        if refusal is None:
            return
        refusal.times -= 1
        if refusal.times <= 0:
            self.refusals.remove(refusal)
        self.refused.append(method)
        if refusal.fault == TIMEOUT:
            raise TelegramNetworkError(method=method, message="Request timeout error")
        status, answer = FAULTS[refusal.fault]
        self.check_response(bot, method, status, json.dumps(answer))

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b"file"

    # --- rules ----------------------------------------------------------------------------

    def _check(self, method: TelegramMethod[Any]) -> list[str]:
        problems: list[str] = []
        text = getattr(method, "text", None)
        if isinstance(method, SendMessage | EditMessageText) and isinstance(text, str):
            problems += self._check_markup(text, rules.MAX_TEXT, "text")
        caption = getattr(method, "caption", None)
        if isinstance(caption, str):
            problems += self._check_markup(caption, rules.MAX_CAPTION, "caption")
        markup = getattr(method, "reply_markup", None)
        if isinstance(markup, InlineKeyboardMarkup):
            problems += _check_keyboard(markup)
        if isinstance(method, AnswerCallbackQuery):
            problems += self._check_answer(method)
        if isinstance(method, EditMessageText | EditMessageReplyMarkup) and self._unchanged(method):
            problems.append(NOT_MODIFIED)
        return problems

    def _unchanged(self, method: EditMessageText | EditMessageReplyMarkup) -> bool:
        """Telegram refuses an edit whose text and buttons equal what the message shows."""
        shown = self.find(method.chat_id, method.message_id)
        text = method.text if isinstance(method, EditMessageText) else None
        return shown is not None and shown.shows(text, method.reply_markup)

    def find(self, chat_id: Any, message_id: int | None) -> Shown | None:
        """The message ``message_id`` of ``chat_id`` as it is shown now."""
        if chat_id is None:
            return None
        return self._by_id.get((int(chat_id), message_id))

    def _check_markup(self, markup: str, limit: int, what: str) -> list[str]:
        problems, visible = rules.html_problems(markup)
        if not visible.strip():
            problems.append(f"{what} is empty")
        if len(visible) > limit:
            problems.append(f"{what} of {len(visible)} characters is over {limit}")
        return problems

    def _check_answer(self, method: AnswerCallbackQuery) -> list[str]:
        if method.callback_query_id in self.answered:
            return ["query is too old or was already answered"]
        self.answered.add(method.callback_query_id)
        self.alerts[method.callback_query_id] = method.text
        if method.text and len(method.text) > 200:
            return [f"alert text of {len(method.text)} characters is over 200"]
        return []

    # --- answers --------------------------------------------------------------------------

    def _result(self, method: TelegramMethod[Any], bot: Bot) -> Any:
        if isinstance(method, GetMe):
            return BOT
        if isinstance(method, SendMessage | SendPhoto | SendDocument):
            return self._show(method.chat_id, method)
        if isinstance(method, SendMediaGroup):
            return [self._show(method.chat_id, item) for item in method.media]
        if isinstance(method, EditMessageText | EditMessageReplyMarkup) and method.chat_id:
            return self._edit(method)
        return True

    def _show(self, chat_id: Any, method: Any) -> Message:
        message = self._message(chat_id, method)
        kind = type(method).__name__
        shown = Shown(
            chat_id=int(chat_id),
            message_id=message.message_id,
            text=getattr(method, "text", None) or getattr(method, "caption", None) or "",
            markup=getattr(method, "reply_markup", None),
            photos=1 if "Photo" in kind else 0,
            document=kind if "Document" in kind else None,
        )
        self.shown.append(shown)
        self.shown_in.setdefault(shown.chat_id, []).append(shown)
        self._by_id[shown.chat_id, shown.message_id] = shown
        return message

    def _edit(self, method: EditMessageText | EditMessageReplyMarkup) -> Message:
        assert method.chat_id is not None
        shown = self.find(method.chat_id, method.message_id)
        if shown is not None:
            if isinstance(method, EditMessageText):
                shown.text = method.text or shown.text
            shown.markup = method.reply_markup
        return self._message(method.chat_id, method, method.message_id)

    def _message(self, chat_id: Any, method: Any, message_id: int | None = None) -> Message:
        markup = getattr(method, "reply_markup", None)
        return Message(
            message_id=message_id or next(self._ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            from_user=BOT,
            text=getattr(method, "text", None),
            caption=getattr(method, "caption", None),
            reply_markup=markup if isinstance(markup, InlineKeyboardMarkup) else None,
        )


def _check_keyboard(markup: InlineKeyboardMarkup) -> list[str]:
    problems = []
    buttons = [button for row in markup.inline_keyboard for button in row]
    if len(buttons) > rules.MAX_BUTTONS:
        problems.append(f"{len(buttons)} buttons is over {rules.MAX_BUTTONS}")
    for row in markup.inline_keyboard:
        if len(row) > rules.MAX_ROW:
            problems.append(f"a row of {len(row)} buttons is over {rules.MAX_ROW}")
    for button in buttons:
        size = len((button.callback_data or "").encode())
        if size > rules.MAX_CALLBACK_DATA:
            problems.append(f"callback_data {button.callback_data!r} is {size} bytes")
    return problems
