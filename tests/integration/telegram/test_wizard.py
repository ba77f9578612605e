"""The new-request wizard: steps, limits, files, changes, leaving and coming back, sending."""

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey
from aiogram.types import Animation, Contact, Location, Message, Video, VideoNote

from tests.integration.telegram._racy import racy
from tests.integration.telegram.conftest import ADMIN_ID
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.adapters.telegram.testing.rules import html_problems
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.attachments import AttachmentKind
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.events import EventKind
from zavhoz.domain.ids import FIRST_ORG, RequestId, RoomCode, UserId
from zavhoz.domain.rooms import Room

ANNA = 101
DESCRIPTION = "Не закрывается дверь в кабинет"
STAFF_MENU = ["📝 Новая заявка", "📋 Мои заявки", "ℹ️ Помощь"]
CATEGORIES = [
    "⚡ Электрика",
    "🚰 Сантехника",
    "🌡 Отопление и вентиляция",
    "🪑 Мебель",
    "💻 Техника и IT",
    "🧹 Уборка",
    "🔐 Двери, замки, охрана",
    "📦 Другое",
]
STEPS = ["location", "category", "description", "priority", "attachments", "confirm"]
PROMPTS = {
    "location": "Где проблема?",
    "category": "Что случилось?",
    "description": "Опишите проблему",
    "priority": "Насколько срочно?",
    "attachments": "Фото и документы",
    "confirm": "Проверьте заявку",
}


def visible(markup: str) -> str:
    """What the person reads: the HTML as Telegram renders it."""
    return html_problems(markup)[1]


async def staff(world: World, user_id: int = ANNA, language: str = "ru") -> Person:
    person = world.person(user_id, "Анна", language=language)
    await person.send("/start")
    return person


async def walk_to(person: Person, step: str) -> None:
    """Start a draft and answer every step before ``step`` with ordinary answers."""
    await person.send("📝 Новая заявка")
    answers = [
        lambda: person.send("Каб. 305"),
        lambda: person.press("Сантехника"),
        lambda: person.send(DESCRIPTION),
        lambda: person.press("Обычный"),
        lambda: person.press("Пропустить"),
    ]
    for answer in answers[: STEPS.index(step)]:
        await answer()
    assert PROMPTS[step] in person.last.text


async def send_content(person: Person, kind: str) -> None:
    """Content the wizard cannot keep: voice, sticker, video, video note, GIF, contact, map."""
    if kind == "sticker":
        await person.send_sticker()
        return
    if kind == "voice":
        await person.send_voice()
        return
    content: dict[str, Any] = {
        "video": {
            "video": Video(file_id="vid", file_unique_id="uvid", width=1, height=1, duration=1)
        },
        "video_note": {
            "video_note": VideoNote(file_id="vn", file_unique_id="uvn", length=1, duration=1)
        },
        "gif": {
            "animation": Animation(
                file_id="gif", file_unique_id="ugif", width=1, height=1, duration=1
            ),
            "document": {"file_id": "gif", "file_unique_id": "ugif", "mime_type": "video/mp4"},
        },
        "contact": {"contact": Contact(phone_number="+7000", first_name="Мастер")},
        "map": {"location": Location(latitude=55.75, longitude=37.62)},
    }[kind]
    message = Message(
        message_id=person.world.next_message_id(),
        date=datetime.now(UTC),
        chat=person.chat,
        from_user=person.user,
        **content,
    )
    await person.world.feed(message=message)


def fsm_key(person: Person) -> StorageKey:
    return StorageKey(bot_id=42, chat_id=person.id, user_id=person.id)


@pytest.fixture
async def racy_world(services: Services) -> AsyncIterator[World]:
    """Updates of one person handled at the same time (see _racy.py)."""
    world = racy(services)
    yield world
    world.check_rules()


# --- the whole way ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("label", "priority", "promise"),
    [
        ("Низкий", Priority.LOW, "в течение 24 рабочих часов"),
        ("Обычный", Priority.MEDIUM, "в течение 8 рабочих часов"),
        ("Срочный", Priority.HIGH, "в течение 4 рабочих часов"),
    ],
)
async def test_the_whole_wizard_with_text(
    world: World, db: MemoryDatabase, label: str, priority: Priority, promise: str
) -> None:
    boss = await staff(world, ADMIN_ID)
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    assert "от 2 до 100 символов" in anna.last.text
    assert anna.buttons() == ["❌ Отмена"]

    question = anna.last
    await anna.send("  Каб.   305 ")
    assert question.buttons == []  # answered: only the newest question has live buttons
    assert "Что случилось?" in anna.last.text
    assert anna.buttons()[:8] == CATEGORIES
    rows = anna.last.markup.inline_keyboard
    assert [len(row) for row in rows[:4]] == [2, 2, 2, 2]

    await anna.press("Сантехника")
    assert anna.texts[-2] == "🏷 Категория: 🚰 Сантехника"
    assert "от 10 до 2000 символов" in anna.last.text

    await anna.send(DESCRIPTION)
    assert "🟢 Низкий — можно в течение недели" in anna.last.text
    assert "🔴 Срочный — мешает работе, нужно сегодня" in anna.last.text
    assert "✓ 🟡 Обычный" in anna.buttons()

    await anna.press(label)
    assert "до 10 файлов, документ до 20 МБ" in anna.last.text
    assert anna.buttons()[0] == "⏭ Пропустить"

    await anna.press("Пропустить")
    card = visible(anna.last.text)
    for line in ["📍 Место: Каб. 305", "🏷 Категория: 🚰 Сантехника", "📎 Файлов нет", DESCRIPTION]:
        assert line in card
    assert anna.buttons() == ["✅ Отправить", "✏️ Изменить", "❌ Отмена"]
    assert db.requests == {}

    await anna.press("Отправить")
    assert visible(anna.last.text).startswith("✅ Заявка №1 принята.")
    assert promise in anna.last.text
    assert anna.menu() == STAFF_MENU
    request = db.requests[RequestId(1)]
    assert (request.author, request.location, request.room_code) == (ANNA, "Каб. 305", None)
    assert (request.category, request.priority) == (Category.PLUMBING, priority)
    assert request.description == DESCRIPTION
    assert request.attachments == []
    assert request.idempotency_key is not None
    assert len(request.idempotency_key) == 32
    assert [e.kind for e in db.history[RequestId(1)]] == [EventKind.CREATED]
    assert [(m.recipient, m.template) for m in db.outbox] == [(boss.id, "request_created")]


@pytest.mark.parametrize(
    "workflow",
    [
        WorkflowSettings(
            admin_ids=frozenset({UserId(ADMIN_ID)}), calendar=WorkingCalendar(always_on=True)
        )
    ],
)
async def test_round_the_clock_promises_plain_hours(world: World) -> None:
    anna = await staff(world)
    await walk_to(anna, "confirm")
    await anna.press("Отправить")
    assert "в течение 8 часов" in anna.last.text
    assert "рабоч" not in anna.last.text


async def test_a_menu_button_is_never_taken_for_an_answer(world: World, db: MemoryDatabase) -> None:
    boss = await staff(world, ADMIN_ID)
    await boss.send("📝 Новая заявка")
    await boss.send("📊 Статистика")
    assert "Что случилось?" not in boss.last.text
    await boss.send("Каб. 5")
    assert "Что случилось?" in boss.last.text
    await boss.press("Другое")
    await boss.send("Каждый день одно и то же")
    await boss.press("Обычный")
    await boss.press("Пропустить")
    assert "📍 Место: Каб. 5" in boss.last.text


async def test_the_new_command_starts_a_draft(world: World) -> None:
    anna = await staff(world)
    await anna.send("/new")
    assert "Где проблема?" in anna.last.text


async def test_an_english_speaker_sees_english(world: World, db: MemoryDatabase) -> None:
    john = await staff(world, 102, language="en")
    await john.send("📝 New request")
    assert "Where is the problem?" in john.last.text
    await john.send("Room 12")
    assert "What happened?" in john.last.text
    assert john.buttons()[:2] == ["⚡ Electrical", "🚰 Plumbing"]
    await john.press("Electrical")
    await john.send("The socket sparks")
    assert "🔴 Urgent: blocks work, needed today" in john.last.text
    await john.press("Urgent")
    await john.send_photo("p1")
    assert john.last.text == "🖼 Photo 1 of 10"
    await john.press("Done")
    assert "Check your request" in john.last.text
    assert "📎 Files: 1 photo" in john.last.text
    await john.press("Send")
    assert "Request №1 accepted." in john.last.text
    assert "within 4 working hours" in john.last.text
    assert john.menu()[0] == "📝 New request"
    assert db.requests[RequestId(1)].priority is Priority.HIGH


# --- files --------------------------------------------------------------------------------


async def test_a_photo_with_a_caption_is_the_description(world: World, db: MemoryDatabase) -> None:
    anna = await staff(world)
    await walk_to(anna, "description")
    await anna.send_photo("ph-1", caption="Течёт кран в туалете на втором этаже")
    assert anna.last.text.startswith("🖼 Фото 1 из 10")
    assert "Насколько срочно?" in anna.last.text
    await anna.press("Обычный")
    assert "Уже приложено: 1 из 10." in anna.last.text
    assert anna.buttons()[0] == "✅ Готово"
    await anna.press("Готово")
    assert "📎 Файлы: 1 фото" in anna.last.text
    await anna.press("Отправить")
    request = db.requests[RequestId(1)]
    assert request.description == "Течёт кран в туалете на втором этаже"
    assert [(a.file_id, a.kind) for a in request.attachments] == [("ph-1", AttachmentKind.PHOTO)]


async def test_a_document_with_a_caption_is_the_description(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "description")
    await anna.send_document("act", name="акт.pdf", caption="Акт осмотра: трещина в стене")
    assert anna.last.text.startswith("📄 Файл 1 из 10")
    await anna.press("Обычный")
    await anna.press("Готово")
    await anna.press("Отправить")
    (document,) = db.requests[RequestId(1)].attachments
    assert (document.kind, document.name, document.mime_type) == (
        AttachmentKind.DOCUMENT,
        "акт.pdf",
        "application/pdf",
    )
    assert db.requests[RequestId(1)].description == "Акт осмотра: трещина в стене"


async def test_a_photo_without_a_caption_is_kept_and_the_text_asked_for(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "description")
    await anna.send_photo("ph-1")
    assert "Фото 1 из 10" in anna.last.text
    assert "Теперь опишите проблему текстом" in anna.last.text
    await anna.send(DESCRIPTION)
    assert "Насколько срочно?" in anna.last.text
    await anna.press("Обычный")
    await anna.press("Готово")
    await anna.press("Отправить")
    assert [a.file_id for a in db.requests[RequestId(1)].attachments] == ["ph-1"]


async def test_an_album_is_answered_once_with_its_count(world: World, db: MemoryDatabase) -> None:
    anna = await staff(world)
    await walk_to(anna, "attachments")
    before = len(anna.screens)
    await anna.send_album(3)
    answers = anna.screens[before:]
    assert [a.text for a in answers] == ["🖼 Фото 3 из 10"]
    assert answers[0].buttons[0].text == "✅ Готово"
    await anna.press("Готово")
    assert "📎 Файлы: 3 фото" in anna.last.text
    await anna.press("Отправить")
    files = db.requests[RequestId(1)].attachments
    assert [a.file_id for a in files] == [f"album-1-photo-{n}" for n in range(3)]


async def test_two_albums_get_one_answer_each(world: World, db: MemoryDatabase) -> None:
    anna = await staff(world)
    await walk_to(anna, "attachments")
    before = len(anna.screens)
    await anna.send_album(2, album="a")
    await anna.send_album(3, album="b")
    assert [s.text for s in anna.screens[before:]] == ["🖼 Фото 2 из 10", "🖼 Фото 5 из 10"]
    assert anna.screens[before].buttons == [], "the first answer's buttons are retired"


async def test_an_album_over_the_limit_keeps_its_count_and_says_why(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "attachments")
    before = len(anna.screens)
    await anna.send_album(12)
    answers = anna.screens[before:]
    assert len(answers) == 1
    assert answers[0].text.startswith("🖼 Фото 10 из 10\nЭто максимум")
    assert answers[0].text.endswith("Слишком много файлов: можно не больше 10.")
    await anna.press("Готово")
    await anna.press("Отправить")
    assert len(db.requests[RequestId(1)].attachments) == 10


async def test_photos_arriving_at_once_are_all_counted(
    racy_world: World, db: MemoryDatabase
) -> None:
    """An album's photos come as separate updates at the same moment: one answer, all kept."""
    anna = await staff(racy_world)
    await walk_to(anna, "attachments")
    before = len(anna.screens)
    await asyncio.gather(*(anna.send_photo(f"p{n}", album="a") for n in range(4)))
    assert [s.text for s in anna.screens[before:]] == ["🖼 Фото 4 из 10"]
    await anna.press("Готово")
    await anna.press("Отправить")
    assert len(db.requests[RequestId(1)].attachments) == 4


async def test_an_album_with_a_caption_gives_the_description_and_every_photo(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "description")
    before = len(anna.screens)
    await anna.send_album(3, caption="Разбито окно в спортзале, осколки на полу")
    answers = anna.screens[before:]
    assert len(answers) == 1, "one answer: the priority question with the album's count"
    assert answers[0].text.split("\n")[0] == "🖼 Фото 3 из 10"
    assert "Насколько срочно?" in answers[0].text
    await anna.press("Срочный")
    assert "Уже приложено: 3 из 10." in anna.last.text
    await anna.press("Готово")
    await anna.press("Отправить")
    request = db.requests[RequestId(1)]
    assert request.description == "Разбито окно в спортзале, осколки на полу"
    assert len(request.attachments) == 3


async def test_an_album_without_words_at_the_description_is_answered_once(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "description")
    before = len(anna.screens)
    await anna.send_album(2)
    answers = anna.screens[before:]
    assert len(answers) == 1
    assert answers[0].text.startswith("🖼 Фото 2 из 10\nФайл сохранён. Теперь опишите")
    await anna.send(DESCRIPTION)
    assert "Насколько срочно?" in anna.last.text


async def test_a_documents_and_photos_mix_is_counted_together(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "attachments")
    await anna.send_photo("p1")
    await anna.send_document("d1")
    assert anna.last.text == "📄 Файл 2 из 10"
    await anna.send_photo("p1")
    assert anna.last.text == "Этот файл уже приложен."
    await anna.press("Готово")
    assert "📎 Файлы: 1 фото, 1 документ" in anna.last.text


async def test_the_eleventh_file_is_refused(world: World, db: MemoryDatabase) -> None:
    anna = await staff(world)
    await walk_to(anna, "attachments")
    await anna.send_album(10)
    assert anna.last.text.startswith("🖼 Фото 10 из 10")
    assert "Это максимум" in anna.last.text
    await anna.send_document("extra")
    assert anna.last.text == "Слишком много файлов: можно не больше 10."
    assert anna.buttons()[0] == "✅ Готово"
    await anna.press("Готово")
    assert "📎 Файлы: 10 фото" in anna.last.text
    await anna.press("Отправить")
    assert len(db.requests[RequestId(1)].attachments) == 10


async def test_a_document_over_20_mb_is_refused(world: World, db: MemoryDatabase) -> None:
    anna = await staff(world)
    await walk_to(anna, "attachments")
    await anna.send_document("huge", size=21 * 1024 * 1024)
    assert anna.last.text == "Файл слишком большой: можно до 20 МБ."
    assert anna.buttons()[0] == "⏭ Пропустить"
    await anna.send_document("small", size=1024)
    assert anna.last.text == "📄 Файл 1 из 10"
    await anna.press("Готово")
    await anna.press("Отправить")
    assert [a.file_id for a in db.requests[RequestId(1)].attachments] == ["small"]


async def test_text_while_waiting_for_files_is_answered(world: World) -> None:
    anna = await staff(world)
    await walk_to(anna, "attachments")
    await anna.send("ещё вот что")
    assert "этот текст не сохранён" in anna.last.text
    assert "Фото и документы" in anna.last.text


# --- limits -------------------------------------------------------------------------------


async def test_a_too_short_place_is_explained_and_then_accepted(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    await anna.send(" 5 ")
    assert anna.last.text.startswith("Слишком коротко: нужно не меньше 2 символов, сейчас 1.")
    assert "Где проблема?" in anna.last.text
    await anna.send("Каб. 5")
    assert "Что случилось?" in anna.last.text


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("Дверь скр", "Слишком коротко: нужно не меньше 10 символов, сейчас 9."),
        ("ы" * 2001, "Слишком длинно: можно не больше 2000 символов, сейчас 2001."),
    ],
)
async def test_a_description_out_of_limits_keeps_the_earlier_answers(
    world: World, db: MemoryDatabase, typed: str, said: str
) -> None:
    anna = await staff(world)
    await walk_to(anna, "description")
    await anna.send(typed)
    assert anna.last.text.startswith(said)
    assert "Опишите проблему" in anna.last.text
    await anna.send(DESCRIPTION)
    await anna.press("Обычный")
    await anna.press("Пропустить")
    assert "📍 Место: Каб. 305" in anna.last.text
    assert "🏷 Категория: 🚰 Сантехника" in anna.last.text
    await anna.press("Отправить")
    request = db.requests[RequestId(1)]
    assert (request.location, request.category) == ("Каб. 305", Category.PLUMBING)
    assert request.description == DESCRIPTION


async def test_a_too_short_caption_keeps_the_photo(world: World, db: MemoryDatabase) -> None:
    anna = await staff(world)
    await walk_to(anna, "description")
    await anna.send_photo("p1", caption="кран")
    assert "Фото 1 из 10" in anna.last.text
    assert "не меньше 10 символов, сейчас 4" in anna.last.text
    assert "Опишите проблему" in anna.last.text
    await anna.send("Кран течёт третий день")
    await anna.press("Обычный")
    assert "Уже приложено: 1 из 10." in anna.last.text
    await anna.press("Готово")
    await anna.press("Отправить")
    assert [a.file_id for a in db.requests[RequestId(1)].attachments] == ["p1"]


# --- what the wizard cannot keep ----------------------------------------------------------


@pytest.mark.parametrize(
    "kind", ["sticker", "voice", "video", "video_note", "gif", "contact", "map"]
)
@pytest.mark.parametrize("step", STEPS)
async def test_unsupported_content_gets_a_hint_and_the_step_stays(
    world: World, db: MemoryDatabase, step: str, kind: str
) -> None:
    anna = await staff(world)
    await walk_to(anna, step)
    buttons = anna.buttons()
    await send_content(anna, kind)
    assert anna.last.text.startswith("Такое я не сохраню")
    assert PROMPTS[step] in anna.last.text
    assert anna.buttons() == buttons
    assert db.requests == {}


@pytest.mark.parametrize(
    ("step", "said"),
    [
        ("category", "Выберите категорию кнопкой ниже."),
        ("priority", "Выберите срочность кнопкой ниже."),
        ("confirm", "Проверьте заявку и нажмите"),
    ],
)
async def test_text_where_a_button_is_expected_is_answered(
    world: World, step: str, said: str
) -> None:
    anna = await staff(world)
    await walk_to(anna, step)
    await anna.send("что-то")
    assert anna.last.text.startswith(said)
    assert PROMPTS[step] in anna.last.text


# --- sending ------------------------------------------------------------------------------


async def test_sending_twice_creates_one_request(world: World, db: MemoryDatabase) -> None:
    await staff(world, ADMIN_ID)
    anna = await staff(world)
    await walk_to(anna, "confirm")
    card = anna.last
    send = card.buttons[0].callback_data
    assert send is not None
    await anna.press("Отправить")
    assert card.buttons == []  # the card lost its buttons
    assert await anna.press_data(send) == "Заявка №1 уже отправлена."
    assert list(db.requests) == [RequestId(1)]
    assert len(db.history[RequestId(1)]) == 1
    assert len(db.outbox) == 1

    await walk_to(anna, "location")  # a new draft does not revive the old card
    assert await anna.press_data(send) == "Заявка №1 уже отправлена."
    assert list(db.requests) == [RequestId(1)]


async def test_a_double_tap_at_the_same_moment_creates_one_request(
    racy_world: World, db: MemoryDatabase
) -> None:
    anna = await staff(racy_world)
    await walk_to(anna, "confirm")
    send = anna.last.buttons[0].callback_data
    assert send is not None
    alerts = await asyncio.gather(anna.press_data(send), anna.press_data(send))
    assert "Заявка №1 уже отправлена." in alerts
    assert list(db.requests) == [RequestId(1)]
    assert sum("принята" in text for text in anna.texts) == 1


async def test_the_card_of_a_cancelled_draft_sends_nothing(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "confirm")
    send = anna.last.buttons[0].callback_data
    assert send is not None
    await anna.press("Отмена")
    assert await anna.press_data(send) == (
        "Этот черновик уже неактуален. Чтобы подать заявку, нажмите «📝 Новая заявка»."
    )
    assert db.requests == {}


async def test_a_new_draft_has_a_new_key(world: World, db: MemoryDatabase) -> None:
    anna = await staff(world)
    for _ in range(2):
        await walk_to(anna, "confirm")
        await anna.press("Отправить")
    keys = {r.idempotency_key for r in db.requests.values()}
    assert len(db.requests) == len(keys) == 2


async def test_the_draft_is_plain_json_in_the_fsm(world: World) -> None:
    anna = await staff(world)
    await walk_to(anna, "attachments")
    await anna.send_document("d1", name="план.pdf")
    data = await world.dispatcher.storage.get_data(fsm_key(anna))
    assert json.loads(json.dumps(data)) == data
    assert len(data["key"]) == 32
    assert data["draft"]["location"] == "Каб. 305"
    assert data["draft"]["category"] == "plumbing"
    assert data["draft"]["priority"] == "medium"
    assert data["draft"]["attachments"] == [
        {
            "file_id": "d1",
            "file_unique_id": "u-d1",
            "kind": "document",
            "mime_type": "application/pdf",
            "size": 50_000,
            "name": "план.pdf",
        }
    ]


# --- changing answers ---------------------------------------------------------------------


async def _change_location(anna: Person) -> None:
    await anna.send("Актовый зал")


async def _change_category(anna: Person) -> None:
    assert "✓ 🚰 Сантехника" in anna.buttons()
    await anna.press("Электрика")


async def _change_description(anna: Person) -> None:
    assert DESCRIPTION in anna.last.text  # the current text is shown
    await anna.send("Искрит розетка у доски")


async def _change_priority(anna: Person) -> None:
    await anna.press("Срочный")


async def _change_attachments(anna: Person) -> None:
    await anna.send_photo("new-photo")
    await anna.press("Готово")


@pytest.mark.parametrize(
    ("field", "label", "change", "shown", "stored"),
    [
        ("location", "Место", _change_location, "📍 Место: Актовый зал", "Актовый зал"),
        ("category", "Категория", _change_category, "⚡ Электрика", Category.ELECTRICAL),
        (
            "description",
            "Описание",
            _change_description,
            "Искрит розетка",
            "Искрит розетка у доски",
        ),
        ("priority", "Срочность", _change_priority, "🔴 Срочный", Priority.HIGH),
        ("attachments", "Файлы", _change_attachments, "📎 Файлы: 1 фото", ["new-photo"]),
    ],
)
async def test_each_field_can_be_changed_from_the_card(
    world: World,
    db: MemoryDatabase,
    field: str,
    label: str,
    change: Any,
    shown: str,
    stored: object,
) -> None:
    anna = await staff(world)
    await walk_to(anna, "confirm")
    await anna.press("Изменить")
    assert anna.buttons() == [
        "📍 Место",
        "🏷 Категория",
        "📝 Описание",
        "⚡ Срочность",
        "📎 Файлы",
        "◀️ Назад",
    ]
    await anna.press(label)
    assert PROMPTS[field] in anna.last.text
    await change(anna)
    assert "Проверьте заявку" in anna.last.text
    assert shown in visible(anna.last.text)
    await anna.press("Отправить")
    request = db.requests[RequestId(1)]
    value = getattr(request, field)
    if field == "attachments":
        value = [a.file_id for a in value]
    assert value == stored
    untouched = {"location": "Каб. 305", "category": Category.PLUMBING, "priority": Priority.MEDIUM}
    for name, before in untouched.items():
        if name != field:
            assert getattr(request, name) == before


async def test_back_from_a_change_returns_to_the_card_unchanged(world: World) -> None:
    anna = await staff(world)
    await walk_to(anna, "confirm")
    card = anna.last.text
    await anna.press("Изменить")
    await anna.press("Назад")  # from the list of fields
    assert anna.buttons() == ["✅ Отправить", "✏️ Изменить", "❌ Отмена"]
    await anna.press("Изменить")
    await anna.press("Описание")
    await anna.press("Назад")  # from the field
    assert anna.last.text == card


async def test_files_can_be_removed_when_changing_them(world: World, db: MemoryDatabase) -> None:
    anna = await staff(world)
    await walk_to(anna, "attachments")
    await anna.send_photo("p1")
    await anna.press("Готово")
    await anna.press("Изменить")
    await anna.press("Файлы")
    await anna.press("Убрать все файлы")
    assert anna.last.text.startswith("Файлы убраны.")
    await anna.press("Пропустить")
    assert "📎 Файлов нет" in anna.last.text
    await anna.press("Отправить")
    assert db.requests[RequestId(1)].attachments == []


async def test_back_walks_to_the_previous_step_keeping_the_answers(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "priority")
    await anna.press("Назад")
    assert "Опишите проблему" in anna.last.text
    assert DESCRIPTION in anna.last.text
    await anna.press("Назад")
    assert "✓ 🚰 Сантехника" in anna.buttons()
    await anna.press("Назад")
    assert "Сейчас: Каб. 305" in anna.last.text
    await anna.press("Оставить как есть")
    await anna.press("Сантехника")
    await anna.press("Оставить как есть")
    assert "Насколько срочно?" in anna.last.text
    await anna.press("Обычный")
    await anna.press("Пропустить")
    await anna.press("Отправить")
    request = db.requests[RequestId(1)]
    assert (request.location, request.description) == ("Каб. 305", DESCRIPTION)


async def test_a_place_is_offered_from_recent_places_and_rooms(
    world: World, db: MemoryDatabase
) -> None:
    for code, name in [("gym", "Спортзал"), ("hall", "Актовый зал"), ("lib", "Библиотека")]:
        db.rooms[FIRST_ORG, RoomCode(code)] = Room.create(code, name)
    anna = await staff(world)
    await walk_to(anna, "confirm")
    await anna.press("Отправить")
    await anna.send("📝 Новая заявка")
    assert anna.buttons() == ["Каб. 305", "Спортзал", "Актовый зал", "Библиотека", "❌ Отмена"]
    await anna.press("Спортзал")
    assert anna.texts[-2] == "📍 Место: Спортзал"
    await anna.press("Мебель")
    await anna.send("Сломана скамейка у стены")
    await anna.press("Низкий")
    await anna.press("Пропустить")
    await anna.press("Отправить")
    request = db.requests[RequestId(2)]
    assert (request.location, request.room_code) == ("Спортзал", "gym")


async def test_no_more_than_eight_places_are_offered(world: World, db: MemoryDatabase) -> None:
    for n in range(12):
        db.rooms[FIRST_ORG, RoomCode(f"r{n}")] = Room.create(f"r{n}", f"Кабинет {n}")
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    assert len(anna.buttons()) == 8 + 1
    assert [len(row) for row in anna.last.markup.inline_keyboard] == [2, 2, 2, 2, 1]


async def test_a_typed_room_name_links_the_room(world: World, db: MemoryDatabase) -> None:
    db.rooms[FIRST_ORG, RoomCode("gym")] = Room.create("gym", "Спортзал")
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    await anna.send("спортзал")
    await anna.press("Мебель")
    await anna.send("Сломана скамейка у стены")
    await anna.press("Низкий")
    await anna.press("Пропустить")
    await anna.press("Отправить")
    request = db.requests[RequestId(1)]
    assert (request.location, request.room_code) == ("Спортзал", "gym")


# --- leaving and coming back --------------------------------------------------------------


@pytest.mark.parametrize("step", ["category", "description", "attachments", "confirm"])
async def test_start_in_the_middle_then_continue_resumes_the_step(
    world: World, db: MemoryDatabase, step: str
) -> None:
    anna = await staff(world)
    await walk_to(anna, step)
    await anna.send("/start")
    assert anna.last.text == "У вас есть незаконченная заявка. Продолжить её или удалить черновик?"
    await anna.press("Продолжить")
    assert anna.texts[-2] == "Продолжаем заявку."
    assert PROMPTS[step] in anna.last.text
    answers = {
        "category": lambda: anna.press("Сантехника"),
        "description": lambda: anna.send(DESCRIPTION),
        "attachments": lambda: anna.press("Пропустить"),
    }
    for later in STEPS[STEPS.index(step) : -1]:
        if later == "priority":
            await anna.press("Обычный")
        else:
            await answers[later]()
    await anna.press("Отправить")
    request = db.requests[RequestId(1)]
    assert (request.location, request.description) == ("Каб. 305", DESCRIPTION)


async def test_start_in_the_middle_then_drop_forgets_the_draft(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "priority")
    await anna.send("/start")
    await anna.press("Удалить черновик")
    assert "Черновик удалён." in anna.texts
    await anna.send("📝 Новая заявка")
    assert anna.last.text.startswith("📍 <b>Где проблема?</b>")
    assert "Сейчас:" not in anna.last.text


async def test_new_request_in_the_middle_offers_the_draft(world: World) -> None:
    anna = await staff(world)
    await walk_to(anna, "priority")
    await anna.send("📝 Новая заявка")
    assert anna.buttons() == ["▶️ Продолжить", "🆕 Начать заново"]
    await anna.press("Продолжить")
    assert "Насколько срочно?" in anna.last.text
    await anna.send("/new")
    await anna.press("Начать заново")
    assert "Где проблема?" in anna.last.text
    assert "Сейчас:" not in anna.last.text


async def test_cancel_command_in_the_middle_leaves_the_wizard(
    world: World, db: MemoryDatabase
) -> None:
    anna = await staff(world)
    await walk_to(anna, "description")
    await anna.send("/cancel")
    assert anna.last.text == "Отменено."
    assert anna.menu() == STAFF_MENU
    await anna.send(DESCRIPTION)
    assert anna.last.text == "Не понял. Выберите действие в меню."
    assert await world.dispatcher.storage.get_state(fsm_key(anna)) is None
    assert db.requests == {}


@pytest.mark.parametrize("step", STEPS)
async def test_the_cancel_button_leaves_from_any_step(
    world: World, db: MemoryDatabase, step: str
) -> None:
    anna = await staff(world)
    await walk_to(anna, step)
    cancel = anna.last.buttons[-1].callback_data
    assert cancel is not None
    await anna.press("Отмена")
    assert anna.last.text == "Заявка отменена, черновик удалён."
    assert anna.menu() == STAFF_MENU
    assert anna.buttons() == []
    assert await world.dispatcher.storage.get_state(fsm_key(anna)) is None
    assert await anna.press_data(cancel) == "Кнопка устарела."
    assert db.requests == {}


async def test_a_button_of_another_step_is_stale(world: World) -> None:
    anna = await staff(world)
    await walk_to(anna, "category")
    electrical = anna.last.buttons[0].callback_data
    assert electrical is not None
    await anna.press("Сантехника")
    assert await anna.press_data(electrical) == "Кнопка устарела."
    assert "Опишите проблему" in anna.last.text
    await anna.send(DESCRIPTION)
    assert await anna.press_data(electrical) == "Кнопка устарела."
    assert "Насколько срочно?" in anna.last.text


async def test_continue_without_a_draft_says_so(world: World) -> None:
    anna = await staff(world)
    assert await anna.press_data("w:draft:continue") == "Черновика уже нет."


# --- what people type is shown as typed ---------------------------------------------------


async def test_markup_typed_by_a_person_is_shown_literally_and_stored_as_typed(
    world: World, db: MemoryDatabase
) -> None:
    typed = "<b>x</b> & <script>\"'"
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    await anna.send("<i>Каб.</i> & 5")
    await anna.press("Другое")
    await anna.send(f"  {typed}   \n\n\n\nвторая строка ")
    await anna.press("Обычный")
    await anna.press("Пропустить")
    card = anna.last.text
    assert "&lt;b&gt;x&lt;/b&gt; &amp; &lt;script&gt;" in card
    assert "📍 Место: &lt;i&gt;Каб.&lt;/i&gt; &amp; 5" in card
    assert f"{typed}\n\nвторая строка" in visible(card)
    await anna.press("Отправить")
    request = db.requests[RequestId(1)]
    assert request.description == f"{typed}\n\nвторая строка"
    assert request.location == "<i>Каб.</i> & 5"
