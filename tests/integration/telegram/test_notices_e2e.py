"""Pressing the buttons on pushes: each acts exactly like the same button on the request card.

The pushes are written by the real use cases, sent by ``TelegramNotifier`` through the world's
bot, and pressed by people through the real dispatcher.
"""

from typing import Any

import pytest

from tests.integration.telegram._requests import photo
from tests.integration.telegram.test_notices import (
    ADMINS,
    ANNA,
    BOB,
    BOSS,
    IVAN,
    JANE,
    PETE,
    Desk,
    deliver,
    gather,
    msk,
    notifier_for,
)
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.telegram.notices import TelegramNotifier
from zavhoz.adapters.telegram.notices.keyboards import SlaWarningsCb
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.application.settings import RegistrationMode, WorkflowSettings
from zavhoz.application.use_cases.scan_sla import ScanSla
from zavhoz.application.use_cases.send_daily_digest import SendDailyDigest
from zavhoz.application.use_cases.watch_request import WatchRequestCommand
from zavhoz.domain.catalog import Status
from zavhoz.domain.events import EventKind
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import UserState


@pytest.fixture
async def team(world: World, db: MemoryDatabase) -> dict[int, Person]:
    return await gather(world, db)


@pytest.fixture
def notifier(world: World, clock: FakeClock) -> TelegramNotifier:
    return notifier_for(world, clock)


@pytest.fixture
def desk(services: Services, db: MemoryDatabase) -> Desk:
    return Desk(services, db)


STALE = "The request has changed; here is where it stands now."


def kinds(db: MemoryDatabase, rid: RequestId) -> list[EventKind]:
    return [event.kind for event in db.history[rid]]


def told(db: MemoryDatabase, since: int) -> set[tuple[int, str]]:
    return {(m.recipient, m.template) for m in db.outbox[since:]}


# --- a new request: Take / Assign / Reject / Open ---------------------------------------------


@pytest.mark.parametrize("where", ["push", "card"])
async def test_take_on_the_push_works_like_on_the_card(
    world: World,
    db: MemoryDatabase,
    desk: Desk,
    notifier: TelegramNotifier,
    team: dict[int, Person],
    where: str,
) -> None:
    boss, jane = team[BOSS], team[JANE]
    rid = await desk.file(watched=False)
    pushes = await deliver(world, db, notifier)
    assert {uid for uid, p in pushes.items() if p.message.template == "request_created"} == set(
        ADMINS
    )
    push_id = pushes[BOSS].shown[-1].message_id
    if where == "card":
        await boss.press(f"Открыть №{rid}")
        assert boss.last.message_id != push_id
    mark = len(db.outbox)

    alert = await boss.press("Взять")

    assert alert == "Взято в работу"
    request = db.requests[rid]
    assert (request.status, request.assignee) == (Status.IN_PROGRESS, UserId(BOSS))
    assert kinds(db, rid) == [EventKind.CREATED, EventKind.TAKEN]
    assert told(db, mark) == {(ANNA, "request_taken")}
    pressed = next(s for s in reversed(boss.screens) if "🔧 В работе" in s.text)
    assert pressed.message_id == (push_id if where == "push" else boss.last.message_id)
    assert "🛠 Исполнитель: Завхоз" in pressed.text

    late = await jane.press("Take")

    assert late == "Завхоз has already taken this request."
    assert db.requests[rid].assignee == UserId(BOSS)
    assert kinds(db, rid).count(EventKind.TAKEN) == 1


async def test_assign_on_the_push_lists_the_workers_and_assigns(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    boss = team[BOSS]
    rid = await desk.file(watched=False)
    await deliver(world, db, notifier)

    await boss.press("Назначить")
    assert f"Кому назначить заявку №{rid}?" in boss.last.text
    mark = len(db.outbox)
    await boss.press("Pete")

    request = db.requests[rid]
    assert (request.status, request.assignee) == (Status.IN_PROGRESS, UserId(PETE))
    pushes = await deliver(world, db, notifier, mark)
    assert pushes[PETE].text.startswith(f"👷 Request №{rid} is assigned to you")
    assert pushes[ANNA].text.startswith(f"👷 Заявка №{rid} назначена исполнителю.")


async def test_reject_on_the_push_asks_for_the_reason(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    jane = team[JANE]
    rid = await desk.file(watched=False)
    await deliver(world, db, notifier)
    await desk.services.watch(WatchRequestCommand(actor_id=UserId(BOB), request_id=rid))
    stale = await jane.press("Reject")
    assert stale == STALE, "it changed since the push: the card as it is now instead"
    assert jane.last.text.startswith(f"<b>Request №{rid}</b>")
    assert db.requests[rid].status is Status.OPEN

    await jane.press("Reject")
    assert f"Request №{rid}" in jane.last.text
    mark = len(db.outbox)
    await jane.send("Not our area")

    assert db.requests[rid].status is Status.REJECTED
    pushes = await deliver(world, db, notifier, mark)
    assert "📝 Причина: Not our area" in pushes[ANNA].text
    assert "📝 Reason: Not our area" in pushes[BOB].text, "Bob followed it after the push"


async def test_open_sends_the_card_and_the_push_stays(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    jane = team[JANE]
    rid = await desk.file()
    pushes = await deliver(world, db, notifier)
    push = jane.screens[-1]

    await jane.press(f"Open №{rid}")

    assert jane.last.message_id != push.message_id
    assert jane.last.text.startswith(f"<b>Request №{rid}</b> · 🆕 New")
    assert push.text == pushes[JANE].shown[-1].text
    assert "🙋 Take" in jane.buttons()


# --- a completed request: the author's ✅ / ↩️ / ★ -----------------------------------------


@pytest.fixture
async def completed(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> RequestId:
    rid = await desk.taken()
    mark = len(db.outbox)
    await desk.complete(rid, photos=(photo(1), photo(2)))
    pushes = await deliver(world, db, notifier, mark)
    assert [s.photos for s in pushes[ANNA].shown] == [1, 1, 0]
    return rid


async def test_the_author_rates_on_the_push(
    db: MemoryDatabase, team: dict[int, Person], completed: RequestId
) -> None:
    alert = await team[ANNA].press("★★★★★")

    assert alert == "Спасибо за оценку ★★★★★!"
    assert db.requests[completed].rating == 5
    assert kinds(db, completed)[-1] is EventKind.RATED


async def test_the_author_confirms_on_the_push(
    db: MemoryDatabase, team: dict[int, Person], completed: RequestId
) -> None:
    alert = await team[ANNA].press("Всё исправлено")

    assert alert == "Спасибо! Исправление подтверждено"
    assert db.requests[completed].confirmed_at is not None
    assert kinds(db, completed)[-1] is EventKind.CONFIRMED


async def test_not_fixed_on_the_push_sends_it_back_to_work(
    world: World,
    db: MemoryDatabase,
    notifier: TelegramNotifier,
    team: dict[int, Person],
    completed: RequestId,
) -> None:
    anna = team[ANNA]
    await anna.press("Не исправлено")
    assert f"Заявка №{completed}: что не исправлено?" in anna.last.text
    mark = len(db.outbox)

    await anna.send("Снова течёт")

    assert db.requests[completed].status is Status.IN_PROGRESS
    assert told(db, mark) == {
        (IVAN, "request_reopened"),
        *((a, "request_reopened") for a in ADMINS),
    }
    pushes = await deliver(world, db, notifier, mark)
    assert "📝 Причина: Снова течёт" in pushes[IVAN].text
    assert "📝 Reason: Снова течёт" in pushes[JANE].text


# --- a comment: «💬 Ответить» -----------------------------------------------------------------


async def test_reply_on_a_comment_push_writes_a_comment(
    world: World, db: MemoryDatabase, desk: Desk, notifier: TelegramNotifier, team: Any
) -> None:
    anna = team[ANNA]
    rid = await desk.taken()
    mark = len(db.outbox)
    await desk.comment(rid, IVAN, "Когда вам удобно?")
    await deliver(world, db, notifier, mark)

    await anna.press("Ответить")
    mark = len(db.outbox)
    await anna.send("Завтра в 10")

    assert db.history[rid][-1].payload["text"] == "Завтра в 10"
    pushes = await deliver(world, db, notifier, mark)
    assert set(pushes) == {IVAN}
    assert pushes[IVAN].text.endswith("💬 Анна: Завтра в 10")


# --- registration: Approve / Decline ---------------------------------------------------------


@pytest.mark.parametrize("registration", [RegistrationMode.APPROVAL])
@pytest.mark.parametrize(
    ("label", "state", "heard"),
    [
        ("Подтвердить", UserState.ACTIVE, "✅ Your registration is approved."),
        ("Отклонить", UserState.BLOCKED, "🚫 An administrator declined your registration."),
    ],
)
async def test_an_admin_decides_a_registration_on_the_push(
    world: World,
    db: MemoryDatabase,
    clock: FakeClock,
    label: str,
    state: UserState,
    heard: str,
) -> None:
    notifier = notifier_for(world, clock)
    boss = world.person(BOSS, "Завхоз")
    await boss.send("/start")
    newcomer = world.person(555, "Maria", language="en")
    await newcomer.send("/start")
    await deliver(world, db, notifier)
    mark = len(db.outbox)

    await boss.press(label)

    assert db.users[UserId(555)].state is state
    assert "Maria" in boss.last.text, "the push became the person's card"
    pushes = await deliver(world, db, notifier, mark)
    assert set(pushes) == {555}
    assert pushes[555].text.startswith(heard)


# --- SLA warnings: an admin mutes and unmutes them on a push ----------------------------------


async def test_an_admin_mutes_sla_warnings_from_the_digest_and_breaches_still_come(
    world: World,
    db: MemoryDatabase,
    clock: FakeClock,
    workflow: WorkflowSettings,
    desk: Desk,
    notifier: TelegramNotifier,
    team: dict[int, Person],
) -> None:
    boss = team[BOSS]
    await desk.completed()  # Monday's news, no SLA alerts
    clock.set(msk(13, 8))
    mark = len(db.outbox)
    await SendDailyDigest(memory_uow_factory(db), clock, workflow)()
    await deliver(world, db, notifier, mark)
    digest = boss.last.message_id

    alert = await boss.press("Не присылать предупреждения")

    assert alert == "Предупреждения о сроках выключены. О просрочках сообщим всё равно."
    assert db.users[UserId(BOSS)].mute_sla_warnings is True
    assert boss.last.message_id == digest
    assert boss.buttons() == ["🔔 Присылать предупреждения о сроках"]

    clock.set(msk(13, 9))
    rid = await desk.file()
    scan = ScanSla(memory_uow_factory(db), clock, workflow)
    clock.set(msk(13, 15))
    mark = len(db.outbox)
    await scan()
    assert told(db, mark) == {(JANE, "sla_alert")}
    clock.set(msk(13, 17, 1))
    mark = len(db.outbox)
    await scan()
    assert told(db, mark) == {(BOSS, "sla_alert"), (JANE, "sla_alert")}
    assert db.outbox[-1].params["level"] == "breach"
    assert db.outbox[-1].request_id == rid

    assert await boss.press("Присылать предупреждения") == "Предупреждения о сроках снова включены."
    assert db.users[UserId(BOSS)].mute_sla_warnings is False
    assert boss.buttons() == ["🔕 Не присылать предупреждения о сроках"]


async def test_an_admin_mutes_warnings_on_the_warning_itself(
    world: World,
    db: MemoryDatabase,
    clock: FakeClock,
    workflow: WorkflowSettings,
    desk: Desk,
    notifier: TelegramNotifier,
    team: dict[int, Person],
) -> None:
    jane = team[JANE]
    rid = await desk.file()
    clock.set(msk(12, 18))
    mark = len(db.outbox)
    await ScanSla(memory_uow_factory(db), clock, workflow)()
    await deliver(world, db, notifier, mark)

    alert = await jane.press("Stop deadline warnings")

    assert alert == "Deadline warnings are off. Overdue requests will still be reported."
    assert db.users[UserId(JANE)].mute_sla_warnings is True
    assert jane.buttons() == [f"📄 Open №{rid}", "🔔 Send deadline warnings"]
    await jane.press(f"Open №{rid}")
    assert jane.last.text.startswith(f"<b>Request №{rid}</b>")


@pytest.mark.parametrize("who", [ANNA, IVAN])
async def test_only_admins_may_mute_warnings(
    db: MemoryDatabase, team: dict[int, Person], who: int
) -> None:
    forged = SlaWarningsCb(mute=1).pack()

    alert = await team[who].press_data(forged)

    assert alert == "Это может только администратор."
    assert db.users[UserId(who)].mute_sla_warnings is False
