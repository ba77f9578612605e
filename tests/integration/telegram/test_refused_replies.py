"""Telegram refuses one of the bot's replies (429, 502, a timeout): nothing typed is lost.

The answer and the step are kept before the question is sent, so after the apology the person
goes on where they were («📝 Новая заявка» → «▶️ Продолжить», or the same button again) and files
the request without typing anything twice.
"""

from collections.abc import Awaitable, Callable

import pytest
from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage

from tests.integration.telegram.test_wizard import DESCRIPTION, PROMPTS, STEPS, fsm_key, staff
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.ids import FIRST_ORG, RequestId, RoomCode
from zavhoz.domain.rooms import Room

APOLOGY = "Не получилось, попробуйте ещё раз."
FAULTS = ["429", "502", "timeout"]
PHOTO = "photo-1"


async def _attach_and_finish(person: Person) -> str | None:
    """The photo (unless kept already: «Фото 1 из 10», «Уже приложено: 1 из 10»), «Готово»."""
    if "1 из 10" not in person.last.text:
        await person.send_photo(PHOTO)
    return await person.press("Готово")


ANSWERS: dict[str, Callable[[Person], Awaitable[object]]] = {
    "location": lambda person: person.send("Каб. 305"),
    "category": lambda person: person.press("Сантехника"),
    "description": lambda person: person.send(DESCRIPTION),
    "priority": lambda person: person.press("Срочный"),
    "attachments": _attach_and_finish,
}


def shown_step(person: Person) -> str:
    return next(step for step in STEPS if PROMPTS[step] in person.last.text)


async def finish(person: Person, db: MemoryDatabase, since: str) -> None:
    """Answer the steps from ``since`` on and send; the request has every answer once."""
    for step in STEPS[STEPS.index(since) : -1]:
        await ANSWERS[step](person)
    await person.press("Отправить")
    (request,) = db.requests.values()
    assert request.location == "Каб. 305"
    assert request.category is Category.PLUMBING
    assert request.description == DESCRIPTION
    assert request.priority is Priority.HIGH
    assert [a.file_id for a in request.attachments] == [PHOTO]
    assert "Заявка №1 принята" in person.last.text


async def at_the_card(world: World) -> Person:
    """A staff member whose new request is at its confirmation card."""
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    for step in STEPS[:-1]:
        await ANSWERS[step](anna)
    return anna


async def resume(person: Person) -> str:
    """«📝 Новая заявка» offers the unfinished draft; «▶️ Продолжить» asks its step again."""
    await person.send("📝 Новая заявка")
    await person.press("Продолжить")
    return shown_step(person)


@pytest.mark.parametrize("fault", FAULTS)
@pytest.mark.parametrize("step", STEPS[:-1])
async def test_a_refused_next_question_keeps_the_answer(
    world: World, db: MemoryDatabase, step: str, fault: str
) -> None:
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    for earlier in STEPS[: STEPS.index(step)]:
        await ANSWERS[earlier](anna)
    if step == "attachments":
        await anna.send_photo(PHOTO)  # then «Готово» is refused its card

    world.session.refuse(SendMessage, fault=fault)
    alert = await ANSWERS[step](anna)

    assert world.session.refused, "the reply was refused"
    assert APOLOGY in (alert, anna.last.text)
    resumed = await resume(anna)
    assert resumed in (step, STEPS[STEPS.index(step) + 1])
    await finish(anna, db, resumed)


@pytest.mark.parametrize("step", ["category", "priority"])
async def test_a_refused_edit_of_the_pressed_question_keeps_the_choice(
    world: World, db: MemoryDatabase, step: str
) -> None:
    """The question turning into the answer («🏷 Категория: Сантехника») is only cosmetic."""
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    for earlier in STEPS[: STEPS.index(step)]:
        await ANSWERS[earlier](anna)

    world.session.refuse(EditMessageText, fault="502")
    await ANSWERS[step](anna)

    assert world.session.refused, "the edit was refused"
    next_step = STEPS[STEPS.index(step) + 1]
    assert shown_step(anna) == next_step, "the next question is asked all the same"
    await finish(anna, db, next_step)


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_message_after_a_refused_question_gets_that_question(
    world: World, db: MemoryDatabase, fault: str
) -> None:
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    world.session.refuse(SendMessage, fault=fault)
    await anna.send("Каб. 305")
    assert anna.last.text == APOLOGY

    await anna.send("алло?")

    assert shown_step(anna) == "category"
    await finish(anna, db, "category")


async def test_an_old_button_left_alive_asks_the_question_that_was_refused(
    world: World, db: MemoryDatabase
) -> None:
    """Taking the buttons off the place question and asking the category were both refused."""
    db.rooms[FIRST_ORG, RoomCode("gym")] = Room.create("gym", "Спортзал")
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    places = anna.last
    world.session.refuse(EditMessageReplyMarkup, SendMessage, times=2)
    await anna.send("Каб. 305")
    assert anna.last.text == APOLOGY
    assert places.buttons, "the place question kept its buttons"

    assert await anna.press("Спортзал") is None

    assert shown_step(anna) == "category"
    assert not places.buttons, "the old question's buttons are taken off"
    await finish(anna, db, "category")


async def test_a_refused_photo_count_keeps_the_photo(world: World, db: MemoryDatabase) -> None:
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    for step in STEPS[: STEPS.index("attachments")]:
        await ANSWERS[step](anna)

    world.session.refuse(SendMessage, fault="429")
    await anna.send_photo(PHOTO)

    assert anna.last.text == APOLOGY
    assert await resume(anna) == "attachments"
    assert "Уже приложено: 1 из 10." in anna.last.text
    await finish(anna, db, "attachments")


@pytest.mark.parametrize("fault", FAULTS)
async def test_a_refused_acceptance_files_the_request_once(
    world: World, db: MemoryDatabase, fault: str
) -> None:
    anna = await at_the_card(world)

    world.session.refuse(SendMessage, fault=fault)
    assert await anna.press("Отправить") == APOLOGY
    assert await anna.press("Отправить") == "Заявка №1 уже отправлена."

    assert list(db.requests) == [RequestId(1)]


@pytest.mark.parametrize(
    ("missing", "named"),
    [("location", "место"), ("category", "категори"), ("description", "описани")],
)
async def test_sending_an_incomplete_draft_asks_for_the_missing_field(
    world: World, db: MemoryDatabase, missing: str, named: str
) -> None:
    """A draft left incomplete (kept from before this fix) goes back to the field it lacks."""
    anna = await at_the_card(world)
    storage = world.dispatcher.fsm.storage
    data = await storage.get_data(fsm_key(anna))
    data["draft"][missing] = None
    await storage.set_data(fsm_key(anna), data)

    alert = await anna.press("Отправить")

    assert alert is not None
    assert named in alert.lower()
    assert "неактуален" not in alert
    assert shown_step(anna) == missing
    assert not db.requests
    await ANSWERS[missing](anna)
    assert shown_step(anna) == "confirm", "the answer goes back to the card"
    await anna.press("Отправить")
    assert [r.id for r in db.requests.values()] == [RequestId(1)]


async def test_a_refused_recount_of_an_album_keeps_every_photo(
    world: World, db: MemoryDatabase
) -> None:
    """The album's one answer is changed per photo; a refused change answers anew instead."""
    anna = await staff(world)
    await anna.send("📝 Новая заявка")
    for step in STEPS[: STEPS.index("attachments")]:
        await ANSWERS[step](anna)
    world.session.refuse(EditMessageText, fault="502")

    await anna.send_album(3)

    assert world.session.refused, "the recount was refused"
    assert anna.last.text.startswith("🖼 Фото 3 из 10")
    await anna.press("Готово")
    await anna.press("Отправить")
    (request,) = db.requests.values()
    assert [a.file_id for a in request.attachments] == [f"album-1-photo-{n}" for n in range(3)]


async def test_an_old_card_sends_nothing_and_shows_the_draft_going_on(
    world: World, db: MemoryDatabase
) -> None:
    anna = await at_the_card(world)
    old = anna.last
    send = old.buttons[0].callback_data
    assert send is not None
    await anna.press("Отмена")
    await anna.send("📝 Новая заявка")
    await anna.send("Каб. 305")

    alert = await anna.press_data(send, old.message_id)

    assert alert == "Эта карточка устарела. Ваша заявка продолжается ниже."
    assert shown_step(anna) == "category"
    assert not db.requests


async def test_the_card_sent_while_a_field_is_changed_is_shown_again_first(
    world: World, db: MemoryDatabase
) -> None:
    """«Отправить» of the card whose field is being changed: the card as it is now, to check."""
    anna = await at_the_card(world)
    card = anna.last
    send = card.buttons[0].callback_data
    assert send is not None
    await anna.press("Изменить")
    await anna.press("Описание")

    alert = await anna.press_data(send, card.message_id)

    assert alert == "Проверьте заявку ниже и нажмите «✅ Отправить»."
    assert shown_step(anna) == "confirm"
    assert not db.requests
    await anna.press("Отправить")
    assert list(db.requests) == [RequestId(1)]
