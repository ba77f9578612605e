"""The scheduler in virtual time: the SLA scan every minute, the digest at 08:00 on working days.

Default calendar: Moscow, Monday to Friday, 08:00-18:00. 12 January 2026 is a Monday.
"""

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from datetime import date, datetime, time, timedelta

import pytest

from tests.integration.notifications.conftest import ADMIN, ADMIN2, STAFF, VirtualTime
from tests.unit.application.support import msk
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.notifications import Scheduler
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.application.use_cases.scan_sla import ScanSla
from zavhoz.application.use_cases.send_daily_digest import SendDailyDigest
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User

SETTINGS = WorkflowSettings()
ZONE = SETTINGS.calendar.timezone


class Jobs:
    """Stand-in jobs that remember when (local time) they ran, and fail on request."""

    def __init__(self, clock: FakeClock) -> None:
        self.clock = clock
        self.scans: list[datetime] = []
        self.digests: list[datetime] = []
        self.fail_scans = 0
        self.fail_digests = 0

    async def scan(self) -> None:
        self.scans.append(self.clock.now().astimezone(ZONE))
        if self.fail_scans:
            self.fail_scans -= 1
            raise RuntimeError("database is locked")

    async def digest(self) -> None:
        self.digests.append(self.clock.now().astimezone(ZONE))
        if self.fail_digests:
            self.fail_digests -= 1
            raise RuntimeError("database is locked")


Starter = Callable[..., Scheduler]


@pytest.fixture
async def schedulers(clock: FakeClock, time: VirtualTime) -> AsyncIterator[Starter]:
    running: list[tuple[Scheduler, asyncio.Task[None]]] = []

    def start(scan: object, digest: object, **options: object) -> Scheduler:
        options.setdefault("calendar", SETTINGS.calendar)
        scheduler = Scheduler(scan, digest, clock, time.sleep, **options)  # type: ignore[arg-type]
        running.append((scheduler, asyncio.create_task(scheduler.run())))
        return scheduler

    yield start
    for scheduler, task in running:
        scheduler.stop()
        await time.run_until(task.done)
        assert task.exception() is None


# --- the timetable, with stand-in jobs --------------------------------------------------------


async def test_the_scan_runs_at_start_and_every_interval(
    clock: FakeClock, time: VirtualTime, schedulers: Starter
) -> None:
    clock.set(msk(12, 12))
    jobs = Jobs(clock)
    schedulers(jobs.scan, jobs.digest, scan_every=60)

    await time.run_for(timedelta(hours=1))

    assert len(jobs.scans) == 61
    assert jobs.scans[0] == msk(12, 12)
    assert {(b - a).total_seconds() for a, b in itertools.pairwise(jobs.scans)} == {60.0}


async def test_the_digest_comes_at_eight_on_working_days_only(
    clock: FakeClock, time: VirtualTime, schedulers: Starter
) -> None:
    holiday = date(2026, 1, 14)  # a Wednesday
    calendar = WorkingCalendar(timezone=ZONE, holidays=frozenset({holiday}))
    clock.set(msk(12, 7, 30))  # Monday before eight
    jobs = Jobs(clock)
    schedulers(jobs.scan, jobs.digest, calendar=calendar, scan_every=300, digest_at=time_(8))

    await time.run_for(timedelta(days=8))  # to Tuesday the 20th, 07:30

    assert jobs.digests == [msk(12, 8), msk(13, 8), msk(15, 8), msk(16, 8), msk(19, 8)]


async def test_started_after_eight_the_digest_goes_at_once(
    clock: FakeClock, time: VirtualTime, schedulers: Starter
) -> None:
    clock.set(msk(13, 11, 17))
    jobs = Jobs(clock)
    schedulers(jobs.scan, jobs.digest, digest_at=time_(7, 45))

    await time.run_for(timedelta(hours=23))

    assert jobs.digests == [msk(13, 11, 17), msk(14, 7, 45)]


async def test_failing_jobs_are_logged_and_the_loop_goes_on(
    clock: FakeClock, time: VirtualTime, schedulers: Starter, caplog: pytest.LogCaptureFixture
) -> None:
    clock.set(msk(12, 7, 58))
    jobs = Jobs(clock)
    jobs.fail_scans = 3
    jobs.fail_digests = 2
    schedulers(jobs.scan, jobs.digest, scan_every=60)

    await time.run_for(timedelta(minutes=10))

    assert len(jobs.scans) == 11, "every minute, failing or not"
    assert jobs.digests == [msk(12, 8), msk(12, 8, 1), msk(12, 8, 2)], "tried again until it went"
    assert caplog.text.count("SLA scan failed; the scheduler goes on") == 3
    assert caplog.text.count("daily digest failed; the scheduler goes on") == 2
    assert "database is locked" in caplog.text


async def test_stop_ends_the_wait_at_once(
    clock: FakeClock, time: VirtualTime, schedulers: Starter
) -> None:
    jobs = Jobs(clock)
    scheduler = schedulers(jobs.scan, jobs.digest, scan_every=3600)
    await time.settle()
    before = clock.now()
    scheduler.stop()
    await time.settle()
    assert clock.now() == before


def time_(hour: int, minute: int = 0) -> time:
    return time(hour, minute)


# --- the real use cases ---------------------------------------------------------------------


async def file_request(
    uow_factory: UnitOfWorkFactory, clock: FakeClock, priority: Priority = Priority.MEDIUM
) -> int:
    create = CreateRequest(uow_factory, clock, SETTINGS)
    request = await create(
        CreateRequestCommand(
            author_id=UserId(STAFF),
            location="Каб. 305",
            category=Category.DOORS_LOCKS_SECURITY,
            description="Не закрывается дверь в кабинет",
            priority=priority,
        )
    )
    return request.id


def real_scheduler(
    uow_factory: UnitOfWorkFactory, clock: FakeClock, schedulers: Starter
) -> Scheduler:
    return schedulers(
        ScanSla(uow_factory, clock, SETTINGS),
        SendDailyDigest(uow_factory, clock, SETTINGS),
        scan_every=60,
    )


def alerts(db: MemoryDatabase) -> list[tuple[str, str, int, datetime]]:
    return [
        (str(m.params["kind"]), str(m.params["level"]), m.recipient, m.created_at.astimezone(ZONE))
        for m in db.outbox
        if m.template == "sla_alert"
    ]


def digests(db: MemoryDatabase) -> list[tuple[int, datetime]]:
    return [
        (m.recipient, m.created_at.astimezone(ZONE))
        for m in db.outbox
        if m.template == "daily_digest"
    ]


async def test_sla_alerts_and_the_digest_fire_at_their_working_time_moments_once(
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    db: MemoryDatabase,
    schedulers: Starter,
) -> None:
    """Medium, filed Monday 12:00: to be taken within 8 working hours. Warning at 6 h (Monday
    18:00), breach at 8 h (Tuesday 10:00), escalation at 16 h (Tuesday 18:00)."""
    clock.set(msk(12, 12))
    await file_request(uow_factory, clock)
    real_scheduler(uow_factory, clock, schedulers)

    await time.run_for(timedelta(days=1, hours=8))  # to Tuesday 20:00

    assert alerts(db) == [
        ("respond", "warning", ADMIN, msk(12, 18)),
        ("respond", "warning", ADMIN2, msk(12, 18)),
        ("respond", "breach", ADMIN, msk(13, 10)),
        ("respond", "breach", ADMIN2, msk(13, 10)),
        ("respond", "escalation", ADMIN, msk(13, 18)),
        ("respond", "escalation", ADMIN2, msk(13, 18)),
    ]
    # Monday's, due at start, had nothing to report (the request is Monday's): not sent
    assert digests(db) == [(ADMIN, msk(13, 8)), (ADMIN2, msk(13, 8))]


async def test_a_restart_on_the_same_day_sends_no_second_digest(
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    db: MemoryDatabase,
    schedulers: Starter,
) -> None:
    await file_request(uow_factory, clock)  # Monday: news on Tuesday
    clock.set(msk(13, 7, 59))
    first = real_scheduler(uow_factory, clock, schedulers)
    await time.run_for(timedelta(minutes=30))
    first.stop()
    await time.settle()
    assert len(digests(db)) == 2

    real_scheduler(uow_factory, clock, schedulers)  # the bot restarts at 08:29
    await time.run_for(timedelta(hours=3))

    assert digests(db) == [(ADMIN, msk(13, 8)), (ADMIN2, msk(13, 8))]


async def test_over_a_weekend_the_clock_of_a_request_stands_still(
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    db: MemoryDatabase,
    schedulers: Starter,
) -> None:
    """High, filed Friday 17:00: 4 working hours to take it. One hour on Friday, then Monday:
    warning at 3 h (Monday 10:00), breach at 4 h (Monday 11:00), escalation at 8 h (Monday 15:00).
    No digest on Saturday or Sunday; Monday's tells of Friday's request."""
    clock.set(msk(16, 17))
    await file_request(uow_factory, clock, Priority.HIGH)
    real_scheduler(uow_factory, clock, schedulers)

    await time.run_for(timedelta(days=3))  # to Monday 17:00

    assert [(kind, level, at) for kind, level, who, at in alerts(db) if who == ADMIN] == [
        ("respond", "warning", msk(19, 10)),
        ("respond", "breach", msk(19, 11)),
        ("respond", "escalation", msk(19, 15)),
    ]
    # Friday's, due at start, had nothing to report (the request is Friday's): not sent
    assert digests(db) == [(ADMIN, msk(19, 8)), (ADMIN2, msk(19, 8))]


async def test_muted_warnings_stay_muted_but_breaches_come(
    uow_factory: UnitOfWorkFactory,
    clock: FakeClock,
    time: VirtualTime,
    db: MemoryDatabase,
    schedulers: Starter,
) -> None:
    admin2: User = db.users[UserId(ADMIN2)]
    admin2.mute_sla_warnings = True
    clock.set(msk(12, 12))
    await file_request(uow_factory, clock)
    real_scheduler(uow_factory, clock, schedulers)

    await time.run_for(timedelta(days=1))

    assert [(level, who) for _, level, who, _ in alerts(db)] == [
        ("warning", ADMIN),
        ("breach", ADMIN),
        ("breach", ADMIN2),
    ]
