"""Actions on a request card: what executors, admins and authors press, type and see."""

import asyncio
from collections.abc import AsyncIterator

import attrs
import pytest

from tests.integration.telegram._racy import racy
from tests.integration.telegram.conftest import ADMIN_ID
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.keyboards.actions import AskCb
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.events import EventKind
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role

ANNA, BORIS, IVAN, PETR = 101, 102, 201, 202


@attrs.frozen
class Team:
    """Анна files requests, Борис is other staff, Иван and Пётр are executors, Завхоз the admin."""

    anna: Person
    boris: Person
    ivan: Person
    petr: Person
    boss: Person


async def join(world: World, db: MemoryDatabase, user_id: int, name: str, role: Role) -> Person:
    person = world.person(user_id, name)
    await person.send("/start")
    db.users[UserId(user_id)].role = role
    return person


@pytest.fixture
async def team(world: World, db: MemoryDatabase) -> Team:
    return Team(
        anna=await join(world, db, ANNA, "Анна", Role.STAFF),
        boris=await join(world, db, BORIS, "Борис", Role.STAFF),
        ivan=await join(world, db, IVAN, "Иван", Role.EXECUTOR),
        petr=await join(world, db, PETR, "Пётр", Role.EXECUTOR),
        boss=await join(world, db, ADMIN_ID, "Завхоз", Role.ADMIN),
    )


async def new_request(services: Services, author: int = ANNA) -> RequestId:
    request = await services.create_request(
        CreateRequestCommand(
            author_id=UserId(author),
            location="Каб. 305",
            category=Category.DOORS_LOCKS_SECURITY,
            description="Не закрывается дверь в кабинет",
        )
    )
    return request.id


async def open_card(person: Person, db: MemoryDatabase, rid: RequestId) -> None:
    await person.press_data(CardCb(id=rid, action="open", v=db.requests[rid].version).pack())
    assert f"Заявка №{rid}" in person.last.text, person.last.text


async def act(
    person: Person, db: MemoryDatabase, rid: RequestId, action: str, arg: str = ""
) -> str | None:
    """Press an action's button on a card that shows the current version."""
    data = CardCb(id=rid, action=action, v=db.requests[rid].version, arg=arg).pack()
    return await person.press_data(data)


def kinds(db: MemoryDatabase, rid: RequestId) -> list[EventKind]:
    return [event.kind for event in db.history[rid]]


def outbox(db: MemoryDatabase, recipient: int) -> list[str]:
    return [m.template for m in db.outbox if m.recipient == UserId(recipient)]


async def in_progress(services: Services, rid: RequestId, by: int = IVAN) -> None:
    await services.take(TakeRequestCommand(actor_id=UserId(by), request_id=rid))


# --- executor ------------------------------------------------------------------------------


async def test_an_executor_takes_a_request_with_one_tap(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await open_card(team.ivan, db, rid)
    card_message = team.ivan.last.message_id

    alert = await team.ivan.press("Взять")

    assert alert == "Взято в работу"
    assert team.ivan.last.message_id == card_message, "the card is redrawn in place"
    assert "🔧 В работе" in team.ivan.last.text
    assert "🛠 Исполнитель: Иван" in team.ivan.last.text
    assert "🙋 Взять" not in team.ivan.buttons()
    assert {"✅ Выполнено", "⏸ Отложить"} <= set(team.ivan.buttons())
    request = db.requests[rid]
    assert (request.status, request.assignee) == (Status.IN_PROGRESS, UserId(IVAN))
    assert kinds(db, rid)[-1] is EventKind.TAKEN
    assert outbox(db, ANNA) == ["request_taken"]


async def test_a_double_tap_on_take_says_it_is_already_yours(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    old_take = CardCb(id=rid, action="take", v=db.requests[rid].version).pack()
    assert await team.ivan.press_data(old_take) == "Взято в работу"

    assert await team.ivan.press_data(old_take) == "Эта заявка уже у вас."

    assert kinds(db, rid).count(EventKind.TAKEN) == 1


async def test_two_executors_taking_at_once_one_wins_and_the_other_is_told_who(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await open_card(team.ivan, db, rid)
    await open_card(team.petr, db, rid)

    alerts = await asyncio.gather(team.ivan.press("Взять"), team.petr.press("Взять"))

    assert kinds(db, rid).count(EventKind.TAKEN) == 1
    winner = db.requests[rid].assignee
    assert winner in (UserId(IVAN), UserId(PETR))
    name = {UserId(IVAN): "Иван", UserId(PETR): "Пётр"}[winner]
    assert sorted(a or "" for a in alerts) == sorted(
        ["Взято в работу", f"Заявку уже взял(а) {name}."]
    )
    loser = team.petr if winner == UserId(IVAN) else team.ivan
    assert f"🛠 Исполнитель: {name}" in loser.last.text, "the loser's card shows who has it"


async def test_hold_asks_for_a_reason_within_the_limit_and_keeps_waiting(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await open_card(team.ivan, db, rid)

    await team.ivan.press("Отложить")
    assert "от 3 до 500 символов" in team.ivan.last.text
    assert team.ivan.buttons() == ["❌ Отмена"]

    await team.ivan.send("ok")
    assert team.ivan.last.text == "Слишком коротко: нужно не меньше 3 символов, сейчас 2."
    assert db.requests[rid].status is Status.IN_PROGRESS

    await team.ivan.send("Ждём   запчасти")
    assert team.ivan.texts[-2] == f"⏸ Заявка №{rid} отложена.\nПричина: Ждём запчасти"
    assert "⏸ Ожидание" in team.ivan.last.text
    assert "📝 Причина: Ждём запчасти" in team.ivan.last.text
    assert db.requests[rid].status is Status.ON_HOLD
    assert db.history[rid][-1].payload["reason"] == "Ждём запчасти"
    assert "request_on_hold" in outbox(db, ANNA)

    await team.ivan.send("ещё текст")
    assert team.ivan.last.text == "Не понял. Выберите действие в меню.", "the conversation is over"


async def test_resume_is_one_tap(team: Team, db: MemoryDatabase, services: Services) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "hold")
    await team.ivan.send("Ждём запчасти")

    assert await team.ivan.press("Продолжить") == "Работа возобновлена"

    assert db.requests[rid].status is Status.IN_PROGRESS
    assert kinds(db, rid)[-1] is EventKind.RESUMED
    assert "🔧 В работе" in team.ivan.last.text


async def test_complete_with_a_report_and_an_album_of_two_photos(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await open_card(team.ivan, db, rid)

    await team.ivan.press("Выполнено")
    assert "от 3 до 2000 символов" in team.ivan.last.text
    await team.ivan.send("Заменил замок")
    assert team.ivan.last.text.startswith("Отчёт записан.")
    assert team.ivan.buttons() == ["✅ Готово", "❌ Отмена"]
    await team.ivan.send_album(2)
    assert team.ivan.last.text.startswith("📷 Фото 2 из 10.")
    assert db.requests[rid].status is Status.IN_PROGRESS, "nothing happens before «Готово»"

    await team.ivan.press("Готово")

    request = db.requests[rid]
    assert request.status is Status.COMPLETED
    event = db.history[rid][-1]
    assert event.kind is EventKind.COMPLETED
    assert event.payload["report"] == "Заменил замок"
    assert [a.file_id for a in event.attachments] == ["album-1-photo-0", "album-1-photo-1"]
    (to_author,) = [m for m in db.outbox if m.recipient == UserId(ANNA)][-1:]
    assert to_author.template == "request_completed"
    assert [a.file_id for a in to_author.attachments] == ["album-1-photo-0", "album-1-photo-1"]
    assert team.ivan.texts[-2].startswith(f"✅ Заявка №{rid} выполнена.")
    assert "📷 Фото: 2." in team.ivan.texts[-2]
    assert "✅ Выполнена" in team.ivan.last.text
    assert "📝 Отчёт: Заменил замок" in team.ivan.last.text


async def test_a_photo_with_a_caption_is_a_report_and_its_photo(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "complete")
    await team.ivan.send_photo("done-1", caption="Отремонтировал")
    assert team.ivan.last.text.startswith("Отчёт записан, фото: 1 из 10.")

    await team.ivan.press("Готово")

    event = db.history[rid][-1]
    assert (event.kind, event.payload["report"]) == (EventKind.COMPLETED, "Отремонтировал")
    assert [a.file_id for a in event.attachments] == ["done-1"]


async def test_a_too_short_report_is_asked_again_before_the_photos(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "complete")

    await team.ivan.send("ok")

    assert team.ivan.last.text == "Слишком коротко: нужно не меньше 3 символов, сейчас 2."
    await team.ivan.send("Всё сделано")
    assert team.ivan.last.text.startswith("Отчёт записан.")


@pytest.mark.parametrize(
    "workflow",
    [WorkflowSettings(admin_ids=frozenset({UserId(ADMIN_ID)}), require_completion_photo=True)],
)
async def test_a_required_photo_is_asked_for(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "complete")
    await team.ivan.send("Заменил замок")
    assert "хотя бы одно фото" in team.ivan.last.text

    alert = await team.ivan.press("Готово")

    assert alert == "Нужно приложить хотя бы одно фото."
    assert db.requests[rid].status is Status.IN_PROGRESS
    await team.ivan.send_photo("done-1")
    await team.ivan.press("Готово")
    assert db.requests[rid].status is Status.COMPLETED


async def test_leaving_a_typed_reason_changes_nothing(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "hold")

    await team.ivan.press("Отмена")

    assert team.ivan.last.text == "Отменено."
    await team.ivan.send("Ждём запчасти")
    assert team.ivan.last.text == "Не понял. Выберите действие в меню."
    await act(team.ivan, db, rid, "hold")
    await team.ivan.send("/cancel")
    await team.ivan.send("Ждём запчасти")
    assert db.requests[rid].status is Status.IN_PROGRESS
    assert EventKind.PUT_ON_HOLD not in kinds(db, rid)


async def test_a_change_while_typing_asks_before_acting_and_keeps_the_text(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "hold")
    await act(team.boss, db, rid, "change_priority", "high")

    await team.ivan.send("Ждём запчасти")

    assert db.requests[rid].status is Status.IN_PROGRESS
    assert f"Заявка №{rid} изменилась, пока вы писали" in team.ivan.texts[-3]
    assert "🔴 Срочный" in team.ivan.texts[-2]
    assert team.ivan.last.text == f"Ваш текст сохранён. Всё равно отложить заявку №{rid}?"
    await team.ivan.press("Да")
    assert db.requests[rid].status is Status.ON_HOLD
    assert db.history[rid][-1].payload["reason"] == "Ждём запчасти"


async def test_a_reason_typed_for_a_card_the_core_now_refuses_is_given_back(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "hold")
    await act(team.boss, db, rid, "reassign", str(PETR))

    await team.ivan.send("Ждём запчасти")

    assert team.ivan.texts[-2] == "Это может только исполнитель заявки или администратор."
    assert team.ivan.last.text == "Ваш текст не отправлен — вот он, чтобы не пропал:\nЖдём запчасти"
    assert (db.requests[rid].status, db.requests[rid].assignee) == (Status.IN_PROGRESS, PETR)
    assert EventKind.PUT_ON_HOLD not in kinds(db, rid)


# --- admin ---------------------------------------------------------------------------------


async def test_an_admin_assigns_from_a_list_with_everyones_load(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    busy = await new_request(services)
    await in_progress(services, busy, by=PETR)
    rid = await new_request(services)
    await open_card(team.boss, db, rid)

    await team.boss.press("Назначить")

    assert f"Кому назначить заявку №{rid}?" in team.boss.last.text
    assert team.boss.buttons() == [
        "Завхоз · в работе: 0",
        "Иван · в работе: 0",
        "Пётр · в работе: 1",
        "◀️ Назад",
    ]
    assert await team.boss.press("Иван") == "Назначено"
    assert db.requests[rid].assignee == UserId(IVAN)
    assert db.requests[rid].status is Status.IN_PROGRESS
    assert kinds(db, rid)[-1] is EventKind.ASSIGNED
    assert outbox(db, IVAN)[-1] == "request_assigned_to_you"
    assert "🛠 Исполнитель: Иван" in team.boss.last.text


async def test_back_from_the_list_shows_the_card(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await open_card(team.boss, db, rid)
    await team.boss.press("Назначить")

    await team.boss.press("Назад")

    assert f"Заявка №{rid}" in team.boss.last.text
    assert "👷 Назначить" in team.boss.buttons()
    assert db.requests[rid].assignee is None


async def test_reassign_lists_everyone_but_the_current_assignee(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await open_card(team.boss, db, rid)

    await team.boss.press("Переназначить")

    assert "Сейчас у: Иван" in team.boss.last.text
    assert not [b for b in team.boss.buttons() if b.startswith("Иван")]
    assert await team.boss.press("Пётр") == "Переназначено"
    assert db.requests[rid].assignee == UserId(PETR)
    assert kinds(db, rid)[-1] is EventKind.REASSIGNED
    assert outbox(db, IVAN)[-1] == "request_reassigned"
    assert outbox(db, PETR)[-1] == "request_assigned_to_you"


async def test_the_list_of_people_is_paged(
    world: World, team: Team, db: MemoryDatabase, services: Services
) -> None:
    for n in range(8):
        await join(world, db, 300 + n, f"Мастер {n}", Role.EXECUTOR)
    rid = await new_request(services)
    await open_card(team.boss, db, rid)

    await team.boss.press("Назначить")
    first = team.boss.buttons()
    await team.boss.press("▶️")
    second = team.boss.buttons()

    people = [b for b in first + second if "в работе" in b]
    assert len(people) == 11, "three executors, the admin and eight more, none left out"
    assert len(set(people)) == 11
    assert "▶️" in first
    assert "◀️" in second


async def test_an_admin_rejects_with_a_reason(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await open_card(team.boss, db, rid)

    await team.boss.press("Отклонить")
    assert "Заявитель увидит причину" in team.boss.last.text
    await team.boss.send("Не наша зона ответственности")

    assert db.requests[rid].status is Status.REJECTED
    assert db.history[rid][-1].payload["reason"] == "Не наша зона ответственности"
    assert outbox(db, ANNA)[-1] == "request_rejected"
    assert "❌ Отклонена" in team.boss.last.text


async def test_an_admin_changes_the_priority_and_the_deadline_follows(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await open_card(team.boss, db, rid)
    before = db.requests[rid].respond_by
    assert "⏰ Срок: до 12.01, 16:00 (осталось 8 ч)" not in team.boss.last.text

    await team.boss.press("Срочность")
    assert team.boss.buttons() == [
        "🔴 Срочный — мешает работе, нужно сегодня",
        "🟢 Низкий — можно в течение недели",
        "◀️ Назад",
    ]
    alert = await team.boss.press("Срочный")

    assert alert == "Срочность изменена: 🔴 Срочный"
    request = db.requests[rid]
    assert request.priority is Priority.HIGH
    assert request.respond_by < before
    assert kinds(db, rid)[-1] is EventKind.PRIORITY_CHANGED
    assert "🔴 Срочный" in team.boss.last.text
    assert "⏰ Срок: до 12.01, 16:00 (осталось 4 ч)" in team.boss.last.text


# --- author --------------------------------------------------------------------------------


async def completed(team: Team, db: MemoryDatabase, services: Services) -> RequestId:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "complete")
    await team.ivan.send("Заменил замок")
    await team.ivan.press("Готово")
    assert db.requests[rid].status is Status.COMPLETED
    return rid


async def test_the_author_confirms_the_fix(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await completed(team, db, services)
    await open_card(team.anna, db, rid)

    assert await team.anna.press("Всё исправлено") == "Спасибо! Исправление подтверждено"

    assert db.requests[rid].confirmed_at is not None
    assert kinds(db, rid)[-1] is EventKind.CONFIRMED
    assert "✅ Всё исправлено" not in team.anna.buttons()


async def test_the_author_reopens_with_a_reason(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await completed(team, db, services)
    await open_card(team.anna, db, rid)

    await team.anna.press("Не исправлено")
    await team.anna.send("Дверь всё так же не закрывается")

    request = db.requests[rid]
    assert (request.status, request.assignee) == (Status.IN_PROGRESS, UserId(IVAN))
    assert db.history[rid][-1].payload["reason"] == "Дверь всё так же не закрывается"
    assert outbox(db, IVAN)[-1] == "request_reopened"
    assert team.anna.texts[-2].startswith(f"↩️ Заявка №{rid} возвращена в работу.")


async def test_the_author_rates_four_stars(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await completed(team, db, services)
    await open_card(team.anna, db, rid)

    assert await team.anna.press("★★★★") == "Спасибо за оценку ★★★★!"

    assert db.requests[rid].rating == 4
    assert kinds(db, rid)[-1] is EventKind.RATED
    assert "Оценка: ★★★★" in team.anna.last.text
    assert not [b for b in team.anna.buttons() if b.startswith("★")]


async def test_a_low_rating_asks_what_went_wrong_and_tells_the_admins_and_the_assignee(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await completed(team, db, services)
    await open_card(team.anna, db, rid)

    await act(team.anna, db, rid, "rate", "2")
    assert team.anna.last.text.startswith(f"★★ — что пошло не так с заявкой №{rid}?")
    assert team.anna.buttons() == ["Пропустить", "❌ Отмена"]
    assert db.requests[rid].rating is None, "nothing is stored before the answer"
    await team.anna.send("Дверь   снова скрипит")

    request = db.requests[rid]
    assert (request.rating, request.feedback) == (2, "Дверь снова скрипит")
    assert kinds(db, rid).count(EventKind.RATED) == 1
    assert team.anna.texts[-2] == (
        "Спасибо за оценку ★★! Ваш отзыв передан администратору и исполнителю."
    )
    assert "Оценка: ★★" in team.anna.last.text
    told = {m.recipient: m.params.get("feedback") for m in db.outbox if m.template == "low_rating"}
    assert told == {UserId(ADMIN_ID): "Дверь снова скрипит", UserId(IVAN): "Дверь снова скрипит"}


async def test_a_low_rating_may_skip_what_went_wrong(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await completed(team, db, services)
    await act(team.anna, db, rid, "rate", "1")

    await team.anna.press("Пропустить")

    assert (db.requests[rid].rating, db.requests[rid].feedback) == (1, None)
    assert team.anna.texts[-2] == "Спасибо за оценку ★!"
    assert outbox(db, IVAN)[-1] == "low_rating"
    await team.anna.send("ещё текст")
    assert team.anna.last.text == "Не понял. Выберите действие в меню.", "the conversation is over"


@pytest.mark.parametrize(("action", "arg"), [("rate", "9"), ("rate", ""), ("change_priority", "x")])
async def test_a_choice_no_button_offers_is_a_stale_button(
    team: Team, db: MemoryDatabase, services: Services, action: str, arg: str
) -> None:
    rid = await completed(team, db, services) if action == "rate" else await new_request(services)
    person = team.anna if action == "rate" else team.boss
    before = (len(db.history[rid]), db.requests[rid].version)

    assert await act(person, db, rid, action, arg) == "Кнопка устарела."

    assert (len(db.history[rid]), db.requests[rid].version) == before


@pytest.mark.parametrize(("press", "typed"), [("Без причины", None), (None, "Уже починили сами")])
async def test_the_author_cancels_with_or_without_a_reason(
    team: Team, db: MemoryDatabase, services: Services, press: str | None, typed: str | None
) -> None:
    rid = await new_request(services)
    await open_card(team.anna, db, rid)

    await team.anna.press("Отменить")
    assert team.anna.buttons() == ["Без причины", "↩️ Не отменять"]
    if press:
        await team.anna.press(press)
    if typed:
        await team.anna.send(typed)

    assert db.requests[rid].status is Status.CANCELLED
    assert db.history[rid][-1].payload["reason"] == typed
    assert "🚫 Отменена" in team.anna.last.text


async def test_a_stale_card_is_refreshed_and_nothing_changes(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await open_card(team.anna, db, rid)
    card_message = team.anna.last.message_id
    await act(team.boss, db, rid, "change_priority", "high")
    events, version = len(db.history[rid]), db.requests[rid].version

    alert = await team.anna.press("Отменить")

    assert alert == "Заявка изменилась — вот актуальное состояние."
    assert team.anna.last.message_id == card_message
    assert "🔴 Срочный" in team.anna.last.text
    assert db.requests[rid].status is Status.OPEN
    assert (len(db.history[rid]), db.requests[rid].version) == (events, version)
    await team.anna.send("Передумала")
    assert team.anna.last.text == f"Ваш текст сохранён. Всё равно отменить заявку №{rid}?", (
        "the text typed after a stale button is kept and waits for a «Да», never «Не понял»"
    )
    assert db.requests[rid].status is Status.OPEN
    assert (len(db.history[rid]), db.requests[rid].version) == (events, version)
    await team.anna.press("Да")
    assert db.requests[rid].status is Status.CANCELLED
    assert db.history[rid][-1].payload["reason"] == "Передумала"


async def test_a_stale_button_leaves_a_report_going_on_alone(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    first, second = await new_request(services), await new_request(services)
    await in_progress(services, first)
    await in_progress(services, second)
    old_hold = CardCb(id=second, action="hold", v=db.requests[second].version).pack()
    await act(team.boss, db, second, "change_priority", "high")
    await act(team.ivan, db, first, "complete")
    await team.ivan.send("Заменил замок")
    await team.ivan.send_photo("done-1")

    assert await team.ivan.press_data(old_hold) == "Заявка изменилась — вот актуальное состояние."
    await team.ivan.press("Готово")

    assert db.requests[first].status is Status.COMPLETED
    assert [a.file_id for a in db.history[first][-1].attachments] == ["done-1"]
    assert db.requests[second].status is Status.IN_PROGRESS


async def test_a_stale_take_tells_who_has_the_request(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await open_card(team.ivan, db, rid)
    await in_progress(services, rid, by=PETR)

    assert await team.ivan.press("Взять") == "Заявку уже взял(а) Пётр."

    assert db.requests[rid].assignee == UserId(PETR)
    assert "🛠 Исполнитель: Пётр" in team.ivan.last.text


async def test_actions_speak_english_to_english_speakers(
    world: World, team: Team, db: MemoryDatabase, services: Services
) -> None:
    john = world.person(IVAN, "Иван", language="en")
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(john, db, rid, "hold")
    assert "3 to 500 characters" in john.last.text
    assert john.buttons() == ["❌ Cancel"]

    await john.send("ok")
    assert john.last.text == "Too short: at least 3 characters are needed, now 2."
    await john.send("Waiting for parts")
    assert john.texts[-2] == f"⏸ Request №{rid} is on hold.\nReason: Waiting for parts"


async def test_an_executor_follows_a_request(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await open_card(team.petr, db, rid)

    assert await team.petr.press("Следить") == "Будем сообщать вам об изменениях"

    assert UserId(PETR) in db.requests[rid].watchers
    assert "🔔 Следить" not in team.petr.buttons()


async def test_more_than_ten_photos_are_refused_one_by_one(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(team.ivan, db, rid, "complete")
    await team.ivan.send("Заменил замок")

    await team.ivan.send_album(11)

    assert team.ivan.texts[-2].startswith("📷 Фото 10 из 10.")
    assert team.ivan.last.text == "Слишком много файлов: можно не больше 10."
    await team.ivan.press("Готово")
    assert len(db.history[rid][-1].attachments) == 10


@pytest.fixture
async def racy_world(services: Services) -> AsyncIterator[World]:
    """Updates of one person handled at the same time (see _racy.py)."""
    world = racy(services)
    yield world
    world.check_rules()


async def test_an_albums_photos_arriving_at_once_are_all_kept(
    racy_world: World, db: MemoryDatabase, services: Services
) -> None:
    ivan = await join(racy_world, db, IVAN, "Иван", Role.EXECUTOR)
    await join(racy_world, db, ANNA, "Анна", Role.STAFF)
    rid = await new_request(services)
    await in_progress(services, rid)
    await act(ivan, db, rid, "complete")
    await ivan.send("Заменил замок")

    await asyncio.gather(*(ivan.send_photo(f"p{n}", album="a") for n in range(4)))

    assert sorted(ivan.texts[-4:]) == sorted(
        f"📷 Фото {n} из 10. Пришлите ещё или нажмите «✅ Готово»." for n in range(1, 5)
    )
    await ivan.press("Готово")
    assert sorted(a.file_id for a in db.history[rid][-1].attachments) == [f"p{n}" for n in range(4)]


async def test_an_unfinished_new_request_is_not_dropped_for_a_question(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    rid = await new_request(services)
    await team.anna.send("📝 Новая заявка")
    wizard_question = team.anna.last.text

    alert = await act(team.anna, db, rid, "comment")

    assert alert == "Сначала закончите новую заявку или выйдите из неё: /cancel."
    assert team.anna.last.text == wizard_question


async def test_an_old_conversation_button_is_stale(
    team: Team, db: MemoryDatabase, services: Services
) -> None:
    first = await new_request(services)
    second = await new_request(services)
    await in_progress(services, first)
    await in_progress(services, second)
    await act(team.ivan, db, first, "hold")
    await act(team.ivan, db, second, "hold")

    assert await team.ivan.press_data(AskCb(op="stop", id=first).pack()) == "Кнопка устарела."
    assert await team.ivan.press_data(AskCb(op="noreason", id=second).pack()) == (
        "Кнопка устарела."
    )
    await team.ivan.send("Ждём запчасти")
    assert db.requests[second].status is Status.ON_HOLD
    assert db.requests[first].status is Status.IN_PROGRESS
