"""Clocks: the real one, and a fake one tests move by hand."""

from datetime import UTC, datetime, timedelta

from zavhoz.application.ports import Clock


class SystemClock(Clock):
    def now(self) -> datetime:
        return datetime.now(UTC)


class FakeClock(Clock):
    """A clock that stands still until told to move: ``clock.advance(hours=2)``."""

    def __init__(self, start: datetime | None = None) -> None:
        self._now = start or datetime(2026, 1, 12, 9, 0, tzinfo=UTC)

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        if moment.tzinfo is None:
            raise ValueError("the fake clock needs a timezone-aware moment")
        self._now = moment

    def advance(self, delta: timedelta | None = None, **units: float) -> datetime:
        self._now += (delta or timedelta()) + timedelta(**units)
        return self._now
