"""Working-time arithmetic: nights, weekends, holidays, time zones and 24/7 mode."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.errors import ValidationFailed

MSK = ZoneInfo("Europe/Moscow")
DEFAULT = WorkingCalendar()
HOLIDAY_MONDAY = date(2026, 1, 19)
WITH_HOLIDAY = WorkingCalendar(holidays=frozenset({HOLIDAY_MONDAY}))
ALWAYS_ON = WorkingCalendar(always_on=True)
SIX_DAY_URAL = WorkingCalendar(
    timezone=ZoneInfo("Asia/Yekaterinburg"),
    day_start=time(9),
    day_end=time(13, 30),
    working_days=frozenset(range(6)),
)
BERLIN = WorkingCalendar(timezone=ZoneInfo("Europe/Berlin"))


def msk(day: int, hour: int, minute: int = 0, month: int = 1) -> datetime:
    """A moment in January 2026, Moscow time: the 12th is a Monday, the 16th a Friday."""
    return datetime(2026, month, day, hour, minute, tzinfo=MSK)


def hours(n: float) -> timedelta:
    return timedelta(hours=n)


def test_the_default_calendar_is_moscow_monday_to_friday_eight_to_six() -> None:
    assert DEFAULT.timezone == MSK
    assert (DEFAULT.day_start, DEFAULT.day_end) == (time(8), time(18))
    assert DEFAULT.working_days == frozenset({0, 1, 2, 3, 4})
    assert not DEFAULT.always_on
    assert DEFAULT.holidays == frozenset()


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        pytest.param(msk(12, 9), hours(4), msk(12, 13), id="within-a-day"),
        pytest.param(msk(12, 8), hours(10), msk(12, 18), id="fills-the-day-exactly"),
        pytest.param(msk(12, 17), hours(4), msk(13, 11), id="across-a-night"),
        pytest.param(msk(12, 18), hours(1), msk(13, 9), id="from-closing-time"),
        pytest.param(msk(12, 22), hours(1), msk(13, 9), id="from-late-evening"),
        pytest.param(msk(12, 6), hours(1), msk(12, 9), id="from-early-morning"),
        pytest.param(msk(16, 15), hours(4), msk(19, 9), id="friday-afternoon-to-monday"),
        pytest.param(msk(17, 15), hours(4), msk(19, 12), id="from-saturday"),
        pytest.param(msk(18, 23, 59), hours(1), msk(19, 9), id="from-sunday-night"),
        pytest.param(msk(12, 12), hours(48), msk(19, 10), id="medium-resolve-over-a-weekend"),
        pytest.param(msk(12, 9, 30), timedelta(minutes=45), msk(12, 10, 15), id="minutes"),
    ],
)
def test_add_counts_only_working_hours(
    start: datetime, duration: timedelta, expected: datetime
) -> None:
    assert DEFAULT.add(start, duration) == expected
    assert DEFAULT.between(start, expected) == duration


def test_add_accepts_any_time_zone_and_answers_in_utc() -> None:
    start_utc = datetime(2026, 1, 12, 14, 0, tzinfo=UTC)  # 17:00 in Moscow
    result = DEFAULT.add(start_utc, hours(4))
    assert result == msk(13, 11)
    assert result.utcoffset() == timedelta(0)


def test_a_holiday_monday_is_skipped() -> None:
    assert WITH_HOLIDAY.is_working_day(msk(19, 9).date()) is False
    assert WITH_HOLIDAY.add(msk(16, 15), hours(4)) == msk(20, 9)
    assert WITH_HOLIDAY.between(msk(16, 15), msk(20, 9)) == hours(4)


def test_a_request_filed_on_a_holiday_counts_from_the_next_working_morning() -> None:
    assert WITH_HOLIDAY.add(msk(19, 10), hours(2)) == msk(20, 10)


@pytest.mark.parametrize(
    ("day", "working"),
    [(12, True), (16, True), (17, False), (18, False)],
)
def test_weekends_are_not_working_days(day: int, working: bool) -> None:
    assert DEFAULT.is_working_day(date(2026, 1, day)) is working


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        pytest.param(msk(16, 15), hours(4), msk(16, 19), id="friday-evening"),
        pytest.param(msk(17, 15), hours(4), msk(17, 19), id="saturday"),
        pytest.param(msk(12, 17), hours(48), msk(14, 17), id="two-days-straight"),
    ],
)
def test_always_on_counts_every_hour(
    start: datetime, duration: timedelta, expected: datetime
) -> None:
    assert ALWAYS_ON.add(start, duration) == expected
    assert ALWAYS_ON.between(start, expected) == duration


def test_always_on_needs_no_working_days_or_hours() -> None:
    calendar = WorkingCalendar(
        always_on=True, day_start=time(18), day_end=time(8), working_days=frozenset()
    )
    assert calendar.add(msk(17, 0), hours(30)) == msk(18, 6)


@pytest.mark.parametrize("calendar", [DEFAULT, ALWAYS_ON], ids=["working-hours", "24/7"])
@pytest.mark.parametrize("duration", [timedelta(0), -hours(3)])
def test_no_or_negative_duration_leaves_the_start(
    calendar: WorkingCalendar, duration: timedelta
) -> None:
    assert calendar.add(msk(17, 15), duration) == msk(17, 15)


@pytest.mark.parametrize(
    ("start", "end", "expected"),
    [
        pytest.param(msk(12, 9), msk(12, 12), hours(3), id="inside-a-day"),
        pytest.param(msk(12, 6), msk(12, 7), hours(0), id="before-opening"),
        pytest.param(msk(12, 19), msk(13, 7), hours(0), id="overnight"),
        pytest.param(msk(17, 9), msk(18, 17), hours(0), id="weekend"),
        pytest.param(msk(16, 15), msk(19, 9), hours(4), id="over-a-weekend"),
        pytest.param(msk(12, 0), msk(19, 0), hours(50), id="a-whole-week"),
        pytest.param(msk(12, 12), msk(12, 12), hours(0), id="empty"),
        pytest.param(msk(12, 12), msk(12, 9), hours(0), id="backwards"),
    ],
)
def test_between_counts_working_time_in_an_interval(
    start: datetime, end: datetime, expected: timedelta
) -> None:
    assert DEFAULT.between(start, end) == expected


def test_always_on_between_is_plain_elapsed_time() -> None:
    assert ALWAYS_ON.between(msk(17, 9), msk(18, 17)) == hours(32)
    assert ALWAYS_ON.between(msk(18, 17), msk(17, 9)) == timedelta(0)


def test_a_custom_calendar_uses_its_own_zone_days_and_hours() -> None:
    ural = ZoneInfo("Asia/Yekaterinburg")
    saturday_noon = datetime(2026, 1, 17, 12, 0, tzinfo=ural)
    # 1.5 h on Saturday, nothing on Sunday, the rest from Monday 09:00 local
    assert SIX_DAY_URAL.add(saturday_noon, hours(3)) == datetime(2026, 1, 19, 10, 30, tzinfo=ural)
    assert SIX_DAY_URAL.between(saturday_noon, datetime(2026, 1, 19, 10, 30, tzinfo=ural)) == hours(
        3
    )


def test_a_daylight_saving_weekend_shifts_the_utc_opening_hour() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    friday = datetime(2026, 3, 27, 17, 0, tzinfo=berlin)  # CET, UTC+1
    monday = BERLIN.add(friday, hours(2))
    assert monday == datetime(2026, 3, 30, 9, 0, tzinfo=berlin)  # CEST, UTC+2
    assert monday == datetime(2026, 3, 30, 7, 0, tzinfo=UTC)
    assert BERLIN.between(friday, monday) == hours(2)


@pytest.mark.parametrize(
    ("kwargs", "field", "rule"),
    [
        ({"day_start": time(18), "day_end": time(8)}, "working_hours", "end_after_start"),
        ({"day_start": time(9), "day_end": time(9)}, "working_hours", "end_after_start"),
        ({"working_days": frozenset()}, "working_days", "not_empty"),
    ],
)
def test_a_calendar_without_working_time_is_refused(
    kwargs: dict[str, object], field: str, rule: str
) -> None:
    with pytest.raises(ValidationFailed) as refused:
        WorkingCalendar(**kwargs)  # type: ignore[arg-type]
    assert (refused.value.field, refused.value.rule) == (field, rule)


def test_holidays_covering_every_working_day_leave_no_working_time() -> None:
    first_monday = date(2026, 1, 12)
    mondays = frozenset(first_monday + timedelta(weeks=n) for n in range(530))
    calendar = WorkingCalendar(working_days=frozenset({0}), holidays=mondays)

    with pytest.raises(ValidationFailed) as refused:
        calendar.add(msk(12, 9), hours(1))

    assert (refused.value.field, refused.value.rule) == ("holidays", "no_working_time")
    assert calendar.between(msk(12, 9), msk(12, 9, month=12)) == timedelta(0)


# --- properties -------------------------------------------------------------------------------

CALENDARS = st.sampled_from([DEFAULT, WITH_HOLIDAY, ALWAYS_ON, SIX_DAY_URAL, BERLIN])
MOMENTS = st.datetimes(
    min_value=datetime(2025, 12, 1), max_value=datetime(2027, 2, 1), timezones=st.just(UTC)
)
DURATIONS = st.timedeltas(min_value=timedelta(0), max_value=hours(200))


@given(CALENDARS, MOMENTS, MOMENTS, DURATIONS)
def test_add_is_monotone_in_the_start(
    calendar: WorkingCalendar, a: datetime, b: datetime, duration: timedelta
) -> None:
    early, late = sorted((a, b))
    assert calendar.add(early, duration) <= calendar.add(late, duration)


@given(CALENDARS, MOMENTS, DURATIONS, DURATIONS)
def test_add_is_monotone_in_the_duration(
    calendar: WorkingCalendar, start: datetime, a: timedelta, b: timedelta
) -> None:
    short, long = sorted((a, b))
    assert calendar.add(start, short) <= calendar.add(start, long)


@given(CALENDARS, MOMENTS, DURATIONS)
def test_between_undoes_add(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    assert calendar.between(start, calendar.add(start, duration)) == duration


@given(CALENDARS, MOMENTS, DURATIONS)
def test_a_deadline_is_never_before_its_start(
    calendar: WorkingCalendar, start: datetime, duration: timedelta
) -> None:
    end = calendar.add(start, duration)
    assert end >= start
    assert end - start >= duration


@given(CALENDARS, MOMENTS, MOMENTS, MOMENTS)
def test_between_adds_up_over_consecutive_intervals(
    calendar: WorkingCalendar, a: datetime, b: datetime, c: datetime
) -> None:
    first, middle, last = sorted((a, b, c))
    assert calendar.between(first, middle) + calendar.between(middle, last) == calendar.between(
        first, last
    )
    assert calendar.between(first, last) <= last - first


@given(CALENDARS, MOMENTS, MOMENTS)
def test_add_of_between_lands_no_later_than_the_end(
    calendar: WorkingCalendar, a: datetime, b: datetime
) -> None:
    start, end = sorted((a, b))
    reached = calendar.add(start, calendar.between(start, end))
    assert reached <= end
    assert calendar.between(reached, end) == timedelta(0)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 1, 13), date(2026, 1, 12)),  # Tuesday -> Monday
        (date(2026, 1, 12), date(2026, 1, 9)),  # Monday -> Friday
        (date(2026, 1, 11), date(2026, 1, 9)),  # Sunday -> Friday
    ],
)
def test_previous_working_day_skips_weekends(day: date, expected: date) -> None:
    assert WorkingCalendar().previous_working_day(day) == expected


def test_previous_working_day_skips_holidays_and_is_yesterday_in_24_7() -> None:
    holiday_friday = WorkingCalendar(holidays=frozenset({date(2026, 1, 9)}))
    assert holiday_friday.previous_working_day(date(2026, 1, 12)) == date(2026, 1, 8)
    assert WorkingCalendar(always_on=True).previous_working_day(date(2026, 1, 12)) == date(
        2026, 1, 11
    )
