"""The SLA scan with a fake clock. Default calendar: Moscow, Monday to Friday, 08:00 to 18:00.

A medium request filed on Monday 12 January 2026 at 12:00 must be taken within 8 working hours:
warning at 75% (6 h: Monday 18:00), breach at 100% (Tuesday 10:00), escalation at 200%
(16 h: Tuesday 18:00). It must be resolved within 48 working hours: warning at 36 h (Thursday
18:00), breach at 48 h (Monday 19 January 10:00).
"""

from datetime import datetime
from typing import Any

import pytest

from tests.unit.application.support import Desk, msk, told
from tests.unit.conftest import ADMIN, ADMIN2, EXECUTOR, STAFF
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.use_cases.scan_sla import ScanSla, SlaAlert
from zavhoz.domain import sla
from zavhoz.domain.catalog import Priority, Status
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.sla import SlaCheckpoint, SlaKind, SlaLevel
from zavhoz.domain.users import UserState

ADMINS = {(ADMIN, "sla_alert"), (ADMIN2, "sla_alert")}


def levels(alerts: list[SlaAlert]) -> list[tuple[int, str, str]]:
    return [(a.request_id, a.checkpoint.kind.value, a.checkpoint.level.value) for a in alerts]


def alerts_in(desk: Desk) -> list[OutboxMessage]:
    return [m for m in desk.db.outbox if m.template == "sla_alert"]


async def scan_at(desk: Desk, build: Any, moment: datetime) -> list[SlaAlert]:
    desk.clock.set(moment)
    result: list[SlaAlert] = await build(ScanSla)()
    return result


async def test_nothing_before_three_quarters_of_the_time(desk: Desk, build: Any) -> None:
    await desk.create(STAFF)

    assert await scan_at(desk, build, msk(12, 17, 59)) == []
    assert alerts_in(desk) == []


async def test_warning_breach_and_escalation_each_once(desk: Desk, build: Any) -> None:
    rid = (await desk.create(STAFF)).id
    respond_by = desk.request(rid).respond_by
    respond = SlaKind.RESPOND.value

    warning = await scan_at(desk, build, msk(12, 18))
    again = await scan_at(desk, build, msk(12, 18))
    overnight = await scan_at(desk, build, msk(13, 9, 59))
    warned = len(alerts_in(desk))
    breach = await scan_at(desk, build, msk(13, 10))
    after_breach = await scan_at(desk, build, msk(13, 17, 59))
    escalation = await scan_at(desk, build, msk(13, 18))
    later = await scan_at(desk, build, msk(14, 12))

    assert levels(warning) == [(rid, respond, "warning")]
    assert levels(breach) == [(rid, respond, "breach")]
    assert levels(escalation) == [(rid, respond, "escalation")]
    assert again == overnight == after_breach == later == []
    assert warned == 2
    messages = alerts_in(desk)
    assert [m.params["level"] for m in messages] == ["warning"] * 2 + ["breach"] * 2 + [
        "escalation"
    ] * 2
    assert told(messages) == ADMINS
    assert {m.params["deadline"] for m in messages} == {respond_by.isoformat()}
    assert {m.params["kind"] for m in messages} == {"respond"}
    assert {m.request_id for m in messages} == {rid}
    assert len({m.dedupe_key for m in messages}) == 6
    assert desk.request(rid).sla_alerts_sent == {
        "respond:warning",
        "respond:breach",
        "respond:escalation",
    }


async def test_the_assignee_and_the_admins_are_told(desk: Desk, build: Any) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS)

    assert await scan_at(desk, build, msk(15, 17, 59)) == []
    alerts = await scan_at(desk, build, msk(15, 18))

    assert levels(alerts) == [(rid, "resolve", "warning")]
    assert told(alerts_in(desk)) == ADMINS | {(EXECUTOR, "sla_alert")}
    assert {m.created_at for m in alerts_in(desk)} == {msk(15, 18)}


async def test_a_blocked_assignee_hears_nothing(desk: Desk, build: Any) -> None:
    await desk.in_status(Status.IN_PROGRESS)
    desk.db.users[UserId(EXECUTOR)].state = UserState.BLOCKED

    await scan_at(desk, build, msk(15, 18))

    assert told(alerts_in(desk)) == ADMINS


async def test_a_muted_admin_hears_breaches_but_not_warnings(desk: Desk, build: Any) -> None:
    await desk.create(STAFF)
    desk.db.users[UserId(ADMIN2)].mute_sla_warnings = True

    await scan_at(desk, build, msk(12, 18))
    warned = told(alerts_in(desk))
    await scan_at(desk, build, msk(13, 10))

    assert warned == {(ADMIN, "sla_alert")}
    breaches = [m for m in alerts_in(desk) if m.params["level"] == "breach"]
    assert told(breaches) == ADMINS


async def test_after_downtime_one_alert_with_the_deadline_that_matters_now(
    desk: Desk, build: Any
) -> None:
    """Untaken on Thursday: every respond level and the resolve warning are due at once; the
    request is open, so the respond deadline is the one that matters: one escalation, with it."""
    rid = (await desk.create(STAFF)).id
    respond_by = desk.request(rid).respond_by

    alerts = await scan_at(desk, build, msk(15, 18))  # Thursday: everything is long due
    after = await scan_at(desk, build, msk(16, 12))

    assert levels(alerts) == [(rid, "respond", "escalation")]
    assert after == []
    messages = alerts_in(desk)
    assert told(messages) == ADMINS
    assert {(m.params["kind"], m.params["level"]) for m in messages} == {("respond", "escalation")}
    assert {m.params["deadline"] for m in messages} == {respond_by.isoformat()}
    assert desk.request(rid).sla_alerts_sent == {
        "respond:warning",
        "respond:breach",
        "respond:escalation",
        "resolve:warning",
    }


async def test_an_untaken_request_later_hears_of_its_resolve_deadline(
    desk: Desk, build: Any
) -> None:
    """Once the respond alerts are all sent, the resolve deadline is the only news left."""
    rid = (await desk.create(STAFF)).id
    await scan_at(desk, build, msk(13, 18))  # the respond escalation
    resolve_by = desk.request(rid).resolve_by

    alerts = await scan_at(desk, build, msk(15, 18))

    assert levels(alerts) == [(rid, "resolve", "warning")]
    assert {m.params["deadline"] for m in alerts_in(desk)[-2:]} == {resolve_by.isoformat()}


async def test_nights_and_weekends_do_not_count(desk: Desk, build: Any) -> None:
    desk.clock.set(msk(16, 17))  # Friday 17:00; high: take within 4 working hours
    rid = (await desk.create(STAFF, priority=Priority.HIGH)).id

    assert await scan_at(desk, build, msk(16, 23)) == []
    assert await scan_at(desk, build, msk(17, 12)) == []  # Saturday
    assert await scan_at(desk, build, msk(19, 9, 59)) == []  # Monday, 2 h 59 min of work
    warning = await scan_at(desk, build, msk(19, 10))

    assert levels(warning) == [(rid, "respond", "warning")]
    assert desk.request(rid).respond_by == msk(19, 11)


async def test_a_hold_pauses_the_clock(desk: Desk, build: Any) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS)
    await desk.hold(rid)

    on_hold = await scan_at(desk, build, msk(19, 12))  # past every resolve checkpoint
    desk.clock.set(msk(20, 12))  # a week later, Tuesday: resume
    await desk.resume(rid)

    assert on_hold == []
    assert await scan_at(desk, build, msk(23, 17, 59)) == []
    warning = await scan_at(desk, build, msk(23, 18))  # Friday: 36 h of work since resuming
    assert levels(warning) == [(rid, "resolve", "warning")]


async def test_a_short_hold_moves_the_deadline_by_the_working_time_held(
    desk: Desk, build: Any
) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS)
    await desk.hold(rid)
    desk.clock.set(msk(13, 12))  # Tuesday 12:00: Monday 6 h + Tuesday 4 h on hold
    await desk.resume(rid)

    assert await scan_at(desk, build, msk(15, 18)) == []  # the old warning moment
    assert await scan_at(desk, build, msk(16, 17, 59)) == []
    warning = await scan_at(desk, build, msk(16, 18))

    assert levels(warning) == [(rid, "resolve", "warning")]


async def test_finished_requests_raise_no_alerts(desk: Desk, build: Any) -> None:
    for status in (Status.COMPLETED, Status.CANCELLED, Status.REJECTED):
        await desk.in_status(status)

    assert await scan_at(desk, build, msk(30, 12)) == []
    assert alerts_in(desk) == []


async def test_a_new_priority_means_new_deadlines_and_new_alerts(desk: Desk, build: Any) -> None:
    rid = (await desk.create(STAFF)).id
    await scan_at(desk, build, msk(12, 18))  # medium: respond warning
    await desk.change_priority(rid, Priority.HIGH)  # take by Monday 16:00: already late

    alerts = await scan_at(desk, build, msk(12, 18))

    assert levels(alerts) == [(rid, "respond", "breach")]
    deadline = str(alerts_in(desk)[-1].params["deadline"])
    assert datetime.fromisoformat(deadline) == msk(12, 16)


async def test_a_reopened_request_is_watched_again(desk: Desk, build: Any) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS)
    await scan_at(desk, build, msk(15, 18))  # resolve warning
    await desk.complete(rid)
    desk.clock.set(msk(16, 9))
    await desk.reopen(rid)  # 48 working hours again from Friday 09:00: warning at 36 h

    assert await scan_at(desk, build, msk(21, 14, 59)) == []
    alerts = await scan_at(desk, build, msk(21, 15))  # Wednesday: 9 + 10 + 10 + 7 hours

    assert levels(alerts) == [(rid, "resolve", "warning")]


async def test_one_scan_covers_every_due_request(desk: Desk, build: Any) -> None:
    first = (await desk.create(STAFF)).id
    second = (await desk.create(STAFF, priority=Priority.HIGH)).id
    await desk.create(STAFF, priority=Priority.LOW)

    alerts = await scan_at(desk, build, msk(12, 18))

    assert sorted(levels(alerts)) == [
        (first, "respond", "warning"),
        (second, "respond", "breach"),
    ]
    assert {RequestId(m.request_id or 0) for m in alerts_in(desk)} == {first, second}


@pytest.mark.parametrize(
    ("pressing", "expected"),
    [
        (SlaKind.RESPOND, (SlaKind.RESPOND, SlaLevel.BREACH)),
        (SlaKind.RESOLVE, (SlaKind.RESOLVE, SlaLevel.WARNING)),
        (None, (SlaKind.RESPOND, SlaLevel.BREACH)),
    ],
)
def test_the_gravest_level_of_the_pressing_deadline_wins_whatever_the_order(
    pressing: SlaKind | None, expected: tuple[SlaKind, SlaLevel]
) -> None:
    def at(level: SlaLevel, kind: SlaKind = SlaKind.RESPOND) -> SlaCheckpoint:
        return SlaCheckpoint(kind, level, msk(12, 12), msk(13, 12))

    reached = [
        at(SlaLevel.WARNING),
        at(SlaLevel.WARNING, SlaKind.RESOLVE),
        at(SlaLevel.BREACH),
    ]

    for order in (reached, reached[::-1]):
        chosen = sla.most_pressing(order, pressing)
        assert chosen is not None
        assert (chosen.kind, chosen.level) == expected
    assert sla.most_pressing([], pressing) is None
