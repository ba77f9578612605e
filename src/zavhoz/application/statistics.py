"""Statistics for a period: the figures, the read port that answers them and the ports that draw.

What every figure means (the period is whole local days ``[first, last]`` in the working
calendar's zone, i.e. the moments ``[since, until)``):

- ``created``: requests created in the period.
- ``completed``: requests whose ``completed_at`` is in the period (a reopened request counts
  again only when it is completed again: reopening clears ``completed_at``).
- ``rejected``, ``cancelled``: requests now rejected / cancelled and closed in the period.
- ``open_now``: requests not finished at the moment of asking (new, in progress, on hold),
  whatever the period; ``overdue_now``: those of them past the deadline that runs now (the
  response deadline while new, the resolution deadline while in progress; none while on hold).
- time to take: working hours from ``created_at`` to ``taken_at``, for requests taken in the
  period; time to complete: working hours from ``created_at`` to ``completed_at``, for
  requests completed in the period. Average and median of each.
- ``sla_met``: how many of the requests completed in the period were completed by their
  resolution deadline (``completed_at <= resolve_by``; ``resolve_by`` already includes the
  working time spent on hold); ``sla_met_percent`` is that share of ``completed``.
- ``average_rating``: the mean rating of the requests completed in the period that were rated.
- top locations and categories: the requests created in the period, grouped (locations
  case-insensitively, shown as most recently typed), most first, the group with the newest
  request first among equals. The first ``TOP`` are shown and every group tied with the last
  of them too (``top_with_ties``): no group is left out while one with as many is shown.
- ``status_mix``: the requests created in the period by their status now.
- per executor (the current assignee): taken in the period, completed in the period, and the
  median time to complete of those completions.
- ``days``: created and completed per local day of the period.

Counts, groupings, top-N, SLA met and the average rating are SQL aggregates answered by the
database (``StatisticsSource``). Working hours need the calendar (working days, hours,
holidays), which SQL does not know: the source hands over only the period's
``(created_at, taken_at, completed_at, assignee)`` rows (``DurationRow``, requests taken or
completed in the period, never the whole table) and the averages and medians are computed here.
"""

from collections.abc import AsyncIterable, Sequence
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol, TypeVar
from zoneinfo import ZoneInfo

import attrs

from zavhoz.application.queries.export_requests import ExportLine
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Category, Status
from zavhoz.domain.errors import ValidationFailed
from zavhoz.domain.ids import OrgId, UserId

PRESET_DAYS = (7, 30, 90)
"""The periods the bot offers; the command line takes any ``--from``/``--to``."""
MAX_DAYS = 366
TOP = 5
MOST_WITH_TIES = 10
"""Ties at the last place are all shown up to this many rows; a tie that needs more is left out
whole (the list then ends with the groups that have more), unless that would leave nothing."""


@attrs.frozen
class Period:
    """Whole local days from ``first`` to ``last``, both included."""

    first: date
    last: date

    def __attrs_post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationFailed("period", "end_after_start")
        if self.length > MAX_DAYS:
            raise ValidationFailed("period", "max_days", MAX_DAYS, self.length)

    @classmethod
    def last_days(cls, days: int, today: date) -> "Period":
        """``days`` days up to and including ``today``."""
        if days < 1:
            raise ValidationFailed("period", "min_days", 1, days)
        return cls(today - timedelta(days=days - 1), today)

    @property
    def length(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def days(self) -> list[date]:
        return [self.first + timedelta(days=n) for n in range(self.length)]

    def edges(self, zone: ZoneInfo) -> list[datetime]:
        """The local midnights that bound each day, in UTC: ``length + 1`` moments."""
        return [_midnight(day, zone) for day in [*self.days, self.last + timedelta(days=1)]]

    def bounds(self, zone: ZoneInfo) -> tuple[datetime, datetime]:
        """``[since, until)``: from the first day's local midnight to the one after the last."""
        return _midnight(self.first, zone), _midnight(self.last + timedelta(days=1), zone)


def _midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), zone).astimezone(UTC)


# --- what the database answers -------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PeriodCounts:
    created: int
    completed: int
    rejected: int
    cancelled: int
    open_now: int
    overdue_now: int
    sla_met: int
    """Completed in the period by the resolution deadline."""
    rated: int
    """Completed in the period and rated."""
    average_rating: float | None


@attrs.frozen
class DayCount:
    day: date
    created: int
    completed: int


@attrs.frozen
class LocationCount:
    location: str
    count: int


@attrs.frozen
class CategoryCount:
    category: Category
    count: int


Counted = TypeVar("Counted", LocationCount, CategoryCount)


def top_with_ties(
    ranked: Sequence[Counted], top: int = TOP, most: int = MOST_WITH_TIES
) -> tuple[Counted, ...]:
    """The first ``top`` of ``ranked`` (most first, at least ``most + 1`` of them when there
    are) and every one tied with the last; see ``MOST_WITH_TIES``."""
    if len(ranked) <= top:
        return tuple(ranked)
    cut = ranked[top - 1].count
    tied = [group for group in ranked if group.count >= cut]
    if len(tied) <= most:
        return tuple(tied)
    above = tuple(group for group in ranked if group.count > cut)
    return above or tuple(ranked[:most])


@attrs.frozen
class StatusCount:
    status: Status
    count: int


@attrs.frozen(kw_only=True)
class ExecutorCounts:
    user_id: UserId
    name: str
    taken: int
    completed: int


@attrs.frozen(kw_only=True)
class DurationRow:
    """The moments of one request taken or completed in the period (for working hours)."""

    created_at: datetime
    taken_at: datetime | None
    completed_at: datetime | None
    assignee: UserId | None


class StatisticsSource(Protocol):
    """SQL aggregates over the requests of ``organizations`` (memory scans for tests); moments are
    ``[since, until)``."""

    async def counts(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, now: datetime
    ) -> PeriodCounts:
        """Every count of the period, and what is open and overdue at ``now``."""

    async def per_day(
        self, organizations: frozenset[OrgId], edges: Sequence[datetime]
    ) -> list[tuple[int, int]]:
        """(created, completed) inside each ``[edges[i], edges[i + 1])``: ``len(edges) - 1``."""

    async def top_locations(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, limit: int
    ) -> list[LocationCount]:
        """Created in the period by location (case-insensitive), most first, newest on ties."""

    async def top_categories(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, limit: int
    ) -> list[CategoryCount]:
        """Created in the period by category, most first, newest on ties."""

    async def status_mix(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[StatusCount]:
        """Created in the period by their status now (statuses with none are left out)."""

    async def executors(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[ExecutorCounts]:
        """Per current assignee: requests taken and completed in the period (either > 0)."""

    async def durations(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[DurationRow]:
        """Requests taken or completed in the period: only the four moments/ids needed."""


# --- the figures --------------------------------------------------------------------------


@attrs.frozen(kw_only=True)
class PerExecutor:
    user_id: UserId
    name: str
    taken: int
    completed: int
    complete_median: timedelta | None
    """Working time from creation to completion, median of their completions in the period."""


@attrs.frozen(kw_only=True)
class Statistics:
    """Every figure of a period; durations are working time (see the module's docstring)."""

    period: Period
    since: datetime
    until: datetime
    generated_at: datetime
    zone: ZoneInfo
    created: int
    completed: int
    rejected: int
    cancelled: int
    open_now: int
    overdue_now: int
    take_average: timedelta | None
    take_median: timedelta | None
    complete_average: timedelta | None
    complete_median: timedelta | None
    sla_met: int
    rated: int
    average_rating: float | None
    top_locations: tuple[LocationCount, ...]
    top_categories: tuple[CategoryCount, ...]
    status_mix: tuple[StatusCount, ...]
    executors: tuple[PerExecutor, ...]
    days: tuple[DayCount, ...]

    @property
    def sla_met_percent(self) -> float | None:
        """Share of the period's completions done by the deadline, 0-100; None without any."""
        return 100 * self.sla_met / self.completed if self.completed else None


def average(spans: Sequence[timedelta]) -> timedelta | None:
    return sum(spans, timedelta(0)) / len(spans) if spans else None


def median(spans: Sequence[timedelta]) -> timedelta | None:
    if not spans:
        return None
    ordered = sorted(spans)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[middle]
    return (ordered[middle - 1] + ordered[middle]) / 2


@attrs.frozen
class Durations:
    """Working times of the period's takes and completions (computed with the calendar)."""

    take: tuple[timedelta, ...]
    complete: tuple[timedelta, ...]
    complete_by: dict[UserId, tuple[timedelta, ...]]

    @classmethod
    def of(
        cls,
        rows: Sequence[DurationRow],
        since: datetime,
        until: datetime,
        calendar: WorkingCalendar,
    ) -> "Durations":
        take: list[timedelta] = []
        complete: list[timedelta] = []
        complete_by: dict[UserId, list[timedelta]] = {}
        for row in rows:
            if row.taken_at is not None and since <= row.taken_at < until:
                take.append(calendar.between(row.created_at, row.taken_at))
            if row.completed_at is not None and since <= row.completed_at < until:
                span = calendar.between(row.created_at, row.completed_at)
                complete.append(span)
                if row.assignee is not None:
                    complete_by.setdefault(row.assignee, []).append(span)
        return cls(tuple(take), tuple(complete), {who: tuple(s) for who, s in complete_by.items()})


# --- ports that present the figures --------------------------------------------------------


class ChartRenderer(Protocol):
    def render(self, statistics: Statistics, language: str) -> bytes:
        """A PNG: created vs completed per day, and the status mix (labels in ``language``)."""


class SpreadsheetFormat(StrEnum):
    XLSX = "xlsx"
    CSV = "csv"


class SpreadsheetWriter(Protocol):
    """The whole file in memory: for the bot, which sends it as one document."""

    async def write(
        self,
        lines: AsyncIterable[ExportLine],
        format: SpreadsheetFormat,
        language: str,
        *,
        by_school: bool = False,
    ) -> bytes:
        """The export ``lines`` as a file of ``format``, headers and words in ``language``;
        ``by_school``: with a column naming each line's school."""
