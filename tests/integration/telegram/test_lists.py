"""«📋 Мои заявки»: newest first, five a page, ◀️ ▶️ only when useful, active / all, cards."""

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import EditMessageText, TelegramMethod
from aiogram.methods.base import TelegramType

from tests.integration.telegram._requests import (
    EXECUTOR_ID,
    NASTY,
    STAFF_ID,
    joined,
    numbers_in,
    report,
    take,
    visible,
)
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.callbacks import ListCb
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.application.use_cases.cancel_request import CancelRequestCommand
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role


async def test_twelve_requests_come_in_pages_of_five_five_and_two(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    for n in range(1, 13):
        await report(services, anna, f"Протекает кран номер {n}")

    await anna.send("📋 Мои заявки")
    first = anna.last
    assert numbers_in(first.text) == [12, 11, 10, 9, 8]
    assert "12 заявок" in first.text
    assert "стр. 1 из 3" in first.text
    assert "▶️" in anna.buttons()
    assert "◀️" not in anna.buttons()

    await anna.press("▶️")
    assert anna.last is first, "paging redraws the same message"
    assert numbers_in(first.text) == [7, 6, 5, 4, 3]
    assert "стр. 2 из 3" in first.text
    assert {"◀️", "▶️"} <= set(anna.buttons())

    await anna.press("▶️")
    assert numbers_in(first.text) == [2, 1]
    assert "◀️" in anna.buttons()
    assert "▶️" not in anna.buttons()

    await anna.press("◀️")
    assert numbers_in(first.text) == [7, 6, 5, 4, 3]
    assert len(anna.screens) == len(anna.texts)
    assert len(db.requests) == 12


async def test_one_page_has_no_paging_buttons(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    for n in range(5):
        await report(services, anna, f"Не горит лампа номер {n}")
    await anna.send("/my")
    assert numbers_in(anna.last.text) == [5, 4, 3, 2, 1]
    assert "стр." not in anna.last.text
    assert not {"◀️", "▶️"} & set(anna.buttons())


async def test_each_line_has_the_shape_of_bot_ux(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    request = await report(
        services, anna, "Не закрывается дверь\nи скрипит", priority=Priority.HIGH
    )
    await take(services, ivan, request)
    await anna.send("📋 Мои заявки")
    assert "№1 · 🔴 · 🔧 В работе · Каб. 305 · Не закрывается дверь" in visible(anna.last.text)
    assert "№1 · Не закрывается дверь" in anna.buttons()


async def test_only_my_own_requests_are_listed(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    boris = await joined(world, db, 102, "Борис")
    await report(services, anna, "Сломался стул у окна")
    await report(services, boris, "Не работает проектор")
    await boris.send("📋 Мои заявки")
    assert numbers_in(boris.last.text) == [2]


async def test_the_filter_switches_between_active_and_all(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    for n in range(3):
        await report(services, anna, f"Мигает свет в классе {n}")
    await services.cancel(
        CancelRequestCommand(actor_id=UserId(STAFF_ID), request_id=RequestId(2), reason="сама")
    )
    assert db.requests[RequestId(2)].status is Status.CANCELLED

    await anna.send("📋 Мои заявки")
    assert numbers_in(anna.last.text) == [3, 2, 1]
    assert "🚫 Отменена" in anna.last.text

    await anna.press("Только активные")
    assert numbers_in(anna.last.text) == [3, 1]
    assert "Показаны только активные." in anna.last.text
    assert "📋 Все заявки" in anna.buttons()

    await anna.press("Все заявки")
    assert numbers_in(anna.last.text) == [3, 2, 1]


async def test_paging_keeps_the_active_filter(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    for n in range(8):
        await report(services, anna, f"Течёт батарея номер {n}")
    for number in (8, 7):
        await services.cancel(
            CancelRequestCommand(actor_id=UserId(STAFF_ID), request_id=RequestId(number))
        )
    await anna.send("📋 Мои заявки")
    await anna.press("Только активные")
    assert numbers_in(anna.last.text) == [6, 5, 4, 3, 2]
    await anna.press("▶️")
    assert numbers_in(anna.last.text) == [1]
    assert "Показаны только активные." in anna.last.text


@pytest.mark.parametrize(
    ("active_only", "expected"),
    [(False, "У вас пока нет заявок."), (True, "Активных заявок нет.")],
)
async def test_an_empty_list_says_so(
    world: World, db: MemoryDatabase, services: Services, active_only: bool, expected: str
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    if active_only:
        await services.create_request(
            CreateRequestCommand(
                author_id=UserId(STAFF_ID),
                location="Столовая",
                category=Category.CLEANING,
                description="Разлили компот у раздачи",
            )
        )
        await services.cancel(
            CancelRequestCommand(actor_id=UserId(STAFF_ID), request_id=RequestId(1))
        )
    await anna.send("📋 Мои заявки")
    if active_only:
        await anna.press("Только активные")
    else:
        assert anna.buttons() == [], "nothing to switch between"
    assert anna.last.text.startswith(expected)
    assert not {"◀️", "▶️"} & set(anna.buttons())


async def test_a_page_past_the_end_shows_the_last_page(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    for n in range(7):
        await report(services, anna, f"Скрипит дверь номер {n}")
    await anna.send("📋 Мои заявки")
    await anna.press_data(ListCb(kind="my", page=40).pack(), anna.last.message_id)
    assert numbers_in(anna.last.text) == [2, 1]
    assert "стр. 2 из 2" in anna.last.text


class RefusingEdits(RecordingSession):
    """Telegram refuses to edit any text, saying ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__()
        self.reason = reason

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        if isinstance(method, EditMessageText):
            self.calls.append(method)
            raise TelegramBadRequest(method=method, message=f"Bad Request: {self.reason}")
        return await super().make_request(bot, method, timeout)


@pytest.mark.parametrize(
    ("reason", "fresh_copies"),
    [
        pytest.param("message to edit not found", 1, id="gone: a fresh copy"),
        pytest.param("message is not modified", 0, id="unchanged: quiet"),
    ],
)
async def test_a_page_that_cannot_be_redrawn(
    db: MemoryDatabase, services: Services, reason: str, fresh_copies: int
) -> None:
    session = RefusingEdits(reason)
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    dispatcher = build_dispatcher(services, throttling=Throttle(rate=1000, burst=1000))
    world = World(dispatcher, bot, session)
    anna = await joined(world, db, STAFF_ID, "Анна")
    for n in range(6):
        await report(services, anna, f"Не горит лампа номер {n}")
    await anna.send("📋 Мои заявки")
    shown = len(anna.screens)

    assert await anna.press("▶️") is None

    assert len(anna.screens) == shown + fresh_copies
    assert numbers_in(anna.last.text) == ([1] if fresh_copies else [6, 5, 4, 3, 2])
    assert any(isinstance(call, EditMessageText) for call in session.calls)
    world.check_rules()


async def test_a_request_opens_as_a_new_card_and_the_list_stays(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    for n in range(3):
        await report(services, anna, f"Не работает розетка {n}")
    await anna.send("📋 Мои заявки")
    the_list = anna.last
    await anna.press("№2 ·")
    assert anna.last is not the_list
    assert visible(anna.last.text).startswith("Заявка №2 · 🆕 Новая")
    assert numbers_in(the_list.text) == [3, 2, 1]


async def test_titles_and_places_show_literally(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna, NASTY, location=NASTY)
    await anna.send("📋 Мои заявки")
    assert f"№1 · 🟡 · 🆕 Новая · {NASTY} · {NASTY}" in visible(anna.last.text)
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in anna.last.text
    assert f"№1 · {NASTY}" in anna.buttons()


async def test_english_speakers_get_english(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    john = await joined(world, db, STAFF_ID, "John", language="en")
    await report(services, john, "The door does not close")
    await john.send("📋 My requests")
    assert "My requests" in john.last.text
    assert "№1 · 🟡 · 🆕 New · Каб. 305 · The door does not close" in visible(john.last.text)
    assert "🔘 Active only" in john.buttons()
