"""Sending faster than the throttle allows: told so, once per window; nothing refused in silence."""

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties

from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import RecordingSession, World

SLOW_DOWN = (
    "⏳ Слишком быстро: сообщения последних секунд не приняты. "
    "Подождите немного и отправьте их ещё раз."
)


class Ticks:
    """The throttle's monotonic clock, moved by the test."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
async def slow_world(services: Services, ticks: Ticks) -> AsyncIterator[World]:
    """Two updates at once, then one every two seconds (a window of four seconds)."""
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    throttling = Throttle(rate=0.5, burst=2, clock=ticks)
    world = World(build_dispatcher(services, throttling=throttling), bot, session)
    yield world
    world.check_rules()


async def test_a_message_typed_too_fast_is_answered_once_and_can_be_sent_again(
    slow_world: World, ticks: Ticks, db: MemoryDatabase
) -> None:
    anna = slow_world.person(101)
    await anna.send("/start")
    await anna.send("📝 Новая заявка")
    assert "Где проблема?" in anna.last.text
    await anna.send("Каб. 305")
    assert anna.last.text == SLOW_DOWN
    told = len(anna.screens)
    await anna.send("Каб. 306")
    assert len(anna.screens) == told, "one answer per window, not one per message"
    ticks.now += 4
    await anna.send("Каб. 305")
    assert "Что случилось?" in anna.last.text
    assert not db.requests


async def test_the_answer_comes_again_in_the_next_window(slow_world: World, ticks: Ticks) -> None:
    anna = slow_world.person(101, language="en")
    await anna.send("/start")
    await anna.send("/help")
    await anna.send("one")
    ticks.now += 1
    await anna.send("two")
    ticks.now += 3
    await anna.send("three")  # two tokens earned back: handled
    await anna.send("four")
    await anna.send("five")
    slow = [text for text in anna.texts if text.startswith("⏳ Too fast")]
    assert len(slow) == 2


async def test_a_button_pressed_too_fast_gets_an_answer(slow_world: World, ticks: Ticks) -> None:
    anna = slow_world.person(101)
    await anna.send("/start")
    await anna.send("📝 Новая заявка")
    shown = len(anna.screens)
    alert = await anna.press("Отмена")
    assert alert == "Слишком часто. Подождите секунду."
    assert len(anna.screens) == shown
