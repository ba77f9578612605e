"""An unexpected failure ends in a short apology and a logged error, never silence."""

import logging

import pytest

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
