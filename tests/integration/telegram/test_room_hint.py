"""A room's QR code: ``/start room_<code>`` shows "Уже сообщили?", then the wizard with the room."""

import pytest

from tests.integration.telegram.test_wizard import PROMPTS, staff, visible
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.application.use_cases.cancel_request import CancelRequestCommand
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.domain.catalog import Category, Status
from zavhoz.domain.events import EventKind
from zavhoz.domain.ids import FIRST_ORG, RequestId, RoomCode, UserId
from zavhoz.domain.rooms import Room

BORIS = 102
GYM = RoomCode("gym")


@pytest.fixture
def gym(db: MemoryDatabase) -> Room:
    room = Room.create("gym", "Спортзал")
    db.rooms[FIRST_ORG, GYM] = room
    return room


async def reported(
    world: World, services: Services, description: str = "Не горит свет над шведской стенкой"
) -> RequestId:
    """Boris has reported a problem in the gym."""
    await world.person(BORIS, "Борис").send("/start")
    request = await services.create_request(
        CreateRequestCommand(
            author_id=UserId(BORIS),
            location="Спортзал",
            room_code=GYM,
            category=Category.ELECTRICAL,
            description=description,
        )
    )
    return request.id


async def finish(person: Person) -> None:
    """From the category step to a sent request."""
    await person.press("Мебель")
    await person.send("Сломана скамейка у стены")
    await person.press("Обычный")
    await person.press("Пропустить")
    await person.press("Отправить")


async def test_same_problem_subscribes_the_person(
    world: World, db: MemoryDatabase, services: Services, gym: Room
) -> None:
    number = await reported(world, services)
    anna = await staff(world)
    await anna.send("/start room_gym")
    hint = visible(anna.last.text)
    assert hint.startswith("🔎 Уже сообщили? Открытые заявки в помещении «Спортзал»:")
    assert "№1 · 🆕 Новая · Не горит свет над шведской стенкой" in hint
    assert anna.buttons() == ["Это та же проблема — сообщить мне (№1)", "🆕 Новая проблема"]

    await anna.press("Это та же проблема")
    assert anna.last.text == "👀 Мы сообщим вам о ходе работ по заявке №1."
    assert anna.menu()[0] == "📝 Новая заявка"
    assert db.requests[number].watchers == {UserId(101)}
    assert db.history[number][-1].kind is EventKind.WATCHER_ADDED
    assert len(db.requests) == 1


async def test_a_new_problem_starts_the_wizard_with_the_room(
    world: World, db: MemoryDatabase, services: Services, gym: Room
) -> None:
    await reported(world, services)
    anna = await staff(world)
    await anna.send("/start room_gym")
    await anna.press("Новая проблема")
    assert anna.last.text.startswith("📍 Место: Спортзал\n\n🏷 <b>Что случилось?</b>")
    await finish(anna)
    assert "Заявка №2 принята" in visible(anna.texts[-1])
    request = db.requests[RequestId(2)]
    assert (request.location, request.room_code, request.author) == ("Спортзал", GYM, 101)
    assert db.requests[RequestId(1)].watchers == set()


async def test_without_open_requests_the_wizard_starts_at_once(
    world: World, db: MemoryDatabase, services: Services, gym: Room
) -> None:
    number = await reported(world, services)
    await services.cancel(CancelRequestCommand(actor_id=UserId(BORIS), request_id=number))
    assert db.requests[number].status is Status.CANCELLED
    anna = await staff(world)
    await anna.send("/start room_gym")
    assert "Уже сообщили?" not in anna.last.text
    assert PROMPTS["category"] in anna.last.text
    await finish(anna)
    assert db.requests[RequestId(2)].room_code == GYM


async def test_the_room_can_still_be_changed(world: World, db: MemoryDatabase, gym: Room) -> None:
    anna = await staff(world)
    await anna.send("/start room_gym")
    await anna.press("Назад")
    assert "Сейчас: Спортзал" in anna.last.text
    await anna.send("Раздевалка у спортзала")
    await finish(anna)
    request = db.requests[RequestId(1)]
    assert (request.location, request.room_code) == ("Раздевалка у спортзала", None)


@pytest.mark.parametrize("link", ["/start room_nope", "/start room_Не-код!", "/start room_"])
async def test_an_unknown_room_starts_the_ordinary_wizard(
    world: World, db: MemoryDatabase, gym: Room, link: str
) -> None:
    anna = await staff(world)
    await anna.send(link)
    assert anna.texts[-2] == "Не нашёл помещение по этому QR-коду. Укажите место сами."
    assert PROMPTS["location"] in anna.last.text
    assert "Спортзал" in anna.buttons()  # known rooms are offered


async def test_the_author_is_told_they_hear_anyway(
    world: World, db: MemoryDatabase, services: Services, gym: Room
) -> None:
    number = await reported(world, services)
    boris = world.person(BORIS, "Борис")
    await boris.send("/start room_gym")
    alert = await boris.press("Это та же проблема")
    assert alert == "Вы автор заявки: мы и так сообщим вам обо всём."
    assert db.requests[number].watchers == set()


async def test_titles_are_shown_literally(world: World, services: Services, gym: Room) -> None:
    await reported(world, services, '<b>Дверь</b> & "окно" не закрываются')
    anna = await staff(world)
    await anna.send("/start room_gym")
    assert '&lt;b&gt;Дверь&lt;/b&gt; &amp; "окно" не закрываются' in anna.last.text


async def test_many_open_requests_are_counted_not_cut_silently(
    world: World, services: Services, gym: Room
) -> None:
    for n in range(7):
        await reported(world, services, f"Проблема номер {n} в спортзале")
    anna = await staff(world)
    await anna.send("/start room_gym")
    text = visible(anna.last.text)
    assert [f"№{n} ·" in text for n in range(1, 8)] == [False, False] + [True] * 5
    assert "…и ещё 2 заявки" in text
    assert len(anna.buttons()) == 6


async def test_a_room_link_in_the_middle_of_a_draft_asks_first(
    world: World, db: MemoryDatabase, services: Services, gym: Room
) -> None:
    await reported(world, services)
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    await anna.send("Каб. 305")
    await anna.send("/start room_gym")
    assert anna.buttons() == ["▶️ Продолжить", "🆕 Начать заново"]
    await anna.press("Продолжить")
    assert PROMPTS["category"] in anna.last.text
    await anna.send("/start room_gym")
    await anna.press("Начать заново")
    assert "Черновик удалён." in anna.texts
    assert "Уже сообщили?" in anna.last.text
    await anna.press("Новая проблема")
    await finish(anna)
    assert db.requests[RequestId(2)].location == "Спортзал"


async def test_an_english_speaker_sees_the_hint_in_english(
    world: World, services: Services, gym: Room
) -> None:
    await reported(world, services)
    john = await staff(world, 103, language="en")
    await john.send("/start room_gym")
    assert "Already reported?" in john.last.text
    await john.press("Same problem")
    assert john.last.text == "👀 We will keep you posted on request №1."


async def test_the_hint_finds_the_room_typed_as_free_text(
    world: World, db: MemoryDatabase, services: Services
) -> None:
    """«Каб. 305», «кабинет 305» and «305» typed by hand are the room «Кабинет 305» too."""
    db.rooms[FIRST_ORG, RoomCode("r305")] = Room.create("r305", "Кабинет 305")
    await world.person(BORIS, "Борис").send("/start")
    typed = ["Каб. 305", "кабинет 305", "305", "Каб. 3051", "Каб. 305, 3 этаж"]
    for n, place in enumerate(typed, 1):
        await services.create_request(
            CreateRequestCommand(
                author_id=UserId(BORIS),
                location=place,
                category=Category.FURNITURE,
                description=f"Сломан стул номер {n}",
            )
        )
    anna = await staff(world)
    await anna.send("/start room_r305")
    hint = visible(anna.last.text)
    assert hint.startswith("🔎 Уже сообщили? Открытые заявки в помещении «Кабинет 305»:")
    assert [n for n in range(1, 6) if f"№{n} ·" in hint] == [1, 2, 3]
    await anna.press("Это та же проблема")
    assert db.requests[RequestId(3)].watchers == {UserId(101)}
