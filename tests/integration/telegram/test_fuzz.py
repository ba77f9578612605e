"""Random text, captions and callback data at every step: no crash, every update answered."""

import asyncio
import logging
from collections.abc import Awaitable, Callable

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.integration.telegram.conftest import ADMIN_ID
from tests.unit.builders import MONDAY_NOON_MSK
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.telegram.callbacks import CardCb, ListCb, UserCb, WizardCb
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.i18n import default_translator
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import build_services
from zavhoz.adapters.telegram.testing import Person, RecordingSession, World
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.domain.catalog import Category
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role

STAFF, EXECUTOR = 101, 201
Setup = Callable[[World, MemoryDatabase], Awaitable[Person]]


async def _staff(world: World, db: MemoryDatabase) -> Person:
    person = world.person(STAFF, "Анна")
    await person.send("/start")
    return person


async def _executor_with_a_request(world: World, db: MemoryDatabase) -> Person:
    author = await _staff(world, db)
    worker = world.person(EXECUTOR, "Иван")
    await worker.send("/start")
    db.users[UserId(EXECUTOR)].role = Role.EXECUTOR
    await _report(world, author)
    return worker


async def _report(world: World, author: Person) -> None:
    services = world.dispatcher["services"]
    await services.create_request(
        CreateRequestCommand(
            author_id=UserId(author.id),
            location="Каб. 305",
            category=Category.PLUMBING,
            description="Течёт кран в туалете",
        )
    )


def _wizard(*steps: str) -> Setup:
    async def setup(world: World, db: MemoryDatabase) -> Person:
        person = await _staff(world, db)
        await person.send("📝 Новая заявка")
        for step in steps:
            await (person.press(step[1:]) if step.startswith("!") else person.send(step))
        return person

    return setup


def _card_then(*labels: str) -> Setup:
    async def setup(world: World, db: MemoryDatabase) -> Person:
        worker = await _executor_with_a_request(world, db)
        services = world.dispatcher["services"]
        await services.take(TakeRequestCommand(actor_id=UserId(EXECUTOR), request_id=RequestId(1)))
        await worker.press_data(CardCb(id=1, action="open", v=2).pack())
        for label in labels:
            await worker.press(label)
        return worker

    return setup


async def _queue_search(world: World, db: MemoryDatabase) -> Person:
    worker = await _executor_with_a_request(world, db)
    await worker.send("🛠 Очередь")
    await worker.press("Поиск")
    return worker


async def _admin_users(world: World, db: MemoryDatabase) -> Person:
    await _staff(world, db)
    boss = world.person(ADMIN_ID, "Завхоз")
    await boss.send("/start")
    await boss.send("👥 Пользователи")
    return boss


POSITIONS: dict[str, Setup] = {
    "menu": _staff,
    "wizard: location": _wizard(),
    "wizard: category": _wizard("Каб. 305"),
    "wizard: description": _wizard("Каб. 305", "!Сантехника"),
    "wizard: priority": _wizard("Каб. 305", "!Сантехника", "Течёт кран в туалете"),
    "wizard: files": _wizard("Каб. 305", "!Сантехника", "Течёт кран в туалете", "!Обычный"),
    "wizard: confirm": _wizard(
        "Каб. 305", "!Сантехника", "Течёт кран в туалете", "!Обычный", "!Пропустить"
    ),
    "card": _card_then(),
    "hold reason": _card_then("Отложить"),
    "completion report": _card_then("Выполнено"),
    "queue search": _queue_search,
    "users": _admin_users,
}

MENU_LABELS = sorted(
    {
        t(f"menu.{item}")
        for t in default_translator().all()
        for item in ("new", "my", "help", "queue", "tasks", "stats", "export", "users")
    }
)
ASCII = st.characters(min_codepoint=32, max_codepoint=126)
CALLBACKS = st.one_of(
    st.text(ASCII, max_size=64),
    st.builds(
        lambda i, a, v, g: CardCb(id=i, action=a, v=v, arg=g).pack(),
        st.integers(0, 5),
        st.sampled_from(["open", "take", "hold", "rate", "assign", "history", "files", "x"]),
        st.integers(0, 9),
        st.text(ASCII.filter(lambda c: c != ":"), max_size=4),
    ),
    st.builds(
        lambda s, v: WizardCb(step=s, value=v).pack(),
        st.sampled_from(["loc", "cat", "pri", "files", "send", "edit", "draft", "room"]),
        st.text(ASCII.filter(lambda c: c != ":"), max_size=8),
    ),
    st.builds(
        lambda k, p, f: ListCb(kind=k, page=p, flt=f).pack(),
        st.sampled_from(["my", "queue", "search", "zz"]),
        st.integers(-3, 99),
        st.text(ASCII.filter(lambda c: c != ":"), max_size=6),
    ),
    st.builds(
        lambda i, a: UserCb(id=i, action=a).pack(),
        st.integers(0, 10**6),
        st.sampled_from(["open", "approve", "block", "promote", "demote", "x"]),
    ),
)
TEXTS = st.one_of(
    st.text(min_size=1, max_size=300).filter(str.strip),
    st.sampled_from(MENU_LABELS),
    st.sampled_from(["/start", "/cancel", "/help", "/new", "/my", "/queue", "#1", "№1"]),
)
INPUTS = st.lists(
    st.one_of(
        st.tuples(st.just("text"), TEXTS),
        st.tuples(st.just("photo"), st.none() | st.text(max_size=1100)),
        st.tuples(st.just("callback"), CALLBACKS),
        st.tuples(st.just("button"), st.integers(0, 30)),
    ),
    min_size=1,
    max_size=5,
)


class Errors(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def _world() -> tuple[World, MemoryDatabase]:
    db = MemoryDatabase()
    workflow = WorkflowSettings(admin_ids=frozenset({UserId(ADMIN_ID)}))
    services = build_services(memory_uow_factory(db), FakeClock(MONDAY_NOON_MSK), workflow)
    dispatcher = build_dispatcher(services, throttling=Throttle(rate=1e6, burst=10**6))
    dispatcher["services"] = services
    session = RecordingSession()
    bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    return World(dispatcher, bot, session), db


async def _play(position: str, inputs: list[tuple[str, object]]) -> None:
    world, db = _world()
    person = await POSITIONS[position](world, db)
    for kind, value in inputs:
        before = len(world.session.calls)
        await _act(person, kind, value)
        replies = world.session.calls[before:]
        assert replies, f"{kind} {value!r} at {position!r} got no reply"
    world.check_rules()


async def _act(person: Person, kind: str, value: object) -> None:
    if kind == "text":
        await person.send(str(value))
    elif kind == "photo":
        await person.send_photo("fuzz-photo", caption=value if isinstance(value, str) else None)
    elif kind == "callback":
        await person.press_data(str(value))
    else:
        buttons = [b for shown in person.screens[-3:] for b in shown.buttons if b.callback_data]
        if buttons:
            await person.press_data(str(buttons[int(str(value)) % len(buttons)].callback_data))
        else:
            await person.send("/start")


@pytest.mark.parametrize("position", sorted(POSITIONS))
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(inputs=INPUTS)
def test_anything_anywhere_is_answered_and_nothing_crashes(
    position: str, inputs: list[tuple[str, object]]
) -> None:
    errors = Errors()
    log = logging.getLogger("zavhoz")
    log.addHandler(errors)
    try:
        asyncio.run(_play(position, inputs))
    finally:
        log.removeHandler(errors)
    assert not errors.records, [r.getMessage() for r in errors.records]
