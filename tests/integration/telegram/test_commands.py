"""setMyCommands: staff commands for everyone, /queue in executors' and admins' chats, ru and en."""

from typing import Any

import pytest
from aiogram import Bot
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import SetMyCommands, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import BotCommandScopeChat

from zavhoz.adapters.telegram.commands import set_commands
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.testing import RecordingSession

UNKNOWN_CHAT = 777


class ChatNotFound(RecordingSession):
    """Telegram does not know a chat the bot has never talked to."""

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        scope = getattr(method, "scope", None)
        if isinstance(scope, BotCommandScopeChat) and scope.chat_id == UNKNOWN_CHAT:
            self.calls.append(method)
            raise TelegramBadRequest(method=method, message="Bad Request: chat not found")
        return await super().make_request(bot, method, timeout)


def command_lists(session: RecordingSession) -> dict[tuple[str, Any, str | None], list[str]]:
    return {
        (call.scope.type, getattr(call.scope, "chat_id", None), call.language_code): [
            f"/{c.command} {c.description}" for c in call.commands
        ]
        for call in session.calls
        if isinstance(call, SetMyCommands) and call.scope is not None
    }


async def test_commands_per_language_and_role() -> None:
    session = RecordingSession()
    bot = Bot("42:TEST", session=session)
    await set_commands(bot, Translator(), [9001, 55])

    lists = command_lists(session)
    assert lists[("default", None, None)] == [
        "/start Главное меню",
        "/new Новая заявка",
        "/my Мои заявки",
        "/help Помощь",
        "/cancel Выйти из текущего шага",
    ]
    assert lists[("default", None, "en")] == [
        "/start Main menu",
        "/new New request",
        "/my My requests",
        "/help Help",
        "/cancel Leave the current step",
    ]
    for chat in (9001, 55):
        assert "/queue Очередь заявок" in lists[("chat", chat, None)]
        assert "/queue Request queue" in lists[("chat", chat, "en")]
    assert len(lists) == 6


async def test_an_english_default_locale_swaps_the_defaults() -> None:
    session = RecordingSession()
    await set_commands(Bot("42:TEST", session=session), Translator(default="en"), [])
    lists = command_lists(session)
    assert lists[("default", None, None)][0] == "/start Main menu"
    assert lists[("default", None, "ru")][0] == "/start Главное меню"


async def test_a_chat_telegram_does_not_know_does_not_stop_the_rest(
    caplog: pytest.LogCaptureFixture,
) -> None:
    session = ChatNotFound()
    await set_commands(Bot("42:TEST", session=session), Translator(), [UNKNOWN_CHAT, 55])
    lists = command_lists(session)
    assert ("chat", 55, None) in lists
    assert ("chat", 55, "en") in lists
    assert f"could not set the commands of chat {UNKNOWN_CHAT}" in caplog.text
