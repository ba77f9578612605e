"""Log lines written while an update is handled carry its update and user ids."""

import logging

import pytest

from zavhoz.adapters.telegram.middlewares.log_context import UpdateContextFilter
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import World


class Broken:
    async def __call__(self, *args: object, **kwargs: object) -> object:
        raise RuntimeError("database is down")


async def test_a_failure_is_logged_with_the_update_and_the_person(
    world: World, services: Services, caplog: pytest.LogCaptureFixture
) -> None:
    anna = world.person(101)
    await anna.send("/start")
    object.__setattr__(services, "my_requests", Broken())  # the frozen bundle, broken on purpose
    caplog.handler.addFilter(UpdateContextFilter())
    with caplog.at_level(logging.ERROR, logger="zavhoz"):
        await anna.send("📋 Мои заявки")
    [record] = [r for r in caplog.records if r.name == "zavhoz.telegram"]
    assert record.user_id == 101  # type: ignore[attr-defined]
    assert record.update_id == 2  # type: ignore[attr-defined]
    assert anna.last.text == "Не получилось, попробуйте ещё раз."


def test_outside_an_update_the_ids_are_empty() -> None:
    record = logging.LogRecord("zavhoz", logging.INFO, __file__, 1, "idle", None, None)
    assert UpdateContextFilter().filter(record)
    assert record.update_id is None  # type: ignore[attr-defined]
