"""The Telegram test world, observed: metered core, metrics middleware, logs captured.

The dispatcher is the real one (``build_dispatcher``) with the update metrics the composition
root gives it.
"""

import io
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import pytest
import structlog
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from structlog.testing import LogCapture
from structlog.types import EventDict, WrappedLogger

from tests.integration.telegram.conftest import ADMIN_ID
from tests.unit.builders import MONDAY_NOON_MSK
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.observability import Metrics, configure_logging, metered_uow_factory
from zavhoz.adapters.observability.logging import CHATTY, LIBRARIES
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import Services, build_services
from zavhoz.adapters.telegram.testing import Person, RecordingSession, World
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.ids import UserId

TOKEN = "123456789:AAEhBOweik6ad6PsVMRxjeQKkT2aTuYQ-x_"
"""The bot's token: configured as a secret, and shaped like a real one."""
STRANGER_TOKEN = "987654321:ZZZxxxYYYwwwVVVuuuTTTsssRRRqqqPPP"
"""Another bot's token: not configured anywhere, caught by its shape alone."""
DESCRIPTION = "Течёт кран в туалете на втором этаже"


class Broken:
    """A use case that fails the way a careless error message would: quoting everything."""

    async def __call__(self, *args: object, **kwargs: object) -> object:
        raise RuntimeError(f"POST https://api.telegram.org/bot{TOKEN}/sendMessage: {args!r}")


class Tap(LogCapture):
    """structlog's ``LogCapture`` as a tap: keeps a copy of each final event and lets it pass."""

    def __call__(  # type: ignore[override]
        self, logger: WrappedLogger, method_name: str, event_dict: EventDict
    ) -> EventDict:
        self.entries.append(dict(event_dict))
        return event_dict


class Logs:
    def __init__(self, stream: io.StringIO, tap: Tap) -> None:
        self.stream, self.tap = stream, tap

    @property
    def text(self) -> str:
        return self.stream.getvalue()

    @property
    def entries(self) -> list[dict[str, Any]]:
        return [dict(entry) for entry in self.tap.entries]

    def lines(self) -> list[dict[str, Any]]:
        """The JSON lines written (every one must parse)."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    def named(self, event: str) -> list[dict[str, Any]]:
        return [entry for entry in self.entries if entry.get("event") == event]


ConfigureLogs = Callable[..., Logs]


@pytest.fixture
def configure_logs() -> Iterator[ConfigureLogs]:
    """``configure_logs(level, fmt)``: the real pipeline into a string, tapped; undone after."""
    root = logging.getLogger()
    saved_level = root.level
    saved = {name: logging.getLogger(name).level for name in (*LIBRARIES, *CHATTY)}
    installed: list[logging.Handler] = []

    def configure(level: str = "INFO", fmt: str = "json", **options: Any) -> Logs:
        stream, tap = io.StringIO(), Tap()
        installed.append(
            configure_logging(level, fmt, secrets=[TOKEN], stream=stream, taps=[tap], **options)
        )
        return Logs(stream, tap)

    yield configure
    for handler in installed:
        root.removeHandler(handler)
    root.setLevel(saved_level)
    for name, level in saved.items():
        logging.getLogger(name).setLevel(level)
    logging.captureWarnings(False)
    structlog.reset_defaults()


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_NOON_MSK)


@pytest.fixture
def db() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
def workflow() -> WorkflowSettings:
    return WorkflowSettings(admin_ids=frozenset({UserId(ADMIN_ID)}))


@pytest.fixture
def metrics() -> Metrics:
    return Metrics(version="test", environment="test")


@pytest.fixture
def metered(db: MemoryDatabase, metrics: Metrics) -> UnitOfWorkFactory:
    return metered_uow_factory(memory_uow_factory(db), metrics)


@pytest.fixture
def services(metered: UnitOfWorkFactory, clock: FakeClock, workflow: WorkflowSettings) -> Services:
    return build_services(metered, clock, workflow)


@pytest.fixture
async def world(services: Services, metrics: Metrics) -> AsyncIterator[World]:
    session = RecordingSession()
    bot = Bot(TOKEN, session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dispatcher = build_dispatcher(
        services,
        throttling=Throttle(rate=1000, burst=1000),
        update_metrics=metrics.record_update,
    )
    world = World(dispatcher, bot, session)
    yield world
    world.check_rules()


async def joined(world: World, user_id: int, name: str = "Анна") -> Person:
    person = world.person(user_id, name)
    await person.send("/start")
    return person


async def draft_to_confirm(person: Person, description: str = DESCRIPTION) -> None:
    """Through the new-request wizard up to its last step, typing ``description``."""
    await person.send("📝 Новая заявка")
    await person.send("Каб. 305")
    await person.press("Сантехника")
    await person.send(description)
    await person.press("Обычный")
    await person.press("Пропустить")
    assert "Проверьте заявку" in person.last.text
