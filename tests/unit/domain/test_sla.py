"""Service levels: deadlines, checkpoints, holds, priority changes, reopening and alerts."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.unit.builders import CALENDAR, MONDAY_NOON_MSK, new_request, request_in, user
from zavhoz.domain import sla
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.request import Request
from zavhoz.domain.sla import SLA_TERMS, SlaCheckpoint, SlaKind, SlaLevel, SlaTerms
from zavhoz.domain.users import Role

MSK = ZoneInfo("Europe/Moscow")
AUTHOR, WORKER, ADMIN = user(101), user(201, Role.EXECUTOR), user(301, Role.ADMIN)
ALWAYS_ON = WorkingCalendar(always_on=True)


def msk(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    """A moment in 2026, Moscow time: 12 January is a Monday."""
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def planned(request: Request) -> dict[str, datetime]:
    return {c.key: c.at for c in request.sla_checkpoints}


def keys(checkpoints: list[SlaCheckpoint]) -> list[str]:
    return [c.key for c in checkpoints]


def in_status(status: Status, priority: Priority = Priority.MEDIUM) -> Request:
    request = request_in(status, AUTHOR, WORKER, ADMIN)
    if priority is not Priority.MEDIUM:
        request.change_priority(ADMIN, priority, MONDAY_NOON_MSK, CALENDAR)
        request.pull_events()
    return request


# --- the sla module ---------------------------------------------------------------------------


def test_the_terms_are_the_table_of_domain_md() -> None:
    expected = {
        Priority.HIGH: SlaTerms(hours(4), hours(24)),
        Priority.MEDIUM: SlaTerms(hours(8), hours(48)),
        Priority.LOW: SlaTerms(hours(24), hours(168)),
    }
    assert expected == SLA_TERMS
    assert SLA_TERMS[Priority.LOW].allowed(SlaKind.RESPOND) == hours(24)
    assert SLA_TERMS[Priority.LOW].allowed(SlaKind.RESOLVE) == hours(168)


def test_warning_breach_and_escalation_are_75_100_and_200_percent() -> None:
    assert [(level, level.fraction) for level in SlaLevel] == [
        (SlaLevel.WARNING, 0.75),
        (SlaLevel.BREACH, 1.0),
        (SlaLevel.ESCALATION, 2.0),
    ]


@pytest.mark.parametrize("kind", list(SlaKind))
@pytest.mark.parametrize("priority", list(Priority))
def test_each_checkpoint_is_its_fraction_of_the_allowed_working_time(
    kind: SlaKind, priority: Priority
) -> None:
    allowed = SLA_TERMS[priority].allowed(kind)

    points = sla.checkpoints(CALENDAR, kind, MONDAY_NOON_MSK, allowed)

    assert [c.level for c in points] == list(SlaLevel)
    for point in points:
        assert point.kind is kind
        assert point.key == f"{kind.value}:{point.level.value}"
        assert point.deadline == CALENDAR.add(MONDAY_NOON_MSK, allowed)
        assert CALENDAR.between(MONDAY_NOON_MSK, point.at) == allowed * point.level.fraction


def test_checkpoints_of_a_medium_request_filed_monday_noon() -> None:
    points = sla.checkpoints(CALENDAR, SlaKind.RESOLVE, msk(12, 12), hours(48))
    assert [c.at for c in points] == [msk(15, 18), msk(19, 10), msk(23, 18)]


def test_time_on_hold_pushes_every_checkpoint_back() -> None:
    plain = sla.checkpoints(CALENDAR, SlaKind.RESOLVE, msk(12, 12), hours(24))
    held = sla.checkpoints(CALENDAR, SlaKind.RESOLVE, msk(12, 12), hours(24), hours(3))
    for before, after in zip(plain, held, strict=True):
        assert CALENDAR.between(before.at, after.at) == hours(3)
    assert held[0].deadline == sla.deadline(CALENDAR, msk(12, 12), hours(24), hours(3))


# --- deadlines of a request -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("priority", "respond_by", "resolve_by"),
    [
        (Priority.HIGH, msk(12, 16), msk(14, 16)),
        (Priority.MEDIUM, msk(13, 10), msk(19, 10)),
        (Priority.LOW, msk(14, 16), msk(4, 10, month=2)),
    ],
)
def test_deadlines_of_a_request_filed_monday_noon(
    priority: Priority, respond_by: datetime, resolve_by: datetime
) -> None:
    request = new_request(AUTHOR, msk(12, 12), priority)
    assert (request.respond_by, request.resolve_by) == (respond_by, resolve_by)
    assert request.sla_started_at == msk(12, 12)
    assert len(request.sla_checkpoints) == 6


def test_a_request_filed_on_saturday_counts_from_monday_morning() -> None:
    request = new_request(AUTHOR, msk(17, 15), Priority.HIGH)
    assert request.respond_by == msk(19, 12)
    assert request.resolve_by == msk(21, 12)


def test_a_request_filed_late_in_the_day_is_due_the_next_morning() -> None:
    request = new_request(AUTHOR, msk(12, 17), Priority.HIGH)
    assert request.respond_by == msk(13, 11)


def test_a_request_filed_friday_afternoon_is_due_on_monday() -> None:
    request = new_request(AUTHOR, msk(16, 15), Priority.HIGH)
    assert request.respond_by == msk(19, 9)


def test_in_24_7_mode_deadlines_run_round_the_clock() -> None:
    request = Request.create(
        author=AUTHOR,
        location="Серверная",
        category=Category.IT_EQUIPMENT,
        description="Не работает кондиционер",
        priority=Priority.HIGH,
        now=msk(16, 20),
        calendar=ALWAYS_ON,
    )
    assert request.respond_by == msk(17, 0)
    assert request.resolve_by == msk(17, 20)
    assert planned(request)["respond:warning"] == msk(16, 23)


@pytest.mark.parametrize(
    ("status", "due"),
    [
        (Status.OPEN, "respond_by"),
        (Status.IN_PROGRESS, "resolve_by"),
        (Status.ON_HOLD, None),
        (Status.COMPLETED, None),
        (Status.REJECTED, None),
        (Status.CANCELLED, None),
    ],
)
def test_the_deadline_that_matters_depends_on_the_status(status: Status, due: str | None) -> None:
    request = in_status(status)
    far_future = msk(1, 12, month=12)

    expected = getattr(request, due) if due else None

    assert request.due_at == expected
    assert request.is_overdue(far_future) is (due is not None)


def test_overdue_is_strictly_after_the_deadline() -> None:
    request = new_request(AUTHOR)
    assert not request.is_overdue(request.respond_by)
    assert request.is_overdue(request.respond_by + timedelta(microseconds=1))


# --- alerts -----------------------------------------------------------------------------------


def test_alerts_come_due_one_level_at_a_time_and_only_once() -> None:
    request = new_request(AUTHOR, msk(12, 12))
    assert request.next_alert_at == msk(12, 18)

    assert request.due_alerts(msk(12, 17, 59)) == []
    assert keys(request.due_alerts(msk(12, 18))) == ["respond:warning"]
    assert request.due_alerts(msk(12, 18)) == []
    assert request.due_alerts(msk(13, 9)) == []
    assert request.next_alert_at == msk(13, 10)
    assert keys(request.due_alerts(msk(13, 10))) == ["respond:breach"]
    assert keys(request.due_alerts(msk(13, 18))) == ["respond:escalation"]
    assert request.next_alert_at == msk(15, 18)
    assert request.due_alerts(msk(13, 18)) == []


def test_levels_reached_together_are_returned_together_and_never_again() -> None:
    request = new_request(AUTHOR, msk(12, 12))
    version = request.version

    reached = request.due_alerts(msk(20, 12))

    assert keys(reached) == [
        "respond:warning",
        "respond:breach",
        "respond:escalation",
        "resolve:warning",
        "resolve:breach",
    ]
    assert all(c.deadline in (request.respond_by, request.resolve_by) for c in reached)
    assert request.version == version + 1
    assert request.due_alerts(msk(20, 12)) == []
    assert request.version == version + 1
    assert request.next_alert_at == msk(23, 18)


def test_each_level_reached_is_recorded_as_an_event_not_as_history() -> None:
    request = new_request(AUTHOR, msk(12, 12))
    request.due_alerts(msk(12, 18))
    request.change_priority(ADMIN, Priority.HIGH, msk(13, 10), CALENDAR)  # new deadlines
    request.pull_events()

    request.due_alerts(msk(13, 11))
    events = request.pull_sla_events()

    assert [(e.kind, e.level, e.priority, e.at) for e in events] == [
        (SlaKind.RESPOND, SlaLevel.WARNING, Priority.MEDIUM, msk(12, 18)),
        (SlaKind.RESPOND, SlaLevel.WARNING, Priority.HIGH, msk(13, 11)),
        (SlaKind.RESPOND, SlaLevel.BREACH, Priority.HIGH, msk(13, 11)),
        (SlaKind.RESPOND, SlaLevel.ESCALATION, Priority.HIGH, msk(13, 11)),
    ]
    assert {e.checkpoint.deadline for e in events[1:]} == {request.respond_by}
    assert request.pull_sla_events() == []
    assert request.pull_events() == []


def test_the_deadline_that_matters_follows_the_status() -> None:
    request = new_request(AUTHOR, msk(12, 12))
    assert (request.pressing, request.due_at) == (SlaKind.RESPOND, request.respond_by)
    request.take(WORKER, msk(12, 13))
    assert (request.pressing, request.due_at) == (SlaKind.RESOLVE, request.resolve_by)
    request.hold(WORKER, "Ждём запчасти", msk(12, 14))
    assert (request.pressing, request.due_at) == (None, None)


@given(st.lists(st.integers(min_value=0, max_value=30 * 24 * 60), max_size=30))
def test_each_level_fires_at_most_once_whatever_the_scan_times(minutes: list[int]) -> None:
    request = new_request(AUTHOR, msk(12, 12))
    fired: list[str] = []
    for offset in sorted(minutes):
        fired += keys(request.due_alerts(msk(12, 12) + timedelta(minutes=offset)))
    assert len(fired) == len(set(fired))
    assert set(fired) == set(request.sla_alerts_sent)


def test_taking_a_request_stops_the_respond_clock() -> None:
    request = new_request(AUTHOR, msk(12, 12))

    request.take(WORKER, msk(12, 13))

    assert {c.kind for c in request.sla_checkpoints} == {SlaKind.RESOLVE}
    assert keys(request.due_alerts(msk(13, 18))) == []
    assert request.next_alert_at == msk(15, 18)
    assert request.due_at == request.resolve_by == msk(19, 10)


@pytest.mark.parametrize("final", ["complete", "reject", "cancel"])
def test_closing_a_request_drops_its_alerts(final: str) -> None:
    request = new_request(AUTHOR, msk(12, 12))
    if final == "cancel":
        request.cancel(AUTHOR, "", msk(12, 13))
    elif final == "reject":
        request.reject(ADMIN, "Не наша зона", msk(12, 13))
    else:
        request.take(WORKER, msk(12, 13))
        request.complete(WORKER, "Заменили замок", (), msk(12, 14))

    assert request.sla_checkpoints == ()
    assert request.next_alert_at is None
    assert request.due_alerts(msk(1, 12, month=3)) == []


# --- hold and resume --------------------------------------------------------------------------


def test_time_on_hold_does_not_count_toward_resolution() -> None:
    request = new_request(AUTHOR, msk(12, 12))
    request.take(WORKER, msk(12, 12))
    before = request.resolve_by

    request.hold(WORKER, "Ждём запчасти", msk(13, 15))
    assert request.sla_checkpoints == ()
    assert request.next_alert_at is None
    assert request.due_at is None
    request.resume(WORKER, msk(14, 11), CALENDAR)

    on_hold = CALENDAR.between(msk(13, 15), msk(14, 11))
    assert on_hold == hours(6)
    assert request.held == on_hold
    assert CALENDAR.between(before, request.resolve_by) == on_hold
    assert request.resolve_by == msk(19, 16)
    assert request.next_alert_at == msk(16, 14)
    assert request.due_at == request.resolve_by


def test_a_hold_over_a_weekend_costs_only_working_time() -> None:
    request = new_request(AUTHOR, msk(12, 12))
    request.take(WORKER, msk(12, 12))

    request.hold(WORKER, "Ждём запчасти", msk(16, 17))
    request.resume(WORKER, msk(19, 8, 30), CALENDAR)

    assert request.held == hours(1.5)
    assert request.resolve_by == msk(19, 11, 30)


def test_holds_add_up() -> None:
    request = new_request(AUTHOR, msk(12, 12))
    request.take(WORKER, msk(12, 12))

    request.hold(WORKER, "Ждём запчасти", msk(12, 14))
    request.resume(WORKER, msk(12, 16), CALENDAR)
    request.hold(ADMIN, "Нет доступа в кабинет", msk(13, 9))
    request.resume(ADMIN, msk(13, 12), CALENDAR)

    assert request.held == hours(5)
    assert request.resolve_by == CALENDAR.add(msk(12, 12), hours(48 + 5))


def test_an_alert_sent_before_a_hold_is_not_sent_again_after_it() -> None:
    request = new_request(AUTHOR, msk(12, 12))
    request.take(WORKER, msk(12, 12))
    assert keys(request.due_alerts(msk(15, 18))) == ["resolve:warning"]

    request.hold(WORKER, "Ждём запчасти", msk(16, 9))
    request.resume(WORKER, msk(16, 12), CALENDAR)

    assert "resolve:warning" not in keys(request.due_alerts(msk(19, 12)))


# --- priority change --------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS])
def test_a_priority_change_recomputes_both_deadlines(status: Status) -> None:
    request = in_status(status)

    request.change_priority(ADMIN, Priority.HIGH, msk(12, 13), CALENDAR)

    assert (request.respond_by, request.resolve_by) == (msk(12, 16), msk(14, 16))
    assert request.priority is Priority.HIGH


def test_a_priority_change_clears_sent_alerts_and_plans_the_new_ones() -> None:
    request = new_request(AUTHOR, msk(12, 12), Priority.LOW)
    assert keys(request.due_alerts(msk(14, 10))) == ["respond:warning"]

    request.change_priority(ADMIN, Priority.HIGH, msk(14, 11), CALENDAR)

    assert request.sla_alerts_sent == frozenset()
    assert planned(request) == {
        "respond:warning": msk(12, 15),
        "respond:breach": msk(12, 16),
        "respond:escalation": msk(13, 10),
        "resolve:warning": msk(14, 10),
        "resolve:breach": msk(14, 16),
        "resolve:escalation": msk(19, 10),
    }
    assert keys(request.due_alerts(msk(14, 11))) == [
        "respond:warning",
        "respond:breach",
        "respond:escalation",
        "resolve:warning",
    ]


def test_a_priority_change_of_a_taken_request_plans_only_resolution() -> None:
    request = in_status(Status.IN_PROGRESS)

    request.change_priority(ADMIN, Priority.LOW, msk(12, 13), CALENDAR)

    assert {c.kind for c in request.sla_checkpoints} == {SlaKind.RESOLVE}
    assert request.resolve_by == msk(4, 10, month=2)


def test_a_priority_change_on_hold_takes_effect_on_resume() -> None:
    request = in_status(Status.IN_PROGRESS)
    request.hold(WORKER, "Ждём запчасти", msk(13, 8))

    request.change_priority(ADMIN, Priority.HIGH, msk(13, 9), CALENDAR)
    assert request.sla_checkpoints == ()
    request.resume(WORKER, msk(13, 10), CALENDAR)

    assert request.held == hours(2)
    assert request.resolve_by == CALENDAR.add(MONDAY_NOON_MSK, hours(24 + 2))
    assert {c.deadline for c in request.sla_checkpoints} == {request.resolve_by}


# --- reopen -----------------------------------------------------------------------------------


def test_reopening_restarts_the_resolve_clock_from_the_reopen_time() -> None:
    request = in_status(Status.IN_PROGRESS)
    request.hold(WORKER, "Ждём запчасти", msk(12, 13))
    request.resume(WORKER, msk(13, 13), CALENDAR)
    request.complete(WORKER, "Заменили замок", (), msk(13, 14))

    request.reopen(AUTHOR, "Снова не закрывается", msk(16, 15), CALENDAR)

    assert request.sla_started_at == msk(16, 15)
    assert request.held == timedelta(0)
    assert request.resolve_by == CALENDAR.add(msk(16, 15), hours(48)) == msk(23, 13)
    assert {c.kind for c in request.sla_checkpoints} == {SlaKind.RESOLVE}
    assert request.due_at == request.resolve_by


def test_a_reopened_request_is_alerted_again_for_its_new_deadline() -> None:
    request = in_status(Status.IN_PROGRESS)
    assert keys(request.due_alerts(msk(26, 9))) == [
        "resolve:warning",
        "resolve:breach",
        "resolve:escalation",
    ]
    request.complete(WORKER, "Заменили замок", (), msk(26, 10))

    request.reopen(AUTHOR, "Снова не закрывается", msk(26, 11), CALENDAR)

    assert request.next_alert_at == CALENDAR.add(msk(26, 11), hours(36))
    assert keys(request.due_alerts(CALENDAR.add(msk(26, 11), hours(48)))) == [
        "resolve:warning",
        "resolve:breach",
    ]


# --- properties -------------------------------------------------------------------------------

MOMENTS = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 1), timezones=st.just(UTC)
)


@given(MOMENTS, st.sampled_from(list(Priority)), st.sampled_from([CALENDAR, ALWAYS_ON]))
def test_deadlines_are_never_before_the_request_was_filed(
    created: datetime, priority: Priority, calendar: WorkingCalendar
) -> None:
    request = Request.create(
        author=AUTHOR,
        location="Каб. 305",
        category=Category.OTHER,
        description="Не закрывается дверь",
        priority=priority,
        now=created,
        calendar=calendar,
    )
    assert created <= request.respond_by <= request.resolve_by
    for kind in SlaKind:
        ats = [c.at for c in request.sla_checkpoints if c.kind is kind]
        assert ats == sorted(ats)
        assert created <= ats[0]
    assert request.next_alert_at == min(c.at for c in request.sla_checkpoints)
