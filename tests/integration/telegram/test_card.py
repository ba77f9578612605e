"""The request card: what each person sees and may press, history in pages, files on request."""

import pytest
from aiogram.methods import SendDocument, SendMediaGroup, SendPhoto

from tests.integration.telegram._requests import (
    EXECUTOR_ID,
    NASTY,
    STAFF_ID,
    document,
    joined,
    photo,
    report,
    take,
    visible,
)
from tests.integration.telegram.conftest import ADMIN_ID
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.application.use_cases.add_comment import AddCommentCommand
from zavhoz.application.use_cases.change_priority import ChangePriorityCommand
from zavhoz.application.use_cases.complete_request import CompleteRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequestCommand
from zavhoz.application.use_cases.reopen_request import ReopenRequestCommand
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.catalog import Priority, Status
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role

ONE = RequestId(1)


async def open_card(person: Person, number: int = 1) -> None:
    await person.press_data(CardCb(id=number).pack())


async def comment(
    services: Services,
    person: Person,
    text: str,
    *,
    internal: bool = False,
    attachments: tuple[Attachment, ...] = (),
) -> None:
    await services.add_comment(
        AddCommentCommand(
            actor_id=UserId(person.id),
            request_id=ONE,
            text=text,
            internal=internal,
            attachments=attachments,
        )
    )


@pytest.mark.parametrize(
    ("who", "present", "absent"),
    [
        (
            "author",
            {"🚫 Отменить", "💬 Комментарий", "📜 История", "🔄 Обновить"},
            {"🙋 Взять", "🔒 Заметка", "👷 Назначить", "❌ Отклонить", "🔔 Следить"},
        ),
        (
            "executor",
            {"🙋 Взять", "💬 Комментарий", "🔒 Заметка", "🔔 Следить", "📜 История"},
            {"🚫 Отменить", "👷 Назначить", "❌ Отклонить", "🚦 Срочность", "✅ Выполнено"},
        ),
        (
            "admin",
            {"🙋 Взять", "👷 Назначить", "❌ Отклонить", "🚦 Срочность", "🚫 Отменить"},
            {"✅ Всё исправлено", "✅ Выполнено", "▶️ Продолжить"},
        ),
    ],
)
async def test_the_buttons_are_what_the_viewer_may_do(
    world: World,
    db: MemoryDatabase,
    services: Services,
    who: str,
    present: set[str],
    absent: set[str],
) -> None:
    people = {
        "author": await joined(world, db, STAFF_ID, "Анна"),
        "executor": await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR),
        "admin": await joined(world, db, ADMIN_ID, "Директор"),
    }
    await report(services, people["author"], "Не закрывается дверь в кабинет")
    viewer = people[who]
    await open_card(viewer)
    text = visible(viewer.last.text)
    assert text.startswith(
        "Заявка №1 · 🆕 Новая\n🟡 Обычный · 🔐 Двери, замки, охрана\n📍 Каб. 305"
    )
    assert "👤 Заявитель: Анна" in text
    assert "Не закрывается дверь в кабинет" in text
    assert present <= set(viewer.buttons())
    assert not absent & set(viewer.buttons())


async def test_the_assignee_may_finish_or_hold_but_not_take_again(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    await take(services, ivan, await report(services, anna))
    await open_card(ivan)
    assert "🛠 Исполнитель: Иван" in ivan.last.text
    assert {"✅ Выполнено", "⏸ Отложить"} <= set(ivan.buttons())
    assert "🙋 Взять" not in ivan.buttons()


async def test_a_finished_request_asks_its_author_to_confirm_and_rate(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    await take(services, ivan, await report(services, anna))
    await services.complete(
        CompleteRequestCommand(actor_id=UserId(ivan.id), request_id=ONE, report="Смазал петли")
    )
    await open_card(anna)
    assert "✅ Выполнена" in anna.last.text
    assert "📝 Отчёт: Смазал петли" in anna.last.text
    assert {"✅ Всё исправлено", "↩️ Не исправлено", "★", "★★★★★"} <= set(anna.buttons())


async def test_a_reopened_card_says_it_was_reopened_and_why(
    world: World, db: MemoryDatabase, services: Services, clock: FakeClock
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    await take(services, ivan, await report(services, anna))
    await services.complete(
        CompleteRequestCommand(actor_id=UserId(ivan.id), request_id=ONE, report="Смазал петли")
    )
    clock.advance(hours=2)
    await services.reopen(
        ReopenRequestCommand(actor_id=UserId(anna.id), request_id=ONE, reason="Всё так же скрипит")
    )

    await open_card(ivan)
    reopened = "↩️ Возвращена в работу 12.01, 14:00: заявитель пишет, что не исправлено."
    assert reopened in ivan.last.text
    assert "📝 Всё так же скрипит" in ivan.last.text
    await services.hold(
        HoldRequestCommand(actor_id=UserId(ivan.id), request_id=ONE, reason="Ждём петли")
    )
    await open_card(ivan)
    assert reopened in ivan.last.text, "still reopened while on hold"
    assert "📝 Причина: Ждём петли" in ivan.last.text


async def test_an_overdue_card_says_how_late(
    world: World, db: MemoryDatabase, services: Services, clock: FakeClock
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna)
    clock.advance(hours=24)
    await open_card(anna)
    assert "⏰ Срок: до 13.01, 10:00 (просрочено на 2 ч)" in anna.last.text


async def test_refresh_redraws_the_same_message(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    await report(services, anna)
    await open_card(anna)
    card = anna.last
    await take(services, ivan, db.requests[ONE])
    await anna.press("🔄 Обновить")
    assert anna.last is card
    assert "🔧 В работе" in card.text
    assert "🛠 Исполнитель: Иван" in card.text
    assert db.requests[ONE].status is Status.IN_PROGRESS


@pytest.mark.parametrize(
    ("number", "alert"), [(1, "Эта заявка вам недоступна."), (77, "Такой заявки нет.")]
)
async def test_a_card_one_may_not_see_is_refused(
    world: World, db: MemoryDatabase, services: Services, number: int, alert: str
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    boris = await joined(world, db, 102, "Борис")
    await report(services, anna, "Сломался замок в шкафу")
    shown = len(boris.screens)
    assert await boris.press_data(CardCb(id=number).pack()) == alert
    assert len(boris.screens) == shown
    assert "Сломался замок" not in "".join(boris.texts)


async def test_internal_notes_are_hidden_from_the_author(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    await take(services, ivan, await report(services, anna))
    await comment(services, ivan, "Приду завтра с инструментом")
    await comment(services, ivan, "Автор путает кабинет", internal=True, attachments=(photo(9),))
    assert db.history[ONE][-1].is_internal

    await open_card(anna)
    assert "Приду завтра с инструментом" in anna.last.text
    assert "путает" not in anna.last.text
    assert "📎 Вложения" not in anna.buttons(), "the note's photo is not hers to see"
    await anna.press("📜 История")
    assert "комментарий (Иван)" in anna.last.text
    assert "путает" not in anna.last.text
    assert "заметка" not in anna.last.text

    await open_card(ivan)
    assert "• 🔒 Иван" in ivan.last.text
    assert "Автор путает кабинет" in ivan.last.text
    await ivan.press("📜 История")
    assert "🔒 внутренняя заметка (Иван)" in ivan.last.text
    assert "Автор путает кабинет" in ivan.last.text


async def test_the_history_tells_what_happened_and_why(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    boss = await joined(world, db, ADMIN_ID, "Директор")
    await take(services, ivan, await report(services, anna))
    await services.hold(
        HoldRequestCommand(actor_id=UserId(ivan.id), request_id=ONE, reason="Ждём запчасть")
    )
    await services.change_priority(
        ChangePriorityCommand(actor_id=UserId(boss.id), request_id=ONE, priority=Priority.HIGH)
    )
    await open_card(anna)
    assert "⏸ Срок на паузе" in anna.last.text
    assert "📝 Причина: Ждём запчасть" in anna.last.text
    await anna.press("📜 История")
    history = visible(anna.last.text)
    assert history.startswith("История заявки №1")
    for line in (
        "12.01, 12:00 — создана (Анна)",
        "12.01, 12:00 — взята в работу (Иван)",
        "12.01, 12:00 — отложена (Иван)\n📝 Причина: Ждём запчасть",
        "12.01, 12:00 — изменена срочность (Директор)\n🚦 Теперь: 🔴 Срочный",
    ):
        assert line in history
    assert anna.buttons() == ["📄 К заявке"]


async def test_a_long_history_comes_in_pages_and_leads_back_to_the_card(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna)
    comments = [f"Комментарий {n:02d}: " + "очень длинный текст " * 15 for n in range(30)]
    for body in comments:
        await comment(services, anna, body)
    await open_card(anna)
    card = anna.last
    assert "Всего 30 комментариев — все в «📜 История»" in card.text
    assert card.text.count("• Анна") == 3

    await anna.press("📜 История")
    assert anna.last is card, "the history replaces the card in its message"
    pages = [visible(card.text)]
    assert "◀️" not in anna.buttons()
    while "▶️" in anna.buttons():
        await anna.press("▶️")
        pages.append(visible(card.text))
    assert len(pages) > 1
    assert all(len(page) <= 4096 for page in pages)
    assert all(f"стр. {n} из {len(pages)}" in page for n, page in enumerate(pages, start=1))
    for body in comments:
        assert sum(body.strip() in page for page in pages) == 1
    assert "◀️" in anna.buttons()

    await anna.press("📄 К заявке")
    assert visible(card.text).startswith("Заявка №1")


async def test_a_full_card_stays_within_telegrams_limit(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    long_name = "Александра-Екатерина " * 6
    anna = await joined(world, db, STAFF_ID, long_name)
    ivan = await joined(world, db, EXECUTOR_ID, long_name, Role.EXECUTOR)
    description = ("<&> дверь " * 200)[:2000]
    await take(services, ivan, await report(services, anna, description, location="К" * 100))
    for n in range(3):
        await comment(services, ivan, f"{n}" + "<длинный> & комментарий " * 80)
    await services.hold(
        HoldRequestCommand(actor_id=UserId(ivan.id), request_id=ONE, reason="Ждём " * 100)
    )
    await open_card(anna)
    text = visible(anna.last.text)
    assert len(text) <= 4096
    assert description.strip() in text
    assert 1 <= text.count("• Александра") < 3, "the newest comments that fit"
    assert "Всего 3 комментария — все в «📜 История»" in text


async def test_files_come_as_an_album_and_documents(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    files = (photo(1), photo(2), photo(3), document(1))
    await report(services, anna, attachments=files)
    await open_card(anna)
    assert "📎 4 вложения" in anna.last.text
    await anna.press("📎 Вложения")
    albums = [c for c in world.session.calls if isinstance(c, SendMediaGroup)]
    assert len(albums) == 1
    assert [m.media for m in albums[0].media] == ["photo-1", "photo-2", "photo-3"]
    assert albums[0].media[0].caption == "Заявка №1"
    documents = [c for c in world.session.calls if isinstance(c, SendDocument)]
    assert [d.document for d in documents] == ["doc-1"]
    assert sum(s.photos for s in anna.screens) == 3
    assert anna.last.document == "SendDocument"


async def test_more_than_ten_photos_make_two_albums_and_one_photo_goes_alone(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    ivan = await joined(world, db, EXECUTOR_ID, "Иван", Role.EXECUTOR)
    await take(
        services, ivan, await report(services, anna, attachments=tuple(map(photo, range(10))))
    )
    await services.complete(
        CompleteRequestCommand(
            actor_id=UserId(ivan.id), request_id=ONE, report="Готово", photos=(photo(10),)
        )
    )
    await open_card(anna)
    await anna.press("📎 Вложения")
    albums = [c for c in world.session.calls if isinstance(c, SendMediaGroup)]
    singles = [c for c in world.session.calls if isinstance(c, SendPhoto)]
    assert [len(a.media) for a in albums] == [10]
    assert [s.photo for s in singles] == ["photo-10"]
    assert sum(s.photos for s in anna.screens) == 11


async def test_no_files_is_said_in_the_answer(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna)
    await open_card(anna)
    assert "📎 Вложения" not in anna.buttons()
    shown = len(anna.screens)
    alert = await anna.press_data(CardCb(id=1, action="files").pack())
    assert alert == "У этой заявки нет вложений."
    assert len(anna.screens) == shown


async def test_typed_text_shows_literally_on_the_card_and_in_the_history(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    anna = await joined(world, db, STAFF_ID, "Анна")
    await report(services, anna, NASTY, location=NASTY)
    await comment(services, anna, NASTY)
    await open_card(anna)
    text = visible(anna.last.text)
    assert f"📍 {NASTY}" in text
    assert f"\n{NASTY}\n" in text
    assert f"Анна, 12.01, 12:00: {NASTY}" in text
    await anna.press("📜 История")
    assert f"💬 {NASTY}" in visible(anna.last.text)


async def test_the_card_speaks_english_to_english_speakers(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    john = await joined(world, db, STAFF_ID, "John", language="en")
    await report(services, john, "The door does not close")
    await open_card(john)
    assert visible(john.last.text).startswith("Request №1 · 🆕 New")
    assert {"🚫 Cancel", "📜 History", "🔄 Refresh"} <= set(john.buttons())
    await john.press("📜 History")
    assert "12.01, 12:00: created (John)" in john.last.text
    assert john.buttons() == ["📄 Back to the request"]
