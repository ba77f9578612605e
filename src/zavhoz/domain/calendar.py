"""A working calendar: which moments count as working time."""

from collections.abc import Iterator
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import attrs

from zavhoz.domain.errors import ValidationFailed

MONDAY_TO_FRIDAY = frozenset(range(5))
_HORIZON_DAYS = 3660


def _check_hours(instance: "WorkingCalendar", _: object, end: time) -> None:
    if end <= instance.day_start and not instance.always_on:
        raise ValidationFailed("working_hours", "end_after_start")


def _check_days(instance: "WorkingCalendar", _: object, days: frozenset[int]) -> None:
    if not days and not instance.always_on:
        raise ValidationFailed("working_days", "not_empty")


@attrs.frozen(kw_only=True)
class WorkingCalendar:
    """Working days (0 = Monday), daily hours and holidays in a zone; ``always_on`` means 24/7."""

    always_on: bool = False
    timezone: ZoneInfo = attrs.field(factory=lambda: ZoneInfo("Europe/Moscow"))
    day_start: time = time(8)
    day_end: time = attrs.field(default=time(18), validator=_check_hours)
    working_days: frozenset[int] = attrs.field(default=MONDAY_TO_FRIDAY, validator=_check_days)
    holidays: frozenset[date] = frozenset()

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.working_days and day not in self.holidays

    def previous_working_day(self, day: date) -> date:
        """The last working day before ``day`` (any day before it in 24/7 mode)."""
        for offset in range(1, _HORIZON_DAYS):
            earlier = day - timedelta(days=offset)
            if self.always_on or self.is_working_day(earlier):
                return earlier
        raise ValidationFailed("holidays", "no_working_time", _HORIZON_DAYS)

    def add(self, start: datetime, duration: timedelta) -> datetime:
        """The moment when ``duration`` of working time has passed since ``start``."""
        if self.always_on or duration <= timedelta(0):
            return start + max(duration, timedelta(0))
        remaining = duration
        for opens, closes in self._windows_from(start):
            begin = max(opens, start)
            if remaining <= closes - begin:
                return (begin + remaining).astimezone(UTC)
            remaining -= closes - begin
        raise ValidationFailed("holidays", "no_working_time", _HORIZON_DAYS)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """Working time inside ``[start, end)``."""
        if end <= start:
            return timedelta(0)
        if self.always_on:
            return end - start
        total = timedelta(0)
        for opens, closes in self._windows_from(start):
            if opens >= end:
                break
            total += min(closes, end) - max(opens, start)
        return total

    def _windows_from(self, moment: datetime) -> Iterator[tuple[datetime, datetime]]:
        """Working windows that end after ``moment``, in order, up to a ten-year horizon."""
        first = moment.astimezone(self.timezone).date()
        for offset in range(_HORIZON_DAYS):
            day = first + timedelta(days=offset)
            if not self.is_working_day(day):
                continue
            closes = datetime.combine(day, self.day_end, self.timezone)
            if closes > moment:
                yield datetime.combine(day, self.day_start, self.timezone), closes
