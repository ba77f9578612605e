"""The admins' morning digest: what happened yesterday and what is late now."""

from datetime import date
from typing import Any

import pytest

from tests.unit.application.support import Desk, msk, told
from tests.unit.conftest import ADMIN, ADMIN2, STAFF, STAFF2
from zavhoz.application.ports import DigestCounts
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.send_daily_digest import SendDailyDigest
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Priority, Status
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import UserState


def digests(desk: Desk) -> list[Any]:
    return [m for m in desk.db.outbox if m.template == "daily_digest"]


async def a_busy_monday(desk: Desk) -> None:
    """Sunday night one request; on Monday six more, in every state; one more after midnight."""
    desk.clock.set(msk(11, 20))
    await desk.create(STAFF2)  # Sunday: not new on Tuesday, but late by then
    desk.clock.set(msk(12, 12))
    await desk.create(STAFF, priority=Priority.HIGH)  # late by Tuesday 08:00
    await desk.create(STAFF)  # to be taken by Tuesday 10:00: not late yet
    await desk.in_status(Status.IN_PROGRESS)
    await desk.in_status(Status.ON_HOLD)
    await desk.in_status(Status.COMPLETED)
    await desk.in_status(Status.CANCELLED)
    desk.clock.set(msk(13, 0, 30))
    late_night = await desk.in_status(Status.IN_PROGRESS)
    await desk.complete(late_night)  # Tuesday: not "completed yesterday"
    desk.clock.set(msk(13, 8))


async def test_the_digest_counts_yesterday_and_now(desk: Desk, build: Any) -> None:
    await a_busy_monday(desk)

    counts = await build(SendDailyDigest)()

    assert counts == DigestCounts(new=6, overdue=2, in_progress=2, completed=1)
    assert told(digests(desk)) == {(ADMIN, "daily_digest"), (ADMIN2, "daily_digest")}
    for message in digests(desk):
        assert dict(message.params) == {
            "date": "2026-01-13",
            "new": 6,
            "overdue": 2,
            "in_progress": 2,
            "completed": 1,
        }
        assert message.request_id is None
        assert message.created_at == msk(13, 8)


async def test_the_digest_goes_to_active_admins_only(desk: Desk, build: Any) -> None:
    await desk.create(STAFF)
    desk.db.users[UserId(ADMIN2)].state = UserState.BLOCKED
    desk.clock.set(msk(13, 8))

    await build(SendDailyDigest)()

    assert told(digests(desk)) == {(ADMIN, "daily_digest")}


async def test_nothing_to_report_no_digest(desk: Desk, build: Any) -> None:
    """A fresh install; then a request filed and cancelled on Monday is still news on Tuesday."""
    desk.clock.set(msk(12, 8))

    counts = await build(SendDailyDigest)()

    assert counts == DigestCounts(new=0, overdue=0, in_progress=0, completed=0)
    assert desk.db.outbox == []
    await desk.in_status(Status.CANCELLED)
    desk.clock.set(msk(13, 8))
    assert await build(SendDailyDigest)() == DigestCounts(
        new=1, overdue=0, in_progress=0, completed=0
    )
    assert told(digests(desk)) == {(ADMIN, "daily_digest"), (ADMIN2, "daily_digest")}


async def test_one_digest_a_day(desk: Desk, build: Any) -> None:
    await a_busy_monday(desk)
    await build(SendDailyDigest)()
    sent = list(desk.db.outbox)
    desk.clock.set(msk(13, 17))
    await desk.create(STAFF)

    again = await build(SendDailyDigest)()

    assert digests(desk) == [m for m in sent if m.template == "daily_digest"]
    assert again is not None
    desk.clock.set(msk(14, 8))
    await build(SendDailyDigest)()
    assert len(digests(desk)) == 4
    assert {m.params["date"] for m in digests(desk)} == {"2026-01-13", "2026-01-14"}


@pytest.mark.parametrize("day", [17, 18], ids=["saturday", "sunday"])
async def test_no_digest_at_the_weekend(desk: Desk, build: Any, day: int) -> None:
    await desk.create(STAFF)
    desk.clock.set(msk(day, 8))

    assert await build(SendDailyDigest)() is None
    assert digests(desk) == []


async def test_no_digest_on_a_holiday(desk: Desk, build: Any, settings: WorkflowSettings) -> None:
    calendar = WorkingCalendar(holidays=frozenset({date(2026, 1, 13)}))
    config = WorkflowSettings(admin_ids=settings.admin_ids, calendar=calendar)
    desk.clock.set(msk(13, 8))

    assert await build(SendDailyDigest, settings=config)() is None
    assert digests(desk) == []


async def test_the_day_is_the_local_one(desk: Desk, build: Any) -> None:
    desk.clock.set(msk(12, 23, 30))  # Monday evening in Moscow, already Monday 20:30 UTC
    await desk.create(STAFF)
    desk.clock.set(msk(13, 1))  # Tuesday 01:00 in Moscow, still Monday 22:00 UTC

    counts = await build(SendDailyDigest)()

    assert counts is not None
    assert counts.new == 1
    assert {m.params["date"] for m in digests(desk)} == {"2026-01-13"}


async def test_mondays_digest_covers_friday_and_the_weekend(desk: Desk, build: Any) -> None:
    desk.clock.set(msk(9, 15))  # Friday
    await desk.create(STAFF)
    desk.clock.set(msk(10, 11))  # Saturday
    await desk.create(STAFF2)
    desk.clock.set(msk(12, 8))  # Monday

    counts = await build(SendDailyDigest)()

    assert counts is not None
    assert counts.new == 2
