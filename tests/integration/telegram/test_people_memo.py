"""On SQLite, the person comes from the memo, and a change made through the bot is seen at once."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties

from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.cache import Memo
from zavhoz.adapters.persistence.sqlalchemy import create_engine, migrations, sql_uow_factory
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.services import Services, build_services
from zavhoz.adapters.telegram.testing import Person, RecordingSession, World
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases._user_change import UserCommand
from zavhoz.domain.ids import UserId

BOSS, ANNA = 1, 101


@pytest.fixture
async def services(tmp_path: Path) -> AsyncIterator[Services]:
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'memo.db'}")
    await migrations.upgrade_engine(engine)
    factory = sql_uow_factory(engine, Memo(ttl=3600))
    yield build_services(factory, FakeClock(), WorkflowSettings(admin_ids=frozenset({BOSS})))
    await engine.dispose()


@pytest.fixture
def world(services: Services) -> World:
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    return World(build_dispatcher(services), bot, session)


@pytest.fixture
async def anna(world: World) -> Person:
    await world.person(BOSS, "Завхоз").send("/start")
    anna = world.person(ANNA, "Анна")
    await anna.send("/start")
    return anna


async def test_a_block_through_the_bot_turns_the_person_away_at_once(
    anna: Person, services: Services
) -> None:
    await services.block_user(UserCommand(actor_id=UserId(BOSS), user_id=UserId(ANNA)))
    await anna.send("📋 Мои заявки")
    assert anna.last.text == "Доступ к боту закрыт. Обратитесь к администратору."


async def test_a_promotion_shows_the_new_menu_at_the_next_update(
    anna: Person, services: Services
) -> None:
    assert "👷 Мои задачи" not in anna.menu()
    await services.promote_user(UserCommand(actor_id=UserId(BOSS), user_id=UserId(ANNA)))
    await anna.send("/start")
    assert "👷 Мои задачи" in anna.menu()
