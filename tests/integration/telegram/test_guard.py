"""An unexpected failure ends in a short apology and a logged error, never silence."""

import asyncio
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
import structlog
from aiogram.types import Chat, Message, TelegramObject, Update, User
from structlog.testing import capture_logs

from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.middlewares.guard import GuardMiddleware
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import World


class Broken:
    async def __call__(self, *args: object, **kwargs: object) -> object:
        raise RuntimeError("database is down")


async def test_a_failing_screen_apologises_and_logs_the_error(
    world: World, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    anna = world.person(101)
    await anna.send("/start")
    object.__setattr__(services, "my_requests", Broken())  # the frozen bundle, broken on purpose
    with caplog.at_level(logging.ERROR, logger="zavhoz"):
        await anna.send("📋 Мои заявки")
    assert anna.last.text == "Не получилось, попробуйте ещё раз."
    assert "RuntimeError: database is down" in caplog.text
    assert "Traceback" not in anna.last.text


async def test_a_cancelled_update_is_counted_logged_as_failed_and_stays_cancelled() -> None:
    recorded: list[tuple[str, str]] = []
    guard = GuardMiddleware(Translator(), lambda kind, outcome, _: recorded.append((kind, outcome)))
    anna = User(id=101, is_bot=False, first_name="Анна")
    chat = Chat(id=101, type="private")
    update = Update(
        update_id=7,
        message=Message(message_id=1, date=datetime.now(UTC), chat=chat, from_user=anna, text="?"),
    )

    async def cancelled(event: TelegramObject, data: dict[str, Any]) -> None:
        raise asyncio.CancelledError

    with capture_logs() as lines, pytest.raises(asyncio.CancelledError):
        await guard(cancelled, update, {"event_from_user": anna})
    assert recorded == [("message", "error")]
    [line] = [line for line in lines if line["event"].startswith("update")]
    assert (line["event"], line["log_level"]) == ("update failed", "warning")
    assert structlog.contextvars.get_contextvars() == {}


async def test_a_press_handled_again_after_a_restart_is_no_failure(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    """The first run answered it: Telegram refuses the second answer, the work stands."""
    anna = world.person(101)
    await anna.send("/start")
    await anna.send("📝 Новая заявка")
    await anna.send("Каб. 305")
    category = next(b for b in anna.last.buttons if "Сантехника" in b.text)
    press = {
        "id": "fetched-before-the-crash",
        "from": {"id": 101, "is_bot": False, "first_name": "Анна"},
        "chat_instance": "ci",
        "message": {
            "message_id": anna.last.message_id,
            "date": 0,
            "chat": {"id": 101, "type": "private"},
            "text": "Где?",
        },
        "data": category.callback_data,
    }
    await world.feed(callback_query=press)
    assert "Опишите проблему" in anna.last.text
    with caplog.at_level(logging.INFO, logger="zavhoz"):
        await world.feed(callback_query=press)
    assert world.session.violations == [
        "AnswerCallbackQuery: query is too old or was already answered"
    ], "the second answer is refused, as Telegram would"
    world.session.violations.clear()
    assert "Не получилось" not in " ".join(anna.texts)
    assert "button answer refused" in caplog.text
    assert "failed" not in caplog.text
