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
