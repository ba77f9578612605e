"""What pushes say beyond the head line: who acted, whose it is, what came with it, by when.

The real use cases write the outbox, ``TelegramNotifier`` sends through the recording session, and
replies are typed through the real dispatcher («💬 Ответить» on the push).
"""

from typing import Any

import pytest

from tests.integration.telegram._requests import document, photo, visible
from tests.integration.telegram.test_notices import (
    ADMINS,
    ANNA,
    BOB,
    BOSS,
    IVAN,
    JANE,
    MOSCOW,
    PETE,
    Desk,
    deliver,
    gather,
    notifier_for,
)
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.notices import TelegramNotifier, render_notice
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.use_cases._user_change import UserCommand
from zavhoz.application.use_cases.assign_request import AssignRequestCommand
from zavhoz.application.use_cases.reassign_request import ReassignRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import User


@pytest.fixture
async def team(world: World, db: MemoryDatabase) -> dict[int, Person]:
    return await gather(world, db)


@pytest.fixture
def notifier(world: World, clock: FakeClock) -> TelegramNotifier:
    return notifier_for(world, clock)


@pytest.fixture
def desk(services: Services, db: MemoryDatabase) -> Desk:
    return Desk(services, db)


PLACE = "📍 Каб. 305 · Не закрывается дверь в кабинет"


# --- a new request: category, files, author ----------------------------------------------------


async def test_a_new_request_names_its_author_category_and_photos(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.file(watched=False, attachments=(photo(1), photo(2), photo(3), document(1)))

    pushes = await deliver(world, db, notifier)

    assert set(pushes) == set(ADMINS)
    assert pushes[BOSS].text == (
        f"🆕 Заявка №{rid} · 🟡 Обычный\n{PLACE}\n"
        "🔐 Двери, замки, охрана · 📷 3 фото · 📄 1 документ\n👤 Заявитель: Анна"
    )
    assert pushes[JANE].text == (
        f"🆕 Request №{rid} · 🟡 Normal\n{PLACE}\n"
        "🔐 Doors, locks, security · 📷 3 photos · 📄 1 document\n👤 Reported by: Анна"
    )
    assert pushes[BOSS].photos == 0, "a count, not the photos themselves"


async def test_a_new_request_without_files_says_only_its_category(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    await desk.file(watched=False, attachments=(photo(1),))
    one_photo = await deliver(world, db, notifier)
    mark = len(db.outbox)
    await desk.file(watched=False)

    no_files = await deliver(world, db, notifier, mark)

    assert "\n🔐 Двери, замки, охрана · 📷 1 фото\n" in one_photo[BOSS].text
    assert no_files[BOSS].text.split("\n")[2:] == ["🔐 Двери, замки, охрана", "👤 Заявитель: Анна"]


# --- taken, assigned, reassigned: who works on it; the assignee: whose and by when ------------


async def test_the_author_and_watchers_hear_who_took_it(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.file()
    mark = len(db.outbox)
    await desk.services.take(TakeRequestCommand(actor_id=UserId(IVAN), request_id=rid))

    pushes = await deliver(world, db, notifier, mark)

    assert pushes[ANNA].text == (f"🔧 Заявка №{rid} взята в работу.\n{PLACE}\n🛠 Исполнитель: Иван")
    assert pushes[BOB].text.endswith("\n🛠 Technician: Иван")


async def test_the_assignee_hears_whose_request_it_is_and_by_when(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    """Filed and assigned on Monday 12:00: 48 working hours, so due next Monday 10:00."""
    rid = await desk.file()
    mark = len(db.outbox)
    await desk.services.assign(
        AssignRequestCommand(actor_id=UserId(BOSS), request_id=rid, assignee_id=UserId(IVAN))
    )

    pushes = await deliver(world, db, notifier, mark)

    assert pushes[IVAN].text == (
        f"👷 Заявка №{rid} назначена вам · 🟡 Обычный\n{PLACE}\n"
        "👤 Заявитель: Анна\n⏰ Срок: до 19.01, 10:00 (осталось 166 ч)"
    )
    assert pushes[ANNA].text.endswith("назначена исполнителю.\n" + PLACE + "\n🛠 Исполнитель: Иван")
    assert pushes[BOB].text.endswith("\n🛠 Technician: Иван")


async def test_a_reassignment_names_the_new_assignee(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.taken()
    mark = len(db.outbox)
    await desk.services.reassign(
        ReassignRequestCommand(actor_id=UserId(BOSS), request_id=rid, assignee_id=UserId(PETE))
    )

    pushes = await deliver(world, db, notifier, mark)

    assert pushes[ANNA].text.endswith("\n🛠 Исполнитель: Pete")
    assert pushes[IVAN].text.endswith("больше не у вас.\n" + PLACE + "\n🛠 Исполнитель: Pete")
    assert pushes[PETE].text.startswith(f"👷 Request №{rid} is assigned to you · 🟡 Normal")
    assert "\n👤 Reported by: Анна\n⏰ Due: by 19.01, 10:00 (166 h left)" in pushes[PETE].text


async def test_a_nameless_person_is_named_by_id(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    db.users[UserId(IVAN)].name = ""
    rid = await desk.file()
    mark = len(db.outbox)
    await desk.services.take(TakeRequestCommand(actor_id=UserId(IVAN), request_id=rid))

    pushes = await deliver(world, db, notifier, mark)

    assert pushes[ANNA].text.endswith(f"\n🛠 Исполнитель: без имени (id {IVAN})")


# --- comments and notes: the writer, and the whole conversation --------------------------------


async def test_comment_and_note_pushes_name_their_writer(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.taken()
    mark = len(db.outbox)
    await desk.comment(rid, IVAN, "Буду после обеда")
    comment = await deliver(world, db, notifier, mark)
    mark = len(db.outbox)
    await desk.comment(rid, IVAN, "Замок китайский", internal=True)
    note = await deliver(world, db, notifier, mark)

    assert comment[ANNA].text.endswith(f"{PLACE}\n💬 Иван: Буду после обеда")
    assert note[JANE].text == (
        f"🔒 Request №{rid}: an internal note.\n{PLACE}\n💬 Иван: Замок китайский"
    )
    assert ANNA not in note


async def test_the_admin_who_asked_hears_the_authors_answer(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    """Завхоз is not the assignee; he asks, Анна answers on the push, and he is told."""
    anna = team[ANNA]
    rid = await desk.taken()
    mark = len(db.outbox)
    await desk.comment(rid, BOSS, "На каком этаже кабинет?")
    asked = await deliver(world, db, notifier, mark)
    assert set(asked) == {ANNA, IVAN}
    assert asked[ANNA].text.endswith("💬 Завхоз: На каком этаже кабинет?")

    await anna.press("Ответить")
    mark = len(db.outbox)
    await anna.send("На третьем")

    answered = await deliver(world, db, notifier, mark)
    assert set(answered) == {IVAN, BOSS}, "the assignee and the admin who asked; not Jane"
    assert answered[BOSS].text.endswith(f"{PLACE}\n💬 Анна: На третьем")
    assert answered[BOSS].buttons == ["💬 Ответить", f"📄 Открыть №{rid}"]


async def test_an_executor_who_asked_an_unassigned_request_hears_the_answer(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.file()
    await desk.comment(rid, PETE, "Which door exactly?")
    mark = len(db.outbox)

    await desk.comment(rid, ANNA, "Входная")
    answered = await deliver(world, db, notifier, mark)

    assert set(answered) == {PETE, *ADMINS}
    assert answered[PETE].text.endswith("💬 Анна: Входная")


async def test_the_conversation_goes_on_among_everyone_in_it(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.taken()
    await desk.comment(rid, BOSS, "На каком этаже?")
    await desk.comment(rid, JANE, "And which door?")
    mark = len(db.outbox)

    await desk.comment(rid, IVAN, "Уже нашёл")
    pushes = await deliver(world, db, notifier, mark)

    assert set(pushes) == {ANNA, BOSS, JANE}, "never the writer, never Bob the watcher"
    assert pushes[JANE].text.endswith("💬 Иван: Уже нашёл")


async def test_someone_who_may_no_longer_see_the_request_leaves_the_conversation(
    world: World,
    db: MemoryDatabase,
    services: Services,
    desk: Desk,
    notifier: TelegramNotifier,
    team: Any,
) -> None:
    rid = await desk.taken()
    await desk.comment(rid, PETE, "Which door?")
    await services.demote_user(UserCommand(actor_id=UserId(BOSS), user_id=UserId(PETE)))
    mark = len(db.outbox)

    await desk.comment(rid, ANNA, "Входная")

    assert {m.recipient for m in db.outbox[mark:]} == {UserId(IVAN)}


async def test_an_internal_note_keeps_its_audience_after_a_conversation(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.taken()
    await desk.comment(rid, PETE, "Which door?")
    await desk.comment(rid, ANNA, "Входная")
    mark = len(db.outbox)

    await desk.comment(rid, IVAN, "Замок китайский", internal=True)

    told = {(m.recipient, m.template) for m in db.outbox[mark:]}
    assert told == {(UserId(a), "internal_note_added") for a in ADMINS}
    assert all(m.recipient != ANNA for m in db.outbox[mark:])


# --- messages written before names were recorded still render ------------------------------------

OLD_PARAMS = {
    "request_id": 142,
    "title": "Дверь",
    "location": "Каб. 305",
    "priority": "medium",
    "status": "in_progress",
    "version": 3,
    "actor": IVAN,
    "text": "Буду после обеда",
}


@pytest.mark.parametrize(
    ("template", "expected"),
    [
        ("request_created", "🆕 Заявка №142 · 🟡 Обычный\n📍 Каб. 305 · Дверь"),
        ("request_taken", "🔧 Заявка №142 взята в работу.\n📍 Каб. 305 · Дверь"),
        (
            "request_assigned_to_you",
            "👷 Заявка №142 назначена вам · 🟡 Обычный\n📍 Каб. 305 · Дверь",
        ),
        (
            "comment_added",
            "💬 Заявка №142: новый комментарий.\n📍 Каб. 305 · Дверь\n💬 Буду после обеда",
        ),
    ],
)
def test_a_message_from_before_names_were_recorded_says_what_it_knows(
    template: str, expected: str, clock: FakeClock
) -> None:
    message = OutboxMessage(
        recipient=UserId(ANNA),
        template=template,
        params=OLD_PARAMS,
        dedupe_key="k",
        request_id=RequestId(142),
        created_at=clock.now(),
    )
    anna = User(id=UserId(ANNA), language="ru", created_at=clock.now())

    notice = render_notice(message, anna, Translator().for_language("ru"), clock.now(), MOSCOW)

    assert visible(notice.text) == expected
