"""Service levels: deadlines and alert checkpoints over a working calendar. Pure arithmetic."""

from collections.abc import Iterable
from datetime import datetime, timedelta
from enum import StrEnum

import attrs

from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Priority


class SlaKind(StrEnum):
    RESPOND = "respond"
    RESOLVE = "resolve"


class SlaLevel(StrEnum):
    WARNING = "warning"
    BREACH = "breach"
    ESCALATION = "escalation"

    @property
    def fraction(self) -> float:
        return _FRACTIONS[self]

    @property
    def rank(self) -> int:
        """Higher is graver: warning < breach < escalation."""
        return list(SlaLevel).index(self)


_FRACTIONS = {SlaLevel.WARNING: 0.75, SlaLevel.BREACH: 1.0, SlaLevel.ESCALATION: 2.0}


@attrs.frozen
class SlaTerms:
    respond: timedelta
    resolve: timedelta

    def allowed(self, kind: SlaKind) -> timedelta:
        return self.respond if kind is SlaKind.RESPOND else self.resolve


SLA_TERMS = {
    Priority.HIGH: SlaTerms(timedelta(hours=4), timedelta(hours=24)),
    Priority.MEDIUM: SlaTerms(timedelta(hours=8), timedelta(hours=48)),
    Priority.LOW: SlaTerms(timedelta(hours=24), timedelta(hours=168)),
}


@attrs.frozen
class SlaCheckpoint:
    """The moment ``at`` when ``level`` of the ``kind`` deadline ``deadline`` is reached."""

    kind: SlaKind
    level: SlaLevel
    at: datetime
    deadline: datetime

    @property
    def key(self) -> str:
        return f"{self.kind.value}:{self.level.value}"


def deadline(
    calendar: WorkingCalendar, start: datetime, allowed: timedelta, held: timedelta
) -> datetime:
    """``allowed`` working time after ``start``, pushed back by the working time spent on hold."""
    return calendar.add(start, allowed + held)


def checkpoints(
    calendar: WorkingCalendar,
    kind: SlaKind,
    start: datetime,
    allowed: timedelta,
    held: timedelta = timedelta(0),
) -> tuple[SlaCheckpoint, ...]:
    due = deadline(calendar, start, allowed, held)
    return tuple(
        SlaCheckpoint(kind, level, deadline(calendar, start, allowed * level.fraction, held), due)
        for level in SlaLevel
    )


def most_pressing(
    reached: Iterable[SlaCheckpoint], pressing: SlaKind | None
) -> SlaCheckpoint | None:
    """The one alert for checkpoints reached together: the gravest of the ``pressing`` deadline
    (the one that matters now), or, when that one reached nothing new, the gravest of any."""
    return max(reached, key=lambda c: (c.kind is pressing, c.level.rank), default=None)
