"""The statistics port over the committed in-memory state: the SQL adapter's twin for tests."""

from collections.abc import Callable, Sequence
from datetime import datetime
from itertools import pairwise

from zavhoz.adapters.persistence.memory.database import MemoryDatabase
from zavhoz.application.statistics import (
    CategoryCount,
    DurationRow,
    ExecutorCounts,
    LocationCount,
    PeriodCounts,
    StatisticsSource,
    StatusCount,
)
from zavhoz.domain.catalog import Status
from zavhoz.domain.ids import OrgId, UserId
from zavhoz.domain.request import Request


def _within(moment: datetime | None, since: datetime, until: datetime) -> bool:
    return moment is not None and since <= moment < until


class MemoryStatisticsSource(StatisticsSource):
    """Scans every committed request: fine for tests and small data, same answers as SQL."""

    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def counts(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, now: datetime
    ) -> PeriodCounts:
        everything = self._of(organizations)
        completed = [r for r in everything if _within(r.completed_at, since, until)]
        ratings = [r.rating for r in completed if r.rating is not None]

        def closed_as(status: Status) -> int:
            return sum(
                r.status is status and _within(r.closed_at, since, until) for r in everything
            )

        return PeriodCounts(
            created=sum(_within(r.created_at, since, until) for r in everything),
            completed=len(completed),
            rejected=closed_as(Status.REJECTED),
            cancelled=closed_as(Status.CANCELLED),
            open_now=sum(r.status.is_active for r in everything),
            overdue_now=sum(r.is_overdue(now) for r in everything),
            sla_met=sum(
                r.completed_at is not None and r.completed_at <= r.resolve_by for r in completed
            ),
            rated=len(ratings),
            average_rating=sum(ratings) / len(ratings) if ratings else None,
        )

    async def per_day(
        self, organizations: frozenset[OrgId], edges: Sequence[datetime]
    ) -> list[tuple[int, int]]:
        spans = list(pairwise(edges))
        everything = self._of(organizations)
        return [
            (
                sum(_within(r.created_at, start, end) for r in everything),
                sum(_within(r.completed_at, start, end) for r in everything),
            )
            for start, end in spans
        ]

    async def top_locations(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, limit: int
    ) -> list[LocationCount]:
        groups = self._groups(organizations, since, until, lambda r: r.location.casefold())
        ranked = _ranked(groups)[:limit]
        return [LocationCount(max(group, key=_number).location, len(group)) for group in ranked]

    async def top_categories(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, limit: int
    ) -> list[CategoryCount]:
        groups = self._groups(organizations, since, until, lambda r: r.category)
        return [CategoryCount(group[0].category, len(group)) for group in _ranked(groups)[:limit]]

    async def status_mix(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[StatusCount]:
        groups = self._groups(organizations, since, until, lambda r: r.status)
        return [StatusCount(group[0].status, len(group)) for group in groups.values()]

    async def executors(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[ExecutorCounts]:
        taken: dict[UserId, int] = {}
        completed: dict[UserId, int] = {}
        for request in self._of(organizations):
            if request.assignee is None:
                continue
            if _within(request.taken_at, since, until):
                taken[request.assignee] = taken.get(request.assignee, 0) + 1
            if _within(request.completed_at, since, until):
                completed[request.assignee] = completed.get(request.assignee, 0) + 1
        people = self._db.users
        return [
            ExecutorCounts(
                user_id=who,
                name=people[who].name if who in people else "",
                taken=taken.get(who, 0),
                completed=completed.get(who, 0),
            )
            for who in sorted(taken.keys() | completed.keys())
        ]

    async def durations(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[DurationRow]:
        return [
            DurationRow(
                created_at=r.created_at,
                taken_at=r.taken_at,
                completed_at=r.completed_at,
                assignee=r.assignee,
            )
            for r in self._of(organizations)
            if _within(r.taken_at, since, until) or _within(r.completed_at, since, until)
        ]

    def _of(self, organizations: frozenset[OrgId]) -> list[Request]:
        return [r for r in self._db.requests.values() if r.organization in organizations]

    def _groups(
        self,
        organizations: frozenset[OrgId],
        since: datetime,
        until: datetime,
        key: Callable[[Request], object],
    ) -> dict[object, list[Request]]:
        groups: dict[object, list[Request]] = {}
        for request in self._of(organizations):
            if _within(request.created_at, since, until):
                groups.setdefault(key(request), []).append(request)
        return groups


def _number(request: Request) -> int:
    return request.id


def _ranked(groups: dict[object, list[Request]]) -> list[list[Request]]:
    """Biggest group first; on a tie the one with the newest request (highest number)."""
    return sorted(groups.values(), key=lambda g: (-len(g), -max(map(_number, g))))
