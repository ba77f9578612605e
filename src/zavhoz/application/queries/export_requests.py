"""Requests for a spreadsheet, with the working hours they took and whether the SLA was met."""

from collections.abc import AsyncIterator
from datetime import date, datetime, timedelta
from typing import NamedTuple

import attrs

from zavhoz.application.export import (
    CLOSED_WITH_REASON,
    ExportQuery,
    ExportRow,
    ExportSource,
)
from zavhoz.application.org_settings import workflow_of
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.queries._admin_scope import admin_scope
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Status
from zavhoz.domain.ids import OrgId, UserId

CHUNK = 1000
_HOUR = timedelta(hours=1)
_ZERO = timedelta(0)
_DAY = timedelta(days=1)


class ExportLine(NamedTuple):
    """A row of the export. Times are in the calendar's zone; hours are working hours, rounded
    to one decimal. (A named tuple, like ``ExportRow``: one is made per request.)"""

    request: ExportRow
    created_at: datetime
    taken_at: datetime | None
    completed_at: datetime | None
    hours_to_take: float | None
    """From creation to the (last) take or assignment; ``None`` until then."""
    hours_to_complete: float | None
    """From creation to completion, time on hold included; ``None`` until completed."""
    sla_met: bool | None
    """Completed by ``resolve_by`` (which includes the time on hold), as the statistics count
    it; ``None`` unless completed."""
    report: str | None
    """What the assignee wrote on completing; ``None`` unless completed (reopening drops it)."""
    reason: str | None
    """Why it was rejected or cancelled; ``None`` unless it is."""


@attrs.frozen
class Export:
    """The lines as they are read, and which organizations they come from."""

    lines: AsyncIterator[ExportLine]
    organizations: frozenset[OrgId]

    def __aiter__(self) -> AsyncIterator[ExportLine]:
        return self.lines

    @property
    def by_school(self) -> bool:
        """Lines of more than one organization: a file names each line's school."""
        return len(self.organizations) > 1


class ExportRequests:
    """Admins' export of the requests of the organizations they administer from where they
    are now (``school``: of one of them and those below it); ``actor_id=None`` is the operator
    at the command line, whose ``school`` is the ``--org`` given (all when ``None``)."""

    def __init__(
        self, uow_factory: UnitOfWorkFactory, source: ExportSource, settings: WorkflowSettings
    ) -> None:
        self._uow_factory = uow_factory
        self._source = source
        self._settings = settings

    async def __call__(
        self,
        actor_id: UserId | None,
        query: ExportQuery,
        *,
        school: OrgId | None = None,
        chunk: int = CHUNK,
    ) -> Export:
        """Check the actor now, then stream the lines as they are read."""
        async with self._uow_factory(read_only=True) as uow:
            scope = await admin_scope(uow, actor_id, school, "export")
            calendar = (await workflow_of(uow, self._settings, scope.home)).calendar
        scoped = attrs.evolve(query, organizations=scope.organizations)
        return Export(self._lines(scoped, calendar, chunk), scope.organizations)

    async def _lines(
        self, query: ExportQuery, calendar: WorkingCalendar, chunk: int
    ) -> AsyncIterator[ExportLine]:
        hours = WorkingHours(calendar)
        async for row in self._source.rows(query, chunk):
            yield hours.line(row)


class WorkingHours:
    """``calendar.between`` for many moments close together, in constant time per call.

    Working time from a fixed day to the start of each local day is remembered for the days
    seen so far (a contiguous range: as many entries as days, never as many as rows), so the
    working time between two moments is a difference of two lookups.
    """

    def __init__(self, calendar: WorkingCalendar) -> None:
        self._calendar = calendar
        self._zone = calendar.timezone
        self._days: dict[date, tuple[timedelta, datetime | None, datetime | None]] = {}
        """Day → (working time of the earlier days from the first one seen, opens, closes)."""
        self._first: date | None = None
        self._last: date | None = None

    def line(self, row: ExportRow) -> ExportLine:
        zone = self._zone
        created = row.created_at.astimezone(zone)
        taken = row.taken_at.astimezone(zone) if row.taken_at is not None else None
        completed = row.completed_at.astimezone(zone) if row.completed_at is not None else None
        origin = self._since_first(created) if taken or completed else _ZERO
        return ExportLine(
            request=row,
            created_at=created,
            taken_at=taken,
            completed_at=completed,
            hours_to_take=self._hours(created, origin, taken),
            hours_to_complete=self._hours(created, origin, completed),
            sla_met=(
                completed <= row.resolve_by
                if row.status is Status.COMPLETED and completed is not None
                else None
            ),
            report=row.report if completed is not None else None,
            reason=row.reason if row.status in CLOSED_WITH_REASON else None,
        )

    def hours(self, start: datetime, end: datetime) -> float:
        """Working hours in ``[start, end)``, to one decimal."""
        return round(self.between(start, end) / _HOUR, 1)

    def between(self, start: datetime, end: datetime) -> timedelta:
        """The same as ``WorkingCalendar.between`` (but for a daylight-saving change inside
        working hours, which no real zone has)."""
        if end <= start:
            return _ZERO
        if self._calendar.always_on:
            return end - start
        start, end = start.astimezone(self._zone), end.astimezone(self._zone)
        return max(self._since_first(end) - self._since_first(start), _ZERO)

    def _hours(self, start: datetime, origin: timedelta, end: datetime | None) -> float | None:
        """``hours(start, end)`` with ``origin`` the working time up to ``start`` (both local)."""
        if end is None:
            return None
        if end <= start:
            return 0.0
        if self._calendar.always_on:
            return round((end - start) / _HOUR, 1)
        return round(max(self._since_first(end) - origin, _ZERO) / _HOUR, 1)

    def _since_first(self, local: datetime) -> timedelta:
        """Working time from the first day seen to ``local``, a moment in the calendar's zone."""
        before, opens, closes = self._day(local.date())
        if opens is None or closes is None or local <= opens:
            return before
        return before + ((local if local < closes else closes) - opens)

    def _day(self, day: date) -> tuple[timedelta, datetime | None, datetime | None]:
        known = self._days.get(day)
        if known is not None:
            return known
        if self._first is None or self._last is None:
            self._first = self._last = day
            self._days[day] = (_ZERO, *self._window(day))
        while day > self._last:
            before, opens, closes = self._days[self._last]
            length = closes - opens if opens is not None and closes is not None else _ZERO
            self._last += _DAY
            self._days[self._last] = (before + length, *self._window(self._last))
        while day < self._first:
            earlier = self._first - _DAY
            opens, closes = self._window(earlier)
            length = closes - opens if opens is not None and closes is not None else _ZERO
            self._days[earlier] = (self._days[self._first][0] - length, opens, closes)
            self._first = earlier
        return self._days[day]

    def _window(self, day: date) -> tuple[datetime | None, datetime | None]:
        calendar = self._calendar
        if not calendar.is_working_day(day):
            return None, None
        return (
            datetime.combine(day, calendar.day_start, self._zone),
            datetime.combine(day, calendar.day_end, self._zone),
        )
