"""What the scheduler's jobs make people receive: the real ``ScanSla`` and ``SendDailyDigest`` run
by the real ``Scheduler``, delivered by the real ``DeliveryWorker`` through ``TelegramNotifier``
and the world's recording session, in virtual time (``VirtualTime``: no sleeping).

Default calendar: Moscow, Monday to Friday, 08:00-18:00. 12 January 2026 is a Monday.
"""

import asyncio
from collections.abc import AsyncIterator, Callable
from datetime import timedelta

import pytest

from tests.integration.notifications.conftest import VirtualTime
from tests.integration.telegram._requests import visible
from tests.integration.telegram.test_notices import (
    ADMINS,
    BOSS,
    JANE,
    Desk,
    gather,
    msk,
    notifier_for,
)
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.notifications import DeliveryWorker, Limits, Scheduler
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.adapters.telegram.testing.session import Shown
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.scan_sla import ScanSla
from zavhoz.application.use_cases.send_daily_digest import SendDailyDigest

SLA_HEADS = ("⏰", "🔴", "🚨")
DIGEST_HEADS = ("📊",)
Start = Callable[[], None]


@pytest.fixture
def time(clock: FakeClock) -> VirtualTime:
    return VirtualTime(clock)


@pytest.fixture
async def bot_running(
    world: World,
    db: MemoryDatabase,
    clock: FakeClock,
    workflow: WorkflowSettings,
    time: VirtualTime,
) -> AsyncIterator[Start]:
    """Starts the scheduler and the delivery worker as ``zavhoz run`` does; stops them after."""
    tasks: list[tuple[Scheduler | DeliveryWorker, asyncio.Task[None]]] = []

    def start() -> None:
        uow_factory = memory_uow_factory(db)
        scheduler = Scheduler(
            ScanSla(uow_factory, clock, workflow),
            SendDailyDigest(uow_factory, clock, workflow),
            clock,
            time.sleep,
            calendar=workflow.calendar,
            scan_every=300,
        )
        notifier = notifier_for(world, clock)
        worker = DeliveryWorker(uow_factory, notifier, clock, time.sleep, Limits(idle=30))
        for job in (scheduler, worker):
            tasks.append((job, asyncio.create_task(job.run())))

    yield start
    for job, task in tasks:
        job.stop()
        await time.run_until(task.done)
        assert task.exception() is None


@pytest.fixture
async def team(world: World, db: MemoryDatabase) -> dict[int, Person]:
    return await gather(world, db)


@pytest.fixture
def desk(services: Services, db: MemoryDatabase) -> Desk:
    return Desk(services, db)


def received(world: World, chat: int, heads: tuple[str, ...]) -> list[str]:
    """The texts ``chat`` was sent that begin with one of ``heads``, as the person reads them."""
    shown: list[Shown] = [s for s in world.session.shown if s.chat_id == chat]
    return [text for text in (visible(s.text) for s in shown) if text.startswith(heads)]


async def test_an_untaken_request_late_on_both_deadlines_makes_one_alert_with_the_respond_one(
    world: World,
    clock: FakeClock,
    time: VirtualTime,
    desk: Desk,
    bot_running: Start,
    team: object,
) -> None:
    """Filed Monday 12:00 (medium: take by Tuesday 10:00, finish by Monday 19th 10:00); the bot is
    down until Thursday 18:00, when the respond escalation and the resolve warning are both due.
    Nobody has taken it, so taking it is what is late: one alert each, naming Tuesday 10:00."""
    rid = await desk.file()
    clock.set(msk(15, 18))

    bot_running()
    await time.run_for(timedelta(minutes=10))

    boss, jane = received(world, BOSS, SLA_HEADS), received(world, JANE, SLA_HEADS)
    assert len(boss) == len(jane) == 1, (boss, jane)
    assert boss[0].startswith(f"🚨 Заявка №{rid}: давно ждёт исполнителя — срок прошёл вдвое.")
    assert boss[0].endswith("⏰ Срок: до 13.01, 10:00 (просрочено на 56 ч)")
    assert jane[0].startswith(f"🚨 Request №{rid}: still waiting for a technician")
    assert jane[0].endswith("⏰ Due: by 13.01, 10:00 (56 h late)")


async def test_the_first_start_sends_no_empty_digest(
    world: World,
    clock: FakeClock,
    time: VirtualTime,
    desk: Desk,
    bot_running: Start,
    team: object,
) -> None:
    """A fresh install started on Monday at noon: the digest is due at once, but there is nothing
    to report, so nobody gets one. Tuesday's, with Monday's request in it, comes at 08:00."""
    bot_running()
    await time.run_for(timedelta(hours=1))

    assert {chat: received(world, chat, DIGEST_HEADS) for chat in ADMINS} == {BOSS: [], JANE: []}

    await desk.file()
    await time.run_for(timedelta(hours=19, minutes=5))  # to Tuesday 08:05

    digests = {chat: received(world, chat, DIGEST_HEADS) for chat in ADMINS}
    assert [text.splitlines()[:2] for text in digests[BOSS]] == [
        ["📊 Сводка на 13.01.2026", "🆕 Новых: 1"]
    ]
    assert [text.splitlines()[:2] for text in digests[JANE]] == [
        ["📊 Summary for 13.01.2026", "🆕 New: 1"]
    ]
