"""Outbox messages as pushes: every row of DOMAIN.md's notification table, end to end.

The real use case runs over the in-memory core and writes the outbox; ``TelegramNotifier`` sends
what it wrote through the world's recording session; each person sees the push in their own
language (Анна, Иван and Завхоз read Russian; Bob, Pete and Jane English) with the right buttons.
The session fails the test on anything Telegram would refuse (length, HTML, callback data).
"""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

import aiohttp
import attrs
import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import (
    ClientDecodeError,
    TelegramBadRequest,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramNotFound,
    TelegramRetryAfter,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.methods import SendMediaGroup, SendMessage, SendPhoto, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, InlineKeyboardMarkup, Message, ReplyKeyboardMarkup

from tests.integration.telegram._requests import NASTY, photo, visible
from tests.integration.telegram.conftest import ADMIN_ID
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.notices import TelegramNotifier, render_notice
from zavhoz.adapters.telegram.notices.render import RENDERERS
from zavhoz.adapters.telegram.services import Services, build_services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.adapters.telegram.testing.rules import MAX_TEXT, html_problems
from zavhoz.adapters.telegram.testing.session import Shown
from zavhoz.application.delivery import (
    DeliveryFailed,
    Notifier,
    RecipientBlocked,
    RecipientUnknown,
    RetryLater,
    TemporaryFailure,
)
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.settings import RegistrationMode, WorkflowSettings
from zavhoz.application.use_cases._user_change import UserCommand
from zavhoz.application.use_cases.add_comment import AddCommentCommand
from zavhoz.application.use_cases.assign_request import AssignRequestCommand
from zavhoz.application.use_cases.cancel_request import CancelRequestCommand
from zavhoz.application.use_cases.complete_request import CompleteRequestCommand
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequestCommand
from zavhoz.application.use_cases.rate_request import RateRequestCommand
from zavhoz.application.use_cases.reassign_request import ReassignRequestCommand
from zavhoz.application.use_cases.reject_request import RejectRequestCommand
from zavhoz.application.use_cases.reopen_request import ReopenRequestCommand
from zavhoz.application.use_cases.resume_request import ResumeRequestCommand
from zavhoz.application.use_cases.scan_sla import ScanSla
from zavhoz.application.use_cases.send_daily_digest import SendDailyDigest
from zavhoz.application.use_cases.take_request import TakeRequestCommand
from zavhoz.application.use_cases.watch_request import WatchRequestCommand
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.sla import SlaKind, SlaLevel
from zavhoz.domain.users import Role, User, UserState

MOSCOW = ZoneInfo("Europe/Moscow")
ANNA, BOB, IVAN, PETE, BOSS, JANE = 101, 102, 201, 202, ADMIN_ID, 9002
"""Анна files requests, Bob watches them, Иван and Pete are executors, Завхоз and Jane admins."""
PEOPLE = {
    ANNA: ("Анна", "ru", Role.STAFF),
    BOB: ("Bob", "en", Role.STAFF),
    IVAN: ("Иван", "ru", Role.EXECUTOR),
    PETE: ("Pete", "en", Role.EXECUTOR),
    BOSS: ("Завхоз", "ru", Role.ADMIN),
    JANE: ("Jane", "en", Role.ADMIN),
}
ADMINS = (BOSS, JANE)


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    """January 2026, Moscow time (the 12th is a Monday)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=MOSCOW)


# --- the people, the notifier, and what each push looked like ---------------------------------


async def gather(world: World, db: MemoryDatabase) -> dict[int, Person]:
    """Everyone in PEOPLE has sent /start and holds their role."""
    people = {}
    for user_id, (name, language, role) in PEOPLE.items():
        person = world.person(user_id, name, language=language)
        await person.send("/start")
        db.users[UserId(user_id)].role = role
        db.users[UserId(user_id)].state = UserState.ACTIVE
        people[user_id] = person
    return people


@pytest.fixture
async def team(world: World, db: MemoryDatabase) -> dict[int, Person]:
    return await gather(world, db)


def notifier_for(world: World, clock: FakeClock) -> TelegramNotifier:
    return TelegramNotifier(world.bot, Translator(), MOSCOW, clock)


@pytest.fixture
def notifier(world: World, clock: FakeClock) -> TelegramNotifier:
    return notifier_for(world, clock)


@attrs.frozen
class Push:
    """One outbox message as its recipient saw it: the album (if any), then the text."""

    message: OutboxMessage
    shown: list[Shown]

    @property
    def text(self) -> str:
        return visible(self.shown[-1].text)

    @property
    def buttons(self) -> list[str]:
        return [button.text for button in self.shown[-1].buttons]

    @property
    def photos(self) -> int:
        return sum(s.photos for s in self.shown)


async def deliver(
    world: World, db: MemoryDatabase, notifier: Notifier, since: int = 0
) -> dict[int, Push]:
    """Send every outbox message from ``since`` on; each recipient's push by their id."""
    pushes: dict[int, Push] = {}
    for message in db.outbox[since:]:
        assert message.recipient not in pushes, f"{message.recipient} told twice"
        before = len(world.session.shown)
        await notifier.send(message, db.users[message.recipient])
        pushes[message.recipient] = Push(message, world.session.shown[before:])
        assert {s.chat_id for s in world.session.shown[before:]} == {message.recipient}
    return pushes


# --- driving the core ---------------------------------------------------------------------------


@attrs.frozen
class Desk:
    services: Services
    db: MemoryDatabase

    async def file(self, *, watched: bool = True, **extra: Any) -> RequestId:
        """Анна files a request and Bob follows it (unless not ``watched``)."""
        fields: dict[str, Any] = {
            "location": "Каб. 305",
            "category": Category.DOORS_LOCKS_SECURITY,
            "description": "Не закрывается дверь в кабинет",
            "priority": Priority.MEDIUM,
        } | extra
        request = await self.services.create_request(
            CreateRequestCommand(author_id=UserId(ANNA), **fields)
        )
        if watched:
            await self.services.watch(
                WatchRequestCommand(actor_id=UserId(BOB), request_id=request.id)
            )
        return request.id

    async def taken(self) -> RequestId:
        rid = await self.file()
        await self.services.take(TakeRequestCommand(actor_id=UserId(IVAN), request_id=rid))
        return rid

    async def on_hold(self) -> RequestId:
        rid = await self.taken()
        await self.hold(rid)
        return rid

    async def completed(self) -> RequestId:
        rid = await self.taken()
        await self.complete(rid)
        return rid

    async def hold(self, rid: RequestId, reason: str = "Ждём запчасти") -> None:
        await self.services.hold(
            HoldRequestCommand(actor_id=UserId(IVAN), request_id=rid, reason=reason)
        )

    async def complete(
        self, rid: RequestId, report: str = "Заменили замок", photos: tuple[Attachment, ...] = ()
    ) -> None:
        await self.services.complete(
            CompleteRequestCommand(
                actor_id=UserId(IVAN), request_id=rid, report=report, photos=photos
            )
        )

    async def comment(
        self, rid: RequestId, actor: int, text: str = "Когда придёте?", internal: bool = False
    ) -> None:
        await self.services.add_comment(
            AddCommentCommand(actor_id=UserId(actor), request_id=rid, text=text, internal=internal)
        )

    async def reject(self, rid: RequestId, reason: str = "Не наша зона") -> None:
        await self.services.reject(
            RejectRequestCommand(actor_id=UserId(BOSS), request_id=rid, reason=reason)
        )

    async def rate(self, rid: RequestId, score: int, feedback: str = "") -> None:
        await self.services.rate(
            RateRequestCommand(
                actor_id=UserId(ANNA), request_id=rid, score=score, feedback=feedback
            )
        )


@pytest.fixture
def desk(services: Services, db: MemoryDatabase) -> Desk:
    return Desk(services, db)


Prepare = Callable[[Desk], Awaitable[RequestId | None]]
Act = Callable[[Desk, RequestId | None], Awaitable[Any]]


async def nothing(desk: Desk) -> None:
    return None


async def create(desk: Desk, _: RequestId | None) -> RequestId:
    request = await desk.services.create_request(
        CreateRequestCommand(
            author_id=UserId(ANNA),
            location="Каб. 305",
            category=Category.DOORS_LOCKS_SECURITY,
            description="Не закрывается дверь в кабинет",
        )
    )
    return request.id


def on(rid: RequestId | None) -> RequestId:
    """The request ``prepare`` filed."""
    assert rid is not None
    return rid


# --- what each template says and offers, in each language ---------------------------------------

PHRASES = {
    "request_created": ("🆕 Заявка №{n} · 🟡 Обычный", "🆕 Request №{n} · 🟡 Normal"),
    "request_taken": ("🔧 Заявка №{n} взята в работу.", "🔧 Request №{n} is taken."),
    "request_assigned": (
        "👷 Заявка №{n} назначена исполнителю.",
        "👷 Request №{n} is assigned to a technician.",
    ),
    "request_assigned_to_you": (
        "👷 Заявка №{n} назначена вам",
        "👷 Request №{n} is assigned to you",
    ),
    "request_reassigned": (
        "🔁 Заявка №{n} передана другому исполнителю",
        "🔁 Request №{n} is passed to another technician",
    ),
    "request_on_hold": (
        "⏸ Заявка №{n} отложена.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Причина: Ждём запчасти",
        "⏸ Request №{n} is on hold.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Reason: Ждём запчасти",
    ),
    "request_resumed": ("▶️ Заявка №{n} снова в работе.", "▶️ Request №{n} is in progress again."),
    "request_completed": (
        "✅ Заявка №{n} выполнена.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Отчёт: Заменили замок\n\nВсё исправлено?",
        "✅ Request №{n} is done.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Report: Заменили замок\n\nIs everything fixed?",
    ),
    "request_completed_watcher": (
        "✅ Заявка №{n} выполнена.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Отчёт: Заменили замок",
        "✅ Request №{n} is done.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Report: Заменили замок",
    ),
    "request_rejected": (
        "❌ Заявка №{n} отклонена.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Причина: Не наша зона",
        "❌ Request №{n} is rejected.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Reason: Не наша зона",
    ),
    "request_cancelled": (
        "🚫 Заявка №{n} отменена.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Причина: Уже починили сами",
        "🚫 Request №{n} is cancelled.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "📝 Reason: Уже починили сами",
    ),
    "request_reopened": (
        "↩️ Заявка №{n} возвращена в работу: заявитель говорит, что не исправлено.\n"
        "📍 Каб. 305 · Не закрывается дверь в кабинет\n📝 Причина: Снова сломалось",
        "↩️ Request №{n} is back in progress: the reporter says it is not fixed.\n"
        "📍 Каб. 305 · Не закрывается дверь в кабинет\n📝 Reason: Снова сломалось",
    ),
    "comment_added": (
        "💬 Заявка №{n}: новый комментарий.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "💬 {who}: Когда придёте?",
        "💬 Request №{n}: a new comment.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "💬 {who}: Когда придёте?",
    ),
    "internal_note_added": (
        "🔒 Заявка №{n}: внутренняя заметка.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "💬 {who}: Когда придёте?",
        "🔒 Request №{n}: an internal note.\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "💬 {who}: Когда придёте?",
    ),
    "low_rating": (
        "⚠️ Заявка №{n}: низкая оценка ★★☆☆☆\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "💬 Отзыв: Долго ждали",
        "⚠️ Request №{n}: a low rating ★★☆☆☆\n📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "💬 Feedback: Долго ждали",
    ),
}

OPEN = (["📄 Открыть №{n}"], ["📄 Open №{n}"])
STARS = ["★", "★★", "★★★", "★★★★", "★★★★★"]
BUTTONS = {
    "request_created": (
        ["🙋 Взять", "👷 Назначить", "❌ Отклонить", "📄 Открыть №{n}"],
        ["🙋 Take", "👷 Assign", "❌ Reject", "📄 Open №{n}"],
    ),
    "request_completed": (
        ["✅ Всё исправлено", "↩️ Не исправлено", *STARS, "📄 Открыть №{n}"],
        ["✅ All fixed", "↩️ Not fixed", *STARS, "📄 Open №{n}"],
    ),
    "comment_added": (["💬 Ответить", "📄 Открыть №{n}"], ["💬 Reply", "📄 Open №{n}"]),
}


def in_language(pair: tuple[Any, Any], user_id: int) -> Any:
    return pair[0] if PEOPLE[user_id][1] == "ru" else pair[1]


def expected_text(template: str, user_id: int, rid: int, actor: int = 0) -> str:
    """The push's beginning; ``{who}`` is the name of the person who acted."""
    who = PEOPLE[actor][0] if actor in PEOPLE else ""
    return str(in_language(PHRASES[template], user_id)).format(n=rid, who=who)


def expected_buttons(template: str, user_id: int, rid: int) -> list[str]:
    labels: list[str] = in_language(BUTTONS.get(template, OPEN), user_id)
    return [label.format(n=rid) for label in labels]


def row(name: str, prepare: Prepare, act: Act, told: dict[int, str]) -> Any:
    return pytest.param(prepare, act, told, id=name)


TABLE = [
    row("created: the admins", nothing, create, dict.fromkeys(ADMINS, "request_created")),
    row(
        "taken: author and watchers",
        Desk.file,
        lambda d, r: d.services.take(TakeRequestCommand(actor_id=UserId(IVAN), request_id=on(r))),
        dict.fromkeys((ANNA, BOB), "request_taken"),
    ),
    row(
        "assigned: author, watchers and the new assignee",
        Desk.file,
        lambda d, r: d.services.assign(
            AssignRequestCommand(actor_id=UserId(BOSS), request_id=on(r), assignee_id=UserId(PETE))
        ),
        {PETE: "request_assigned_to_you", ANNA: "request_assigned", BOB: "request_assigned"},
    ),
    row(
        "reassigned: author, old and new assignee",
        Desk.taken,
        lambda d, r: d.services.reassign(
            ReassignRequestCommand(
                actor_id=UserId(BOSS), request_id=on(r), assignee_id=UserId(PETE)
            )
        ),
        {PETE: "request_assigned_to_you", ANNA: "request_reassigned", IVAN: "request_reassigned"},
    ),
    row(
        "on hold: author and watchers",
        Desk.taken,
        lambda d, r: d.hold(on(r)),
        dict.fromkeys((ANNA, BOB), "request_on_hold"),
    ),
    row(
        "resumed: author and watchers",
        Desk.on_hold,
        lambda d, r: d.services.resume(
            ResumeRequestCommand(actor_id=UserId(IVAN), request_id=on(r))
        ),
        dict.fromkeys((ANNA, BOB), "request_resumed"),
    ),
    row(
        "completed: the author with buttons, watchers the report",
        Desk.taken,
        lambda d, r: d.complete(on(r)),
        {ANNA: "request_completed", BOB: "request_completed_watcher"},
    ),
    row(
        "rejected: author, watchers and the assignee, with the reason",
        Desk.taken,
        lambda d, r: d.reject(on(r)),
        dict.fromkeys((ANNA, BOB, IVAN), "request_rejected"),
    ),
    row(
        "cancelled: the admins (and watchers)",
        Desk.file,
        lambda d, r: d.services.cancel(
            CancelRequestCommand(
                actor_id=UserId(ANNA), request_id=on(r), reason="Уже починили сами"
            )
        ),
        dict.fromkeys((BOB, *ADMINS), "request_cancelled"),
    ),
    row(
        "reopened: assignee and admins",
        Desk.completed,
        lambda d, r: d.services.reopen(
            ReopenRequestCommand(actor_id=UserId(ANNA), request_id=on(r), reason="Снова сломалось")
        ),
        dict.fromkeys((IVAN, *ADMINS), "request_reopened"),
    ),
    row(
        "public comment of the author: the assignee",
        Desk.taken,
        lambda d, r: d.comment(on(r), ANNA),
        {IVAN: "comment_added"},
    ),
    row(
        "public comment of the author, nobody assigned: the admins",
        Desk.file,
        lambda d, r: d.comment(on(r), ANNA),
        dict.fromkeys(ADMINS, "comment_added"),
    ),
    row(
        "public comment of the assignee: the author",
        Desk.taken,
        lambda d, r: d.comment(on(r), IVAN),
        {ANNA: "comment_added"},
    ),
    row(
        "internal note: assignee and admins, never the author",
        Desk.taken,
        lambda d, r: d.comment(on(r), BOSS, internal=True),
        {IVAN: "internal_note_added", JANE: "internal_note_added"},
    ),
    row(
        "rating of 2: the admins and the assignee",
        Desk.completed,
        lambda d, r: d.rate(on(r), 2, "Долго ждали"),
        dict.fromkeys((*ADMINS, IVAN), "low_rating"),
    ),
    row("rating of 4: nobody", Desk.completed, lambda d, r: d.rate(on(r), 4), {}),
]


@pytest.mark.parametrize(("prepare", "act", "told"), TABLE)
async def test_each_row_of_the_table_reaches_exactly_its_people_in_their_language(
    world: World,
    db: MemoryDatabase,
    desk: Desk,
    notifier: TelegramNotifier,
    team: dict[int, Person],
    prepare: Prepare,
    act: Act,
    told: dict[int, str],
) -> None:
    prepared = await prepare(desk)
    mark = len(db.outbox)
    result = await act(desk, prepared)
    rid = prepared if prepared is not None else result

    pushes = await deliver(world, db, notifier, mark)

    assert {uid: push.message.template for uid, push in pushes.items()} == told
    for uid, push in pushes.items():
        actor = int(str(push.message.params["actor"]))
        expected = expected_text(push.message.template, uid, rid, actor)
        assert push.text.startswith(expected), push.text
        assert push.buttons == expected_buttons(push.message.template, uid, rid)
        assert team[uid].last.text == push.shown[-1].text


async def test_the_old_assignee_hears_the_request_is_no_longer_theirs(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.taken()
    mark = len(db.outbox)
    await desk.services.reassign(
        ReassignRequestCommand(actor_id=UserId(BOSS), request_id=rid, assignee_id=UserId(PETE))
    )

    pushes = await deliver(world, db, notifier, mark)

    assert "больше не у вас" in pushes[IVAN].text
    assert "больше не у вас" not in pushes[ANNA].text
    assert pushes[PETE].text.startswith(f"👷 Request №{rid} is assigned to you · 🟡 Normal")


async def test_executors_told_of_new_requests_get_take_and_open(
    world: World,
    db: MemoryDatabase,
    clock: FakeClock,
    workflow: WorkflowSettings,
    team: Any,
) -> None:
    loud = attrs.evolve(workflow, notify_executors=True)
    loud_desk = Desk(build_services(memory_uow_factory(db), clock, loud), db)

    rid = await create(loud_desk, None)
    pushes = await deliver(world, db, notifier_for(world, clock))

    assert set(pushes) == {*ADMINS, IVAN, PETE}
    assert pushes[IVAN].buttons == ["🙋 Взять", f"📄 Открыть №{rid}"]
    assert pushes[PETE].buttons == ["🙋 Take", f"📄 Open №{rid}"]
    assert pushes[BOSS].buttons == expected_buttons("request_created", BOSS, rid)


async def test_the_completion_photos_come_first_as_an_album(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.taken()
    mark = len(db.outbox)
    await desk.complete(rid, photos=(photo(1), photo(2), photo(3)))

    pushes = await deliver(world, db, notifier, mark)

    author = pushes[ANNA]
    assert [s.photos for s in author.shown] == [1, 1, 1, 0]
    assert visible(author.shown[0].text) == f"📷 Заявка №{rid}: фото работы"
    assert all(not s.buttons for s in author.shown[:3])
    assert author.buttons == expected_buttons("request_completed", ANNA, rid)
    albums = [c for c in world.session.calls if isinstance(c, SendMediaGroup)]
    assert [[m.media for m in a.media] for a in albums] == [["photo-1", "photo-2", "photo-3"]]
    assert pushes[BOB].photos == 0


async def test_a_single_photo_is_sent_as_a_photo(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.taken()
    mark = len(db.outbox)
    await desk.complete(rid, photos=(photo(7),))

    pushes = await deliver(world, db, notifier, mark)

    assert [s.photos for s in pushes[ANNA].shown] == [1, 0]
    sent = [c for c in world.session.calls if isinstance(c, SendPhoto)]
    assert [c.photo for c in sent] == ["photo-7"]
    assert not any(isinstance(c, SendMediaGroup) for c in world.session.calls)


# --- SLA and the digest ------------------------------------------------------------------------


async def test_sla_alerts_name_the_level_and_the_deadline_in_words(
    world: World,
    db: MemoryDatabase,
    clock: FakeClock,
    workflow: WorkflowSettings,
    desk: Desk,
    notifier: TelegramNotifier,
    team: Any,
) -> None:
    """A medium request filed Monday 12:00 must be taken by Tuesday 10:00 (8 working hours)."""
    scan = ScanSla(memory_uow_factory(db), clock, workflow)
    rid = await desk.file()

    clock.set(msk(12, 18))
    mark = len(db.outbox)
    await scan()
    warned = await deliver(world, db, notifier, mark)
    clock.set(msk(13, 10, 5))
    mark = len(db.outbox)
    await scan()
    breached = await deliver(world, db, notifier, mark)

    assert set(warned) == set(breached) == set(ADMINS)
    assert warned[BOSS].text == (
        f"⏰ Заявка №{rid}: скоро истекает срок, чтобы взять её в работу.\n"
        "📍 Каб. 305 · Не закрывается дверь в кабинет\n"
        "⏰ Срок: до 13.01, 10:00 (осталось 16 ч)"
    )
    assert warned[JANE].text.endswith("⏰ Due: by 13.01, 10:00 (16 h left)")
    assert warned[BOSS].buttons == [f"📄 Открыть №{rid}", "🔕 Не присылать предупреждения о сроках"]
    assert warned[JANE].buttons == [f"📄 Open №{rid}", "🔕 Stop deadline warnings"]
    assert breached[BOSS].text.startswith(f"🔴 Заявка №{rid}: не взята в работу в срок.")
    assert breached[BOSS].text.endswith("⏰ Срок: до 13.01, 10:00 (просрочено на 5 мин)")
    assert breached[JANE].text.startswith(f"🔴 Request №{rid}: not taken in time.")
    assert breached[JANE].buttons == [f"📄 Open №{rid}"]


async def test_the_assignee_hears_of_the_resolve_deadline_with_the_admins(
    world: World,
    db: MemoryDatabase,
    clock: FakeClock,
    workflow: WorkflowSettings,
    desk: Desk,
    notifier: TelegramNotifier,
    team: Any,
) -> None:
    scan = ScanSla(memory_uow_factory(db), clock, workflow)
    rid = await desk.file()
    await desk.services.take(TakeRequestCommand(actor_id=UserId(PETE), request_id=rid))

    clock.set(msk(19, 10, 30))  # 48 working hours after Monday 12:00 was Monday 19th 10:00
    mark = len(db.outbox)
    await scan()
    pushes = await deliver(world, db, notifier, mark)

    assert set(pushes) == {PETE, *ADMINS}
    assert pushes[PETE].text.startswith(f"🔴 Request №{rid}: not done in time.")
    assert pushes[PETE].text.endswith("⏰ Due: by 19.01, 10:00 (30 min late)")
    assert pushes[BOSS].text.startswith(f"🔴 Заявка №{rid}: не выполнена в срок.")
    assert pushes[BOSS].text.endswith("⏰ Срок: до 19.01, 10:00 (просрочено на 30 мин)")
    assert pushes[PETE].buttons == [f"📄 Open №{rid}"]


async def test_the_daily_digest_gives_the_four_figures(
    world: World,
    db: MemoryDatabase,
    clock: FakeClock,
    workflow: WorkflowSettings,
    desk: Desk,
    notifier: TelegramNotifier,
    team: Any,
) -> None:
    await desk.file(priority=Priority.HIGH)  # to be taken by Monday 16:00: overdue by Tuesday
    await desk.completed()
    await desk.taken()
    clock.set(msk(13, 8))

    mark = len(db.outbox)
    await SendDailyDigest(memory_uow_factory(db), clock, workflow)()
    pushes = await deliver(world, db, notifier, mark)

    assert set(pushes) == set(ADMINS)
    assert pushes[BOSS].text == (
        "📊 Сводка на 13.01.2026\n🆕 Новых: 3\n🔧 В работе: 1\n⏰ Просрочено: 1\n"
        "✅ Выполнено: 1\nНовые и выполненные — с начала прошлого рабочего дня."
    )
    assert pushes[JANE].text.startswith("📊 Summary for 13.01.2026\n🆕 New: 3\n🔧 In progress: 1")
    assert pushes[BOSS].buttons == ["🔕 Не присылать предупреждения о сроках"]
    db.users[UserId(JANE)].mute_sla_warnings = True
    again = render_notice(
        pushes[JANE].message,
        db.users[UserId(JANE)],
        Translator().for_language("en"),
        clock.now(),
        MOSCOW,
    )
    assert isinstance(again.markup, InlineKeyboardMarkup)
    assert [b.text for row in again.markup.inline_keyboard for b in row] == [
        "🔔 Send deadline warnings"
    ]


# --- people: registration and roles ------------------------------------------------------------


@pytest.mark.parametrize("registration", [RegistrationMode.APPROVAL])
async def test_a_registration_to_approve_reaches_every_admin(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    boss = world.person(BOSS, "Завхоз")
    await boss.send("/start")
    jane = world.person(JANE, "Jane", language="en")
    await jane.send("/start")
    db.users[UserId(JANE)].role, db.users[UserId(JANE)].state = Role.ADMIN, UserState.ACTIVE

    mark = len(db.outbox)
    await world.person(555, NASTY, language="en", username="new_guy").send("/start")
    pushes = await deliver(world, db, notifier_for(world, clock), mark)

    assert set(pushes) == set(ADMINS)
    assert (
        pushes[BOSS].text
        == f"👤 Новый пользователь ждёт подтверждения\n{NASTY} (@new_guy)\nID: 555"
    )
    assert pushes[JANE].text.startswith(f"👤 A new user is waiting for approval\n{NASTY}")
    assert pushes[BOSS].buttons == ["✅ Подтвердить", "🚫 Отклонить"]
    assert pushes[JANE].buttons == ["✅ Approve", "🚫 Decline"]
    assert boss.last.text == pushes[BOSS].shown[-1].text


@pytest.mark.parametrize(
    ("who", "change", "role", "expected", "menu_has", "menu_lacks"),
    [
        (
            IVAN,
            "promote_user",
            Role.ADMIN,
            "Ваша роль теперь: администратор.",
            "👥 Пользователи",
            "",
        ),
        (PETE, "demote_user", Role.STAFF, "Your role is now staff.", "📋 My requests", "🛠 Queue"),
        (BOB, "promote_user", Role.EXECUTOR, "Your role is now technician.", "🛠 Queue", "👥 Users"),
    ],
)
async def test_a_role_change_brings_the_new_menu(
    world: World,
    db: MemoryDatabase,
    services: Services,
    notifier: TelegramNotifier,
    team: dict[int, Person],
    who: int,
    change: str,
    role: Role,
    expected: str,
    menu_has: str,
    menu_lacks: str,
) -> None:
    mark = len(db.outbox)
    await getattr(services, change)(UserCommand(actor_id=UserId(BOSS), user_id=UserId(who)))

    pushes = await deliver(world, db, notifier, mark)

    assert set(pushes) == {who}
    assert db.users[UserId(who)].role is role
    assert pushes[who].text.startswith(expected)
    assert isinstance(pushes[who].shown[-1].markup, ReplyKeyboardMarkup)
    assert menu_has in team[who].menu()
    assert not menu_lacks or menu_lacks not in team[who].menu()


@pytest.mark.parametrize("registration", [RegistrationMode.APPROVAL])
@pytest.mark.parametrize(
    ("change", "expected", "menu"),
    [
        ("approve_user", "✅ Your registration is approved.", ["📝 New request", "📋 My requests"]),
        ("decline_user", "🚫 An administrator declined your registration.", []),
    ],
)
async def test_the_newcomer_hears_the_decision(
    world: World,
    db: MemoryDatabase,
    services: Services,
    clock: FakeClock,
    change: str,
    expected: str,
    menu: list[str],
) -> None:
    await world.person(BOSS, "Завхоз").send("/start")
    newcomer = world.person(555, "Maria", language="en")
    await newcomer.send("/start")

    mark = len(db.outbox)
    await getattr(services, change)(UserCommand(actor_id=UserId(BOSS), user_id=UserId(555)))
    pushes = await deliver(world, db, notifier_for(world, clock), mark)

    assert set(pushes) == {555}
    assert pushes[555].text.startswith(expected)
    assert newcomer.menu()[:2] == menu


# --- escaping and length -----------------------------------------------------------------------


WITH_TYPED_TEXT = {
    "request_on_hold",
    "comment_added",
    "internal_note_added",
    "request_completed",
    "request_completed_watcher",
    "low_rating",
    "request_rejected",
}


async def test_typed_text_shows_literally_everywhere(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.file(location=NASTY, description=f"{NASTY} и ещё")
    await desk.services.take(TakeRequestCommand(actor_id=UserId(IVAN), request_id=rid))
    await desk.hold(rid, NASTY)
    await desk.services.resume(ResumeRequestCommand(actor_id=UserId(IVAN), request_id=rid))
    await desk.comment(rid, IVAN, NASTY)
    await desk.comment(rid, IVAN, NASTY, internal=True)
    await desk.complete(rid, NASTY)
    await desk.rate(rid, 1, NASTY)
    other = await desk.file(location=NASTY, description=f"{NASTY} и ещё")
    await desk.reject(other, NASTY)

    for message in db.outbox:
        before = len(world.session.shown)
        await notifier.send(message, db.users[message.recipient])
        text = visible(world.session.shown[-1].text)
        assert f"📍 {NASTY} · {NASTY} и ещё" in text, (message.template, text)
        typed = 3 if message.template in WITH_TYPED_TEXT else 2
        assert text.count(NASTY) == typed, (message.template, text)
        assert len(world.session.shown) == before + 1
    assert {m.template for m in db.outbox} >= WITH_TYPED_TEXT | {"request_created"}


async def test_long_reports_and_comments_are_cut_within_telegram_limits(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    rid = await desk.taken()
    mark = len(db.outbox)
    await desk.comment(rid, IVAN, "к" * 1999 + "!")
    comment = (await deliver(world, db, notifier, mark))[ANNA].text
    mark = len(db.outbox)
    await desk.complete(rid, "о" * 1999 + "!")
    report = (await deliver(world, db, notifier, mark))[ANNA].text

    assert "к" * 1498 + "…" in comment
    assert "о" * 1498 + "…" in report
    assert "к" * 1500 not in comment
    assert "о" * 1500 not in report
    assert "!" not in comment + report
    assert max(len(comment), len(report)) <= MAX_TEXT


NO_TYPED_TEXT = {
    "registration_approved",
    "registration_declined",
    "role_changed",
    "daily_digest",
    "user_blocked",
    "user_unblocked",
}


@pytest.mark.parametrize("template", sorted(RENDERERS))
@pytest.mark.parametrize("language", ["ru", "en"])
def test_absurd_parameters_still_fit(template: str, language: str) -> None:
    """Whatever the outbox holds, the push is valid HTML within 4096 characters."""
    huge = NASTY * 400
    typed = ("title", "location", "reason", "report", "text", "feedback", "name", "username")
    typed += ("actor_name", "author_name", "assignee_name")
    params: dict[str, Any] = dict.fromkeys(typed, huge) | {"request_id": 142, "version": 3}
    params |= {"user_id": 7, "rating": 1, "level": "breach", "kind": "resolve"}
    params |= {"deadline": "2026-01-13T10:00:00+03:00", "date": "2026-01-13"}
    params |= {"due": "2026-01-13T10:00:00+03:00", "category": "plumbing"}
    message_files = tuple(photo(n) for n in range(10))
    message = OutboxMessage(
        recipient=UserId(7),
        template=template,
        params=params,
        dedupe_key="k",
        request_id=RequestId(142),
        attachments=message_files,
        created_at=datetime(2026, 1, 13, 9, tzinfo=UTC),
    )
    recipient = User(
        id=UserId(7), role=Role.ADMIN, language=language, created_at=message.created_at
    )

    notice = render_notice(
        message, recipient, Translator().for_language(language), message.created_at, MOSCOW
    )

    problems, text = html_problems(notice.text)
    assert problems == []
    assert 0 < len(text) <= MAX_TEXT
    assert (NASTY in text) is (template not in NO_TYPED_TEXT)


@pytest.mark.parametrize(
    ("template", "params", "reason"),
    [
        ("from_the_future", {"request_id": 142}, "'from_the_future'"),
        ("request_taken", {"title": "Дверь"}, "request_taken names no request"),
        ("registration_pending", {"name": "Мария"}, "names no user"),
        ("sla_alert", {"request_id": 142, "level": "panic", "kind": "respond"}, "'panic'"),
    ],
)
async def test_what_cannot_be_rendered_is_a_permanent_failure(
    world: World, clock: FakeClock, template: str, params: dict[str, Any], reason: str
) -> None:
    message = OutboxMessage(
        recipient=UserId(ANNA),
        template=template,
        params=params,
        dedupe_key="k",
        created_at=clock.now(),
    )
    recipient = User(id=UserId(ANNA), created_at=clock.now())

    with pytest.raises(DeliveryFailed) as failed:
        await notifier_for(world, clock).send(message, recipient)

    assert type(failed.value) is DeliveryFailed
    assert reason in str(failed.value)
    assert world.session.calls == []


@pytest.mark.parametrize("language", ["ru", "en"])
def test_every_sla_level_and_deadline_has_its_own_words(language: str) -> None:
    t = Translator().for_language(language)
    now = datetime(2026, 1, 13, 9, tzinfo=UTC)
    admin = User(id=UserId(BOSS), role=Role.ADMIN, language=language, created_at=now)
    heads = set()
    for level in SlaLevel:
        for kind in SlaKind:
            params = {"request_id": 142, "level": level.value, "kind": kind.value}
            message = OutboxMessage(
                recipient=admin.id,
                template="sla_alert",
                params=params,
                dedupe_key="k",
                created_at=now,
            )
            heads.add(render_notice(message, admin, t, now, MOSCOW).text.split("\n")[0])
    assert len(heads) == len(SlaLevel) * len(SlaKind)
    assert all("№142" in head for head in heads)


# --- Telegram's errors as the port's ------------------------------------------------------------


class ScriptedSession(BaseSession):
    """Raises ``error`` for the methods in ``failing`` (every method when empty); else succeeds."""

    def __init__(self, error: BaseException, failing: tuple[type, ...] = ()) -> None:
        super().__init__()
        self.error, self.failing = error, failing
        self.calls: list[TelegramMethod[Any]] = []

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        self.calls.append(method)
        if not self.failing or isinstance(method, self.failing):
            raise self.error
        return Message(  # type: ignore[return-value]
            message_id=1,
            date=datetime(2026, 1, 12, tzinfo=UTC),
            chat=Chat(id=int(getattr(method, "chat_id", 0)), type="private"),
        )

    async def close(self) -> None:
        return None

    async def stream_content(self, *args: Any, **kwargs: Any) -> Any:  # pragma: no cover
        raise NotImplementedError


SEND = SendMessage(chat_id=ANNA, text="x")


def bot_raising(error: BaseException, failing: tuple[type, ...] = ()) -> Bot:
    session = ScriptedSession(error, failing)
    return Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))


def completed_message(photos: int = 0) -> OutboxMessage:
    return OutboxMessage(
        recipient=UserId(ANNA),
        template="request_completed",
        params={
            "request_id": 142,
            "title": "Дверь",
            "location": "Каб. 305",
            "version": 4,
            "report": "Заменили замок",
        },
        dedupe_key="k",
        request_id=RequestId(142),
        attachments=tuple(photo(n) for n in range(photos)),
        created_at=datetime(2026, 1, 12, 9, tzinfo=UTC),
    )


ANNA_USER = User(id=UserId(ANNA), language="ru", created_at=datetime(2026, 1, 1, tzinfo=UTC))


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (TelegramRetryAfter(SEND, "Too Many Requests: retry after 17", 17), RetryLater),
        (TelegramForbiddenError(SEND, "Forbidden: bot was blocked by the user"), RecipientBlocked),
        (TelegramForbiddenError(SEND, "Forbidden: user is deactivated"), RecipientBlocked),
        (TelegramBadRequest(SEND, "Bad Request: chat not found"), RecipientUnknown),
        (TelegramNotFound(SEND, "Not Found: chat not found"), RecipientUnknown),
        (TelegramServerError(SEND, "Internal Server Error"), TemporaryFailure),
        (TelegramServerError(SEND, "Bad Gateway"), TemporaryFailure),
        (TelegramNetworkError(SEND, "Request timeout error"), TemporaryFailure),
        (TelegramUnauthorizedError(SEND, "Unauthorized"), TemporaryFailure),
        (ClientDecodeError("Failed to decode object", ValueError("x"), "<html>"), TemporaryFailure),
        (TimeoutError(), TemporaryFailure),
        (aiohttp.ClientConnectionError("connection reset"), TemporaryFailure),
        (aiohttp.ServerDisconnectedError(), TemporaryFailure),
        (TelegramBadRequest(SEND, "Bad Request: can't parse entities"), DeliveryFailed),
        (TelegramBadRequest(SEND, "Bad Request: BUTTON_DATA_INVALID"), DeliveryFailed),
    ],
    ids=lambda value: type(value).__name__ if isinstance(value, BaseException) else "",
)
async def test_telegram_errors_become_the_ports_errors(
    error: BaseException, expected: type[DeliveryFailed]
) -> None:
    notifier: Notifier = TelegramNotifier(bot_raising(error), Translator(), MOSCOW)

    with pytest.raises(DeliveryFailed) as failed:
        await notifier.send(completed_message(), ANNA_USER)

    assert type(failed.value) is expected
    assert failed.value.__cause__ is error
    if isinstance(failed.value, RetryLater):
        assert failed.value.seconds == 17
    if expected is DeliveryFailed:
        assert "Bad Request" in str(failed.value)


async def test_photos_telegram_refuses_do_not_hold_back_the_text() -> None:
    bot = bot_raising(
        TelegramBadRequest(SEND, "Bad Request: wrong file identifier"), (SendMediaGroup,)
    )

    await TelegramNotifier(bot, Translator(), MOSCOW).send(completed_message(photos=3), ANNA_USER)

    calls = bot.session.calls  # type: ignore[attr-defined]
    assert [type(c) for c in calls] == [SendMediaGroup, SendMessage]
    assert "Заявка №142" in calls[1].text


@pytest.mark.parametrize(
    ("error", "expected"),
    [
        (TelegramBadRequest(SEND, "Bad Request: chat not found"), RecipientUnknown),
        (TelegramForbiddenError(SEND, "Forbidden: bot was blocked by the user"), RecipientBlocked),
        (TelegramRetryAfter(SEND, "Too Many Requests", 3), RetryLater),
    ],
)
async def test_an_album_that_cannot_reach_the_person_stops_the_push(
    error: BaseException, expected: type[DeliveryFailed]
) -> None:
    bot = bot_raising(error, (SendMediaGroup,))

    with pytest.raises(expected):
        await TelegramNotifier(bot, Translator(), MOSCOW).send(
            completed_message(photos=2), ANNA_USER
        )

    assert [type(c) for c in bot.session.calls] == [SendMediaGroup]  # type: ignore[attr-defined]
