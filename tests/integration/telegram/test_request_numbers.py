"""People see the number they say («Заявка №7», counted per organization), never the id (42).

Every button keeps carrying the id: it is internal and stable. A request here is stored with id
42 and numbered 7, so the two cannot be mistaken for each other.
"""

from typing import Any

import pytest
from aiogram.fsm.storage.base import StorageKey

from tests.integration.telegram._requests import numbers_in, visible
from tests.integration.telegram.test_notices import (
    ANNA,
    IVAN,
    JANE,
    MOSCOW,
    Desk,
    deliver,
    gather,
    msk,
    notifier_for,
)
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.memory.repositories import MemoryRequestRepository
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.notices import TelegramNotifier, render_notice
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.adapters.telegram.testing.session import Shown
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.application.use_cases.scan_sla import ScanSla
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.domain.catalog import Category
from zavhoz.domain.ids import FIRST_ORG, RequestId, RoomCode, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import User

ID, NUMBER = RequestId(42), 7


@pytest.fixture
async def team(world: World, db: MemoryDatabase) -> dict[int, Person]:
    return await gather(world, db)


@pytest.fixture
def notifier(world: World, clock: FakeClock) -> TelegramNotifier:
    return notifier_for(world, clock)


@pytest.fixture
async def seventh(services: Services, db: MemoryDatabase, team: Any) -> RequestId:
    """Анна's request, stored with id 42, the seventh of her school."""
    db.last_request_id = ID - 1
    rid = await Desk(services, db).file(watched=False)
    assert rid == ID
    db.requests[rid].number = NUMBER
    return rid


def card_ids(shown: Shown) -> set[int]:
    """The requests the buttons of ``shown`` act on."""
    return {
        CardCb.unpack(b.callback_data or "").id for b in shown.buttons if _is_card(b.callback_data)
    }


def _is_card(data: str | None) -> bool:
    return (data or "").startswith(f"{CardCb.__prefix__}{CardCb.__separator__}")


async def test_the_card_shows_the_number_and_its_buttons_carry_the_id(
    team: dict[int, Person], seventh: RequestId
) -> None:
    ivan = team[IVAN]

    await ivan.press_data(CardCb(id=seventh).pack())

    card = ivan.last
    assert visible(card.text).startswith("Заявка №7 · 🆕 Новая")
    assert "42" not in visible(card.text)
    assert card_ids(card) == {ID}
    await ivan.press("📜 История")
    assert visible(ivan.last.text).startswith("История заявки №7")


async def test_a_list_line_and_its_button_show_the_number(
    team: dict[int, Person], seventh: RequestId
) -> None:
    anna = team[ANNA]

    await anna.send("📋 Мои заявки")

    assert numbers_in(anna.last.text) == [NUMBER]
    assert "№42" not in visible(anna.last.text)
    assert [b for b in anna.buttons() if b.startswith("№")] == [
        "№7 · Не закрывается дверь в кабинет"
    ]
    assert card_ids(anna.last) == {ID}
    await anna.press("№7 · ")
    assert visible(anna.last.text).startswith("Заявка №7 ")


async def test_the_queue_shows_the_number(team: dict[int, Person], seventh: RequestId) -> None:
    ivan = team[IVAN]

    await ivan.send("🛠 Очередь")

    assert numbers_in(ivan.last.text) == [NUMBER]
    assert card_ids(ivan.last) == {ID}


async def test_a_typed_action_asks_and_answers_with_the_number(
    team: dict[int, Person], seventh: RequestId
) -> None:
    ivan = team[IVAN]
    await ivan.press_data(CardCb(id=seventh).pack())

    await ivan.press("💬 Комментарий")
    assert visible(ivan.last.text).startswith("💬 Комментарий к заявке №7 —")
    await ivan.send("Буду после обеда")

    assert "💬 Комментарий к заявке №7 добавлен." in ivan.texts
    assert visible(ivan.last.text).startswith("Заявка №7 ")


async def test_a_push_shows_the_number_and_opens_by_the_id(
    world: World,
    db: MemoryDatabase,
    services: Services,
    notifier: TelegramNotifier,
    team: dict[int, Person],
    seventh: RequestId,
) -> None:
    mark = len(db.outbox)
    await services.take(TakeRequestCommand(actor_id=UserId(IVAN), request_id=seventh))

    pushes = await deliver(world, db, notifier, mark)

    taken = pushes[ANNA]
    assert taken.text.startswith("🔧 Заявка №7 взята в работу.")
    assert taken.buttons == ["📄 Открыть №7"]
    assert card_ids(taken.shown[-1]) == {ID}
    await team[ANNA].press("Открыть №7")
    assert visible(team[ANNA].last.text).startswith("Заявка №7 ")


async def test_muting_warnings_on_a_warning_keeps_its_number(
    world: World,
    db: MemoryDatabase,
    clock: FakeClock,
    workflow: WorkflowSettings,
    notifier: TelegramNotifier,
    team: dict[int, Person],
    seventh: RequestId,
) -> None:
    jane = team[JANE]
    clock.set(msk(12, 18))
    mark = len(db.outbox)
    await ScanSla(memory_uow_factory(db), clock, workflow)()
    pushes = await deliver(world, db, notifier, mark)
    assert pushes[JANE].text.startswith("⏰ Request №7")

    await jane.press("Stop deadline warnings")

    assert jane.buttons() == ["📄 Open №7", "🔔 Send deadline warnings"]
    assert card_ids(jane.last) == {ID}


async def test_searching_the_id_does_not_find_the_request_numbered_otherwise(
    team: dict[int, Person], seventh: RequestId
) -> None:
    ivan = team[IVAN]
    await ivan.send("🛠 Очередь")
    await ivan.press("🔍 Поиск")

    await ivan.send("№42")

    assert ivan.last.text == "Заявки №42 нет."


# --- the wizard -------------------------------------------------------------------------------


@pytest.fixture
def numbered_seventh(monkeypatch: pytest.MonkeyPatch, db: MemoryDatabase) -> None:
    """A new request is stored with id 42 and numbered 7 (as the seventh of its school)."""
    db.last_request_id = ID - 1
    store = MemoryRequestRepository.add

    async def add(self: MemoryRequestRepository, request: Request) -> None:
        await store(self, request)
        request.number = NUMBER
        self._stage.requests[request.id].number = NUMBER

    monkeypatch.setattr(MemoryRequestRepository, "add", add)


async def filed_by_wizard(anna: Person) -> str:
    """Анна writes a request through the wizard; the data of its «✅ Отправить»."""
    await anna.send("📝 Новая заявка")
    await anna.send("Каб. 305")
    await anna.press("Сантехника")
    await anna.send("Течёт кран в туалете")
    await anna.press("Обычный")
    await anna.press("Пропустить")
    send = anna.last.buttons[0].callback_data
    assert send is not None
    await anna.press("Отправить")
    return send


async def test_the_wizard_accepts_with_the_number(
    world: World,
    db: MemoryDatabase,
    notifier: TelegramNotifier,
    team: dict[int, Person],
    numbered_seventh: None,
) -> None:
    anna = team[ANNA]

    send = await filed_by_wizard(anna)

    assert list(db.requests) == [ID]
    assert visible(anna.last.text).startswith("✅ Заявка №7 принята.")
    assert await anna.press_data(send) == "Заявка №7 уже отправлена."
    pushes = await deliver(world, db, notifier)
    assert pushes[JANE].text.startswith("🆕 Request №7 ")


async def test_a_draft_sent_before_numbers_were_kept_is_named_by_its_id(
    world: World, team: dict[int, Person], numbered_seventh: None
) -> None:
    anna = team[ANNA]
    send = await filed_by_wizard(anna)
    key = StorageKey(bot_id=42, chat_id=anna.id, user_id=anna.id)
    submitted = (await world.dispatcher.storage.get_data(key))["submitted"]
    old = {"key": submitted["key"], "id": submitted["id"]}
    await world.dispatcher.storage.set_data(key, {"submitted": old})

    assert await anna.press_data(send) == "Заявка №42 уже отправлена."


async def test_a_rooms_hint_names_its_requests_by_number(
    team: dict[int, Person], db: MemoryDatabase, services: Services, numbered_seventh: None
) -> None:
    db.rooms[FIRST_ORG, RoomCode("gym")] = Room.create("gym", "Спортзал")
    command = CreateRequestCommand(
        author_id=UserId(IVAN),
        location="Спортзал",
        room_code=RoomCode("gym"),
        category=Category.ELECTRICAL,
        description="Не горит свет над шведской стенкой",
    )
    await services.create_request(command)
    anna = team[ANNA]

    await anna.send("/start room_gym")

    assert "№7 · 🆕 Новая · Не горит свет" in visible(anna.last.text)
    same = anna.last.buttons[0]
    assert same.text == "Это та же проблема — сообщить мне (№7)"
    assert (same.callback_data or "").endswith(":42"), "the button carries the id"
    await anna.press("Это та же проблема")
    assert anna.last.text == "👀 Мы сообщим вам о ходе работ по заявке №7."
    assert db.requests[ID].watchers == {UserId(ANNA)}


# --- messages queued before numbers were recorded ----------------------------------------------


def queued(params: dict[str, Any], clock: FakeClock) -> OutboxMessage:
    return OutboxMessage(
        recipient=UserId(ANNA),
        template="request_taken",
        params={"request_id": ID, "title": "Дверь", "location": "Каб. 305", **params},
        dedupe_key="k",
        request_id=ID,
        created_at=clock.now(),
    )


@pytest.mark.parametrize(
    ("params", "shown"),
    [({"number": NUMBER}, NUMBER), ({}, ID)],
    ids=["with its number", "queued before numbers: its id"],
)
def test_a_queued_push_shows_its_number_or_else_its_id(
    params: dict[str, Any], shown: int, clock: FakeClock
) -> None:
    anna = User(id=UserId(ANNA), language="ru", created_at=clock.now())
    t = Translator().for_language("ru")

    notice = render_notice(queued(params, clock), anna, t, clock.now(), MOSCOW)

    assert visible(notice.text).startswith(f"🔧 Заявка №{shown} взята в работу.")
    assert notice.markup is not None
    (button,) = [b for row in notice.markup.inline_keyboard for b in row]  # type: ignore[union-attr]
    assert button.text == f"📄 Открыть №{shown}"
    assert CardCb.unpack(button.callback_data or "").id == ID
