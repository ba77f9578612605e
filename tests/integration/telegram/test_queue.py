"""«🛠 Очередь», «👷 Мои задачи» and search: urgency order, filters, numbers and words."""

import itertools

import pytest

from tests.integration.telegram._requests import (
    EXECUTOR_ID,
    NASTY,
    OTHER_EXECUTOR_ID,
    STAFF_ID,
    joined,
    numbers_in,
    report,
    take,
    visible,
)
from tests.integration.telegram.conftest import ADMIN_ID
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.callbacks import ListCb
from zavhoz.adapters.telegram.keyboards.lists.queue_view import QueueView
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.application.use_cases.cancel_request import CancelRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequestCommand
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role

STAFF_REFUSAL = "Это могут только исполнители и администраторы."


async def test_overdue_requests_come_first_then_by_deadline(
    world: World, db: MemoryDatabase, services: Services, clock: FakeClock
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    # Monday 12:00: a normal one (answer by Tue 10:00) and a low one (by Wed 16:00).
    await report(services, anna, "Не работает кондиционер", priority=Priority.MEDIUM)
    await report(services, anna, "Отклеились обои в коридоре", priority=Priority.LOW)
    clock.advance(hours=24)
    # Tuesday 12:00: the first is 2 h late; an urgent one (by 16:00), a normal one (Wed 10:00).
    await report(services, anna, "Искрит розетка у доски", priority=Priority.HIGH)
    await report(services, anna, "Шатается парта", priority=Priority.MEDIUM)

    await ivan.send("🛠 Очередь")
    text = visible(ivan.last.text)
    assert numbers_in(ivan.last.text) == [1, 3, 4, 2]
    entries = text.split("\n\n")[1:]
    assert entries[0].endswith("⏰ до 13.01, 10:00 (просрочено на 2 ч)")
    assert entries[1].endswith("⏰ до 13.01, 16:00 (осталось 4 ч)")
    assert "4 заявки" in text


async def _busy_queue(
    world: World, db: MemoryDatabase, services: Services, clock: FakeClock
) -> Person:
    """Six requests in every state; returns Иван, who has two of them."""
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    petr = await joined(world, db, OTHER_EXECUTOR_ID, "Пётр", Role.EXECUTOR)
    kinds = [
        (Priority.HIGH, Category.ELECTRICAL),  # 1: open, late
        (Priority.MEDIUM, Category.PLUMBING),  # 2: Иван works on it
        (Priority.LOW, Category.FURNITURE),  # 3: Иван put it on hold
        (Priority.MEDIUM, Category.ELECTRICAL),  # 4: Пётр works on it
        (Priority.LOW, Category.CLEANING),  # 5: cancelled
        (Priority.MEDIUM, Category.OTHER),  # 6: open, late
    ]
    requests = [
        await report(services, anna, f"Заявка про проблему {n}", priority=p, category=c)
        for n, (p, c) in enumerate(kinds, start=1)
    ]
    await take(services, ivan, requests[1])
    await take(services, ivan, requests[2])
    await services.hold(
        HoldRequestCommand(actor_id=UserId(ivan.id), request_id=RequestId(3), reason="Ждём мебель")
    )
    await take(services, petr, requests[3])
    await services.cancel(CancelRequestCommand(actor_id=UserId(anna.id), request_id=RequestId(5)))
    clock.advance(hours=24)
    assert db.requests[RequestId(3)].status is Status.ON_HOLD
    return ivan


@pytest.mark.parametrize(
    ("presses", "expected", "summary"),
    [
        ([], [1, 6, 2, 4, 3], None),
        (["Статус:", "🆕 Новая"], [1, 6], "Фильтр: 🆕 Новая"),
        (["Статус:", "🔧 В работе"], [2, 4], "Фильтр: 🔧 В работе"),
        (["Статус:", "⏸ Ожидание"], [3], "Фильтр: ⏸ Ожидание"),
        (["Срочность:", "🔴 Срочный"], [1], "Фильтр: 🔴 Срочный"),
        (["Срочность:", "🟡 Обычный"], [6, 2, 4], "Фильтр: 🟡 Обычный"),
        (["Срочность:", "🟢 Низкий"], [3], "Фильтр: 🟢 Низкий"),
        (["Категория:", "⚡ Электрика"], [1, 4], "Фильтр: ⚡ Электрика"),
        (["⬜ Мои"], [2, 3], None),
        (["⬜ Просроченные"], [1, 6], "Фильтр: ⏰ просроченные"),
        (
            ["Статус:", "🔧 В работе", "Категория:", "⚡ Электрика"],
            [4],
            "Фильтр: 🔧 В работе · ⚡ Электрика",
        ),
        (["Статус:", "🆕 Новая", "Срочность:", "🟢 Низкий"], [], "Фильтр: 🆕 Новая · 🟢 Низкий"),
    ],
)
async def test_each_filter_narrows_the_queue(
    world: World,
    db: MemoryDatabase,
    services: Services,
    clock: FakeClock,
    presses: list[str],
    expected: list[int],
    summary: str | None,
) -> None:
    ivan = await _busy_queue(world, db, services, clock)
    await ivan.send("🛠 Очередь")
    the_list = ivan.last
    for label in presses:
        await ivan.press(label)
    assert ivan.last is the_list, "filters redraw the list in place"
    assert numbers_in(the_list.text) == expected
    if summary:
        assert summary in visible(the_list.text)
        assert "✖️ Сбросить фильтр" in ivan.buttons()
    if not expected:
        assert "Под фильтр ничего не подходит." in the_list.text


async def test_a_picker_ticks_the_current_choice_and_the_filter_can_be_cleared(
    world: World, db: MemoryDatabase, services: Services, clock: FakeClock
) -> None:
    ivan = await _busy_queue(world, db, services, clock)
    await ivan.send("🛠 Очередь")
    await ivan.press("Статус:")
    assert ivan.buttons() == [
        "✓ Все активные",
        "🆕 Новая",
        "🔧 В работе",
        "⏸ Ожидание",
        "◀️ Назад",
    ]
    await ivan.press("⏸ Ожидание")
    assert "Статус: ⏸ Ожидание" in ivan.buttons()
    await ivan.press("Статус:")
    assert "✓ ⏸ Ожидание" in ivan.buttons()
    await ivan.press("◀️ Назад")
    assert numbers_in(ivan.last.text) == [3]
    await ivan.press("✖️ Сбросить фильтр")
    assert numbers_in(ivan.last.text) == [1, 6, 2, 4, 3]
    assert "Фильтр:" not in ivan.last.text
    assert "✖️ Сбросить фильтр" not in ivan.buttons()


async def test_my_tasks_are_the_queue_of_what_i_work_on(
    world: World, db: MemoryDatabase, services: Services, clock: FakeClock
) -> None:
    ivan = await _busy_queue(world, db, services, clock)
    await ivan.send("👷 Мои задачи")
    assert "Мои задачи" in ivan.last.text
    assert numbers_in(ivan.last.text) == [2, 3]
    assert "☑️ Мои" in ivan.buttons()
    assert "⏸ срок на паузе" in ivan.last.text
    await ivan.press("☑️ Мои")
    assert "Очередь" in ivan.last.text
    assert numbers_in(ivan.last.text) == [1, 6, 2, 4, 3]


async def test_mine_inside_the_queue_keeps_the_queues_title(
    world: World, db: MemoryDatabase, services: Services, clock: FakeClock
) -> None:
    ivan = await _busy_queue(world, db, services, clock)
    await ivan.send("🛠 Очередь")
    await ivan.press("⬜ Мои")
    title = visible(ivan.last.text).split("\n")[0]
    assert title.startswith("🛠 Очередь")
    assert "Фильтр: 👷 мои" in visible(ivan.last.text)
    assert numbers_in(ivan.last.text) == [2, 3]
    await ivan.press("Статус:")
    await ivan.press("◀️ Назад")
    assert visible(ivan.last.text).startswith("🛠 Очередь")
    await ivan.press("✖️ Сбросить фильтр")
    assert numbers_in(ivan.last.text) == [1, 6, 2, 4, 3]
    assert "⬜ Мои" in ivan.buttons()


async def test_filters_inside_my_tasks_keep_its_title(
    world: World, db: MemoryDatabase, services: Services, clock: FakeClock
) -> None:
    ivan = await _busy_queue(world, db, services, clock)
    await ivan.send("👷 Мои задачи")
    await ivan.press("Срочность:")
    await ivan.press("🟢 Низкий")
    assert visible(ivan.last.text).startswith("👷 Мои задачи")
    assert numbers_in(ivan.last.text) == [3]
    await ivan.press("✖️ Сбросить фильтр")
    assert visible(ivan.last.text).startswith("👷 Мои задачи")
    assert numbers_in(ivan.last.text) == [2, 3]


async def test_my_tasks_when_there_are_none(world: World, db: MemoryDatabase) -> None:
    olga = await joined(world, db, EXECUTOR_ID, "Ольга", Role.EXECUTOR)
    await olga.send("👷 Мои задачи")
    assert "У вас нет заявок в работе." in olga.last.text
    await olga.press("☑️ Мои")
    assert "Очередь пуста" in olga.last.text


async def test_an_admin_sees_the_queue(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    boss = await joined(world, db, ADMIN_ID, "Директор")
    await report(services, anna)
    await boss.send("/queue")
    assert numbers_in(boss.last.text) == [1]


@pytest.mark.parametrize("command", ["🛠 Очередь", "/queue", "👷 Мои задачи"])
async def test_staff_are_refused_the_queue(
    world: World, db: MemoryDatabase, services: Services, command: str
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna)
    await anna.send(command)
    assert anna.last.text == STAFF_REFUSAL
    assert db.users[UserId(STAFF_ID)].role is Role.STAFF


async def test_staff_cannot_page_the_queue_with_an_old_button(
    world: World, db: MemoryDatabase
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    alert = await anna.press_data(ListCb(kind="queue", flt=QueueView().pack()).pack())
    assert alert == STAFF_REFUSAL


async def test_a_forged_filter_shows_the_whole_queue(
    world: World, db: MemoryDatabase, services: Services, clock: FakeClock
) -> None:
    ivan = await _busy_queue(world, db, services, clock)
    await ivan.send("🛠 Очередь")
    await ivan.press_data(ListCb(kind="queue", flt="zz#").pack(), ivan.last.message_id)
    assert numbers_in(ivan.last.text) == [1, 6, 2, 4, 3]


def test_every_filter_fits_in_callback_data_and_survives_the_trip() -> None:
    statuses = [None, Status.OPEN, Status.IN_PROGRESS, Status.ON_HOLD]
    priorities = [None, *Priority]
    categories = [None, *Category]
    screens = [(False, False), (True, False), (True, True)]
    """Not mine, the queue's «Мои» filter, «Мои задачи»."""
    for status, priority, category, (mine, tasks), overdue in itertools.product(
        statuses, priorities, categories, screens, [False, True]
    ):
        view = QueueView(status, priority, category, mine, overdue, tasks)
        data = ListCb(kind="queue", page=10**6, flt=view.pack()).pack()
        assert len(data.encode()) <= 64
        assert QueueView.unpack(ListCb.unpack(data).flt) == view


# --- search -------------------------------------------------------------------------------


async def _searching(world: World, db: MemoryDatabase) -> Person:
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    await ivan.send("🛠 Очередь")
    await ivan.press("🔍 Поиск")
    assert ivan.last.text.startswith("Напишите номер заявки")
    return ivan


@pytest.mark.parametrize("query", ["142", "#142", "№142", " № 142 "])
async def test_a_number_opens_that_card(
    world: World, db: MemoryDatabase, services: Services, query: str
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    db.last_request_id = 140
    await report(services, anna, "Не закрывается окно")
    await report(services, anna, "Не закрывается дверь")
    for request in db.requests.values():
        request.number = request.id  # a school that counted to 142 before organizations
    ivan = await _searching(world, db)
    await ivan.send(query)
    assert visible(ivan.last.text).startswith("Заявка №142 · 🆕 Новая")
    assert "Не закрывается дверь" in ivan.last.text
    assert "🙋 Взять" in ivan.buttons()
    await ivan.send("дверь")
    assert ivan.last.text == "Не понял. Выберите действие в меню.", "the search is over"


async def test_a_missing_number_says_so(world: World, db: MemoryDatabase) -> None:
    ivan = await _searching(world, db)
    await ivan.send("№999")
    assert ivan.last.text == "Заявки №999 нет."
    assert "🔍 Новый поиск" in ivan.buttons()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("дверь", [1]),
        ("ДВЕРЬ", [1]),
        ("Дверь СПОРТЗАЛ", [1]),
        ("каб.", [2, 3]),
        ("Замок 210", [3]),
        ("стул", [2]),
    ],
)
async def test_words_find_requests_in_any_case(
    world: World, db: MemoryDatabase, services: Services, query: str, expected: list[int]
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna, "Не закрывается ДВЕРЬ в зал", location="Спортзал")
    await report(services, anna, "Сломался стул у доски", location="Каб. 305")
    await report(services, anna, "Дверной замок заедает", location="Каб. 210")
    ivan = await _searching(world, db)
    await ivan.send(query)
    assert sorted(numbers_in(ivan.last.text)) == expected
    assert visible(ivan.last.text).startswith(f"🔍 Поиск «{query.strip()}»")


async def test_search_finds_finished_requests_too(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna, "Разбито стекло в двери")
    await services.cancel(CancelRequestCommand(actor_id=UserId(anna.id), request_id=RequestId(1)))
    ivan = await _searching(world, db)
    await ivan.send("стекло")
    assert numbers_in(ivan.last.text) == [1]
    assert "🚫 Отменена" in ivan.last.text


async def test_many_matches_come_in_pages(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    for n in range(7):
        await report(services, anna, f"Не работает розетка номер {n}", location=f"Каб. {n}")
    await report(services, anna, "Течёт кран")
    ivan = await _searching(world, db)
    await ivan.send("розетка")
    results = ivan.last
    assert len(numbers_in(results.text)) == 5
    assert "найдено 7 заявок" in results.text
    assert "◀️" not in ivan.buttons()
    await ivan.press("▶️")
    assert ivan.last is results
    assert len(numbers_in(results.text)) == 2
    assert "▶️" not in ivan.buttons()
    await ivan.press("◀️")
    assert len(numbers_in(results.text)) == 5


async def test_nothing_found_says_so_and_shows_the_query_literally(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna)
    ivan = await _searching(world, db)
    await ivan.send(NASTY)
    assert visible(ivan.last.text) == f"По запросу «{NASTY}» ничего не найдено."


async def test_a_found_title_shows_literally(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna, NASTY, location=NASTY)
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    await ivan.send("🛠 Очередь")
    assert f"№1 · 🟡 · 🆕 Новая · {NASTY} · {NASTY}" in visible(ivan.last.text)
    await ivan.press("🔍 Поиск")
    await ivan.send("script")
    assert f"№1 · 🟡 · 🆕 Новая · {NASTY} · {NASTY}" in visible(ivan.last.text)


async def test_a_too_long_query_is_refused_and_search_goes_on(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna, "Не закрывается дверь")
    ivan = await _searching(world, db)
    await ivan.send("дверь " * 20)
    assert "можно не больше 100 символов, сейчас 119" in ivan.last.text
    await ivan.send("дверь")
    assert numbers_in(ivan.last.text) == [1]


async def test_search_can_be_left_by_button_or_by_the_menu(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    ivan = await _searching(world, db)
    await ivan.press("❌ Отмена")
    assert ivan.last.text == "Поиск отменён."
    await ivan.send("дверь")
    assert ivan.last.text == "Не понял. Выберите действие в меню."

    await ivan.send("🛠 Очередь")
    await ivan.press("🔍 Поиск")
    await ivan.send("📋 Мои заявки")
    assert "У вас пока нет заявок" in ivan.last.text
    await ivan.send("дверь")
    assert ivan.last.text == "Не понял. Выберите действие в меню."


async def test_a_search_page_after_the_memory_was_cleared_asks_again(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    for n in range(6):
        await report(services, anna, f"Не работает розетка номер {n}")
    ivan = await _searching(world, db)
    await ivan.send("розетка")
    await ivan.send("/cancel")
    alert = await ivan.press("▶️")
    assert alert == "Поиск устарел: начните новый."
    assert "🔍 Новый поиск" in ivan.buttons()
