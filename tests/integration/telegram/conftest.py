"""A world of people talking to the real dispatcher over the in-memory core and a fake clock."""

from collections.abc import AsyncIterator

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties

from tests.unit.builders import MONDAY_NOON_MSK
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import Services, build_services
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.application.settings import RegistrationMode, WorkflowSettings
from zavhoz.domain.ids import UserId

ADMIN_ID = 9001


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_NOON_MSK)


@pytest.fixture
def db() -> MemoryDatabase:
    return MemoryDatabase()


@pytest.fixture
def registration() -> RegistrationMode:
    return RegistrationMode.OPEN


@pytest.fixture
def workflow(registration: RegistrationMode) -> WorkflowSettings:
    return WorkflowSettings(admin_ids=frozenset({UserId(ADMIN_ID)}), registration=registration)


@pytest.fixture
def services(db: MemoryDatabase, clock: FakeClock, workflow: WorkflowSettings) -> Services:
    return build_services(memory_uow_factory(db), clock, workflow)


@pytest.fixture
async def world(services: Services) -> AsyncIterator[World]:
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dispatcher = build_dispatcher(services, throttling=Throttle(rate=1000, burst=1000))
    world = World(dispatcher, bot, session)
    yield world
    world.check_rules()
