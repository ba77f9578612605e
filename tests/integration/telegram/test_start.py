"""First contact: /start, the menu by role, help, cancel, blocked and unapproved people."""

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.types import ReplyKeyboardRemove

from tests.integration.telegram.conftest import ADMIN_ID
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.application.settings import RegistrationMode
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role, UserState


async def test_start_registers_greets_and_shows_the_staff_menu(
    world: World, db: MemoryDatabase
) -> None:
    anna = world.person(101, "Анна")
    await anna.send("/start")
    assert "Здравствуйте, Анна!" in anna.last.text
    assert anna.menu() == ["📝 Новая заявка", "📋 Мои заявки", "ℹ️ Помощь"]
    assert db.users[UserId(101)].role is Role.STAFF


async def test_an_admin_sees_the_whole_menu_in_english(world: World) -> None:
    boss = world.person(ADMIN_ID, "Boss", language="en")
    await boss.send("/start")
    assert boss.last.text.startswith("Hello, Boss!")
    assert "👥 Users" in boss.menu()
    assert "🛠 Queue" in boss.menu()


async def test_names_are_shown_literally(world: World) -> None:
    mallory = world.person(102, "<b>x</b> & <script>\"'")
    await mallory.send("/start")
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in mallory.last.text


async def test_help_depends_on_the_role(world: World, db: MemoryDatabase) -> None:
    anna = world.person(101)
    await anna.send("/start")
    await anna.send("ℹ️ Помощь")
    assert "Для исполнителей" not in anna.last.text
    db.users[UserId(101)].role = Role.EXECUTOR
    await anna.send("/help")
    assert "Для исполнителей" in anna.last.text


async def test_a_blocked_person_gets_a_short_refusal_and_nothing_else(
    world: World, db: MemoryDatabase
) -> None:
    anna = world.person(101)
    await anna.send("/start")
    db.users[UserId(101)].state = UserState.BLOCKED
    await anna.send("📋 Мои заявки")
    assert anna.last.text == "Доступ к боту закрыт. Обратитесь к администратору."
    assert isinstance(anna.last.markup, ReplyKeyboardRemove), "the menu goes"
    alert = await anna.press_data("r:1:take:0:")
    assert alert == "Доступ к боту закрыт. Обратитесь к администратору."


@pytest.mark.parametrize("registration", [RegistrationMode.APPROVAL])
async def test_in_approval_mode_a_newcomer_waits(world: World, db: MemoryDatabase) -> None:
    anna = world.person(101)
    await anna.send("/start")
    assert "ждёт подтверждения" in anna.last.text
    assert db.users[UserId(101)].state is UserState.PENDING


async def test_unknown_text_and_content_get_a_hint(world: World) -> None:
    anna = world.person(101)
    await anna.send("привет")
    assert anna.last.text == "Не понял. Выберите действие в меню."
    await anna.send_sticker()
    assert "не понимаю" in anna.last.text


async def test_an_unknown_button_is_answered(world: World) -> None:
    anna = world.person(101)
    assert await anna.press_data("zz:garbage") == "Кнопка устарела."


async def test_cancel_leaves_and_shows_the_menu(world: World) -> None:
    anna = world.person(101)
    await anna.send("/cancel")
    assert anna.last.text == "Отменено."
    assert anna.menu()


async def test_a_person_blocked_meanwhile_is_turned_away_at_their_next_update(
    services: Services, db: MemoryDatabase
) -> None:
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    world = World(build_dispatcher(services), bot, session)
    anna = world.person(101)
    await anna.send("/start")
    calls = len(session.calls)
    db.users[UserId(101)].state = UserState.BLOCKED
    await anna.send("📋 Мои заявки")
    assert anna.last.text == "Доступ к боту закрыт. Обратитесь к администратору."
    assert len(session.calls) == calls + 1, "the refusal alone, no screen of the menu"
