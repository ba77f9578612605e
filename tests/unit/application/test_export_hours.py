"""The export's memoised working hours agree with ``WorkingCalendar.between`` everywhere."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from zavhoz.application.export import ExportRow
from zavhoz.application.queries.export_requests import WorkingHours
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import RequestId

BASE = datetime(2026, 1, 1, tzinfo=UTC)
moments = st.integers(min_value=0, max_value=60 * 24 * 90).map(
    lambda minutes: BASE + timedelta(minutes=minutes)
)
calendars = st.builds(
    lambda always_on, zone, start, length, days, holidays: WorkingCalendar(
        always_on=always_on,
        timezone=ZoneInfo(zone),
        day_start=time(start),
        day_end=time(start + length),
        working_days=frozenset(days),
        holidays=frozenset(date(2026, 1, 1) + timedelta(days=d) for d in holidays),
    ),
    st.booleans(),
    st.sampled_from(["Europe/Moscow", "Asia/Vladivostok", "UTC"]),
    st.integers(min_value=0, max_value=12),
    st.integers(min_value=1, max_value=11),
    st.sets(st.integers(min_value=0, max_value=6), min_size=1),
    st.sets(st.integers(min_value=0, max_value=90), max_size=10),
)


@settings(max_examples=200, deadline=None)
@given(calendars, st.lists(st.tuples(moments, moments), min_size=1, max_size=20))
def test_between_agrees_with_the_calendar(
    calendar: WorkingCalendar, pairs: list[tuple[datetime, datetime]]
) -> None:
    hours = WorkingHours(calendar)  # one instance: days are remembered forwards and backwards
    for start, end in pairs:
        assert hours.between(start, end) == calendar.between(start, end)


def test_hours_round_to_one_decimal() -> None:
    hours = WorkingHours(WorkingCalendar())
    monday_noon = datetime(2026, 1, 12, 12, 0, tzinfo=ZoneInfo("Europe/Moscow"))

    assert hours.hours(monday_noon, monday_noon + timedelta(minutes=20)) == 0.3
    assert hours.hours(monday_noon, monday_noon + timedelta(days=1)) == 10.0
    assert hours.hours(monday_noon + timedelta(days=7), monday_noon) == 0.0


def row(created: datetime, taken: datetime | None, completed: datetime | None) -> ExportRow:
    return ExportRow(
        number=RequestId(1),
        created_at=created,
        author="Анна",
        location="Каб. 305",
        category=Category.OTHER,
        priority=Priority.MEDIUM,
        status=Status.COMPLETED if completed else Status.IN_PROGRESS,
        assignee="Иван",
        taken_at=taken,
        completed_at=completed,
        resolve_by=created + timedelta(hours=30),
        rating=None,
        title="Дверь",
        description="Дверь не закрывается",
    )


def test_lines_in_a_round_the_clock_calendar() -> None:
    zone = ZoneInfo("Asia/Vladivostok")
    hours = WorkingHours(WorkingCalendar(always_on=True, timezone=zone))
    saturday = datetime(2026, 1, 17, 1, 0, tzinfo=UTC)

    line = hours.line(row(saturday, saturday, saturday + timedelta(hours=31, minutes=3)))

    assert line.created_at == saturday
    assert line.created_at.tzinfo is zone
    assert (line.hours_to_take, line.hours_to_complete, line.sla_met) == (0.0, 31.1, False)


def test_lines_count_working_hours_only() -> None:
    hours = WorkingHours(WorkingCalendar())
    friday_5pm = datetime(2026, 1, 16, 14, 0, tzinfo=UTC)  # 17:00 in Moscow

    taken_monday_9am = friday_5pm + timedelta(days=2, hours=16)
    line = hours.line(row(friday_5pm, taken_monday_9am, None))

    assert (line.hours_to_take, line.hours_to_complete, line.sla_met) == (2.0, None, None)
    assert line.taken_at is not None
    assert (line.taken_at.hour, line.taken_at.minute) == (9, 0)


def test_the_report_shows_only_while_completed_and_the_reason_only_while_closed() -> None:
    hours = WorkingHours(WorkingCalendar())
    monday = datetime(2026, 1, 12, 9, 0, tzinfo=UTC)
    said = {"report": "Заменили замок", "reason": "Не наша зона"}
    done = hours.line(row(monday, monday, monday + timedelta(hours=2))._replace(**said))
    reopened = hours.line(row(monday, monday, None)._replace(**said))
    rejected = hours.line(row(monday, None, None)._replace(status=Status.REJECTED, **said))
    assert (done.report, done.reason) == ("Заменили замок", None)
    assert (reopened.report, reopened.reason) == (None, None)
    assert (rejected.report, rejected.reason) == (None, "Не наша зона")
