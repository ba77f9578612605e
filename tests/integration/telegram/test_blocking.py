"""Blocking and unblocking a person: told once, at that moment; the menu goes, and comes back.

The admin blocks through the real dispatcher («👥 Пользователи» → the person → «⛔ Заблокировать»);
the outbox is sent by ``TelegramNotifier`` through the recording session; the blocked person then
writes and presses through the same dispatcher.
"""

from datetime import UTC, datetime
from typing import Any

from aiogram.types import Message, ReplyKeyboardMarkup, ReplyKeyboardRemove, TelegramObject, Update

from tests.integration.telegram.test_notices import deliver, notifier_for
from tests.integration.telegram.test_users import USERS, admin_of, newcomer
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.middlewares.user import UserMiddleware
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import UserState

BLOCKED = "🚫 Администратор закрыл вам доступ к боту. Если это ошибка, обратитесь к администратору."
REFUSAL = "Доступ к боту закрыт. Обратитесь к администратору."
STAFF_MENU = ["📝 Новая заявка", "📋 Мои заявки", "ℹ️ Помощь"]


def menu_now(person: Person) -> list[str]:
    """The keyboard under the input field now: the newest one sent, none once removed."""
    for shown in reversed(person.screens):
        if isinstance(shown.markup, ReplyKeyboardRemove):
            return []
        if isinstance(shown.markup, ReplyKeyboardMarkup):
            return shown.menu
    return []


async def block(boss: Person) -> str | None:
    """Завхоз blocks Анна from her card in «👥 Пользователи»."""
    await boss.send(USERS)
    await boss.press("Анна")
    return await boss.press("Заблокировать")


async def test_a_blocked_person_is_told_once_and_loses_the_menu(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    boss = await admin_of(world)
    anna = await newcomer(world, 101, "Анна")
    assert menu_now(anna) == STAFF_MENU
    mark = len(db.outbox)

    assert await block(boss) == "Доступ закрыт."
    pushes = await deliver(world, db, notifier_for(world, clock), mark)

    assert set(pushes) == {101}
    assert pushes[101].text == BLOCKED
    assert isinstance(pushes[101].shown[-1].markup, ReplyKeyboardRemove)
    assert menu_now(anna) == []

    seen = len(anna.screens)
    await anna.send("📋 Мои заявки")
    await anna.send("/start")
    await anna.send("Почему?")
    assert anna.texts[seen:] == [REFUSAL], "one short answer, not one per message"
    assert isinstance(anna.last.markup, ReplyKeyboardRemove)
    assert await anna.press_data("w:draft:drop") == REFUSAL, "a press is always answered"
    assert len(anna.screens) == seen + 1
    assert db.users[UserId(101)].state is UserState.BLOCKED


async def test_an_unblocked_person_is_told_and_gets_the_menu_back(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    boss = await admin_of(world)
    anna = await newcomer(world, 101, "Анна")
    await block(boss)
    await anna.send("📋 Мои заявки")
    mark = len(db.outbox)

    assert await boss.press("Разблокировать") == "Доступ снова открыт."
    pushes = await deliver(world, db, notifier_for(world, clock), mark)

    assert set(pushes) == {101}
    assert pushes[101].text == "✅ Доступ к боту снова открыт. Выберите действие в меню."
    assert menu_now(anna) == STAFF_MENU
    await anna.send("/start")
    assert anna.last.text.startswith("Здравствуйте, Анна!")
    assert menu_now(anna) == STAFF_MENU


async def test_blocked_again_later_is_refused_again_at_once(
    world: World, db: MemoryDatabase
) -> None:
    boss = await admin_of(world)
    anna = await newcomer(world, 101, "Анна")
    await block(boss)
    await anna.send("Привет")
    await boss.press("Разблокировать")
    await anna.send("/start")
    await boss.press("Заблокировать")

    seen = len(anna.screens)
    await anna.send("Привет")

    assert anna.texts[seen:] == [REFUSAL]


async def test_a_blocked_person_hears_in_their_language(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    boss = await admin_of(world)
    await world.person(101, "Анна", language="en").send("/start")
    mark = len(db.outbox)

    await block(boss)
    pushes = await deliver(world, db, notifier_for(world, clock), mark)

    assert pushes[101].text.startswith("🚫 An administrator has closed your access to the bot.")


async def test_the_refusal_comes_again_after_a_quiet_hour(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    """The middleware alone, with a clock of its own: a refusal an hour at most."""
    now = [0.0]
    middleware = UserMiddleware(services, Translator(), clock=lambda: now[0])
    anna = await newcomer(world, 101, "Анна")
    db.users[UserId(101)].state = UserState.BLOCKED
    seen = len(anna.screens)

    async def handler(event: TelegramObject, data: dict[str, Any]) -> None:
        raise AssertionError("a blocked person reaches no handler")

    for now[0] in (0.0, 10.0, 3599.0, 3600.0, 3601.0):
        update = Update(
            update_id=world.next_message_id(),
            message=Message(
                message_id=world.next_message_id(),
                date=datetime.now(UTC),
                chat=anna.chat,
                from_user=anna.user,
                text="Привет",
            ),
        )
        await middleware(handler, update, {"event_from_user": anna.user, "bot": world.bot})

    assert anna.texts[seen:] == [REFUSAL, REFUSAL], "at 0 s and at 3600 s"
