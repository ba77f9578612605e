"""The statistics port in SQL: every count, grouping, top-N and SLA figure is an aggregate.

Only ``durations`` returns rows, and only four columns of the requests taken or completed in
the period: working hours need the calendar, which the application applies.
"""

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from zavhoz.adapters.persistence.sqlalchemy.queries import ACTIVE_PREDICATE
from zavhoz.adapters.persistence.sqlalchemy.tables import requests, users
from zavhoz.application.statistics import (
    CategoryCount,
    DurationRow,
    ExecutorCounts,
    LocationCount,
    PeriodCounts,
    StatisticsSource,
    StatusCount,
)
from zavhoz.domain.catalog import Category, Status
from zavhoz.domain.ids import OrgId, UserId

c = requests.c


def _within(column: Any, since: datetime, until: datetime) -> ColumnElement[bool]:
    return and_(column >= since, column < until)


def _of(organizations: frozenset[OrgId]) -> ColumnElement[bool]:
    """Requests of these organizations (on the index that leads with the organization)."""
    return c.organization_id.in_(sorted(organizations))


def _count_if(condition: ColumnElement[bool]) -> ColumnElement[Any]:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


class SqlStatisticsSource(StatisticsSource):
    """Answers from an engine of its own connections (a read, outside any unit of work)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine

    async def counts(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, now: datetime
    ) -> PeriodCounts:
        ours = _of(organizations)
        async with self._engine.connect() as connection:
            created = await connection.scalar(
                select(func.count())
                .select_from(requests)
                .where(ours, _within(c.created_at, since, until))
            )
            done = (
                await connection.execute(
                    select(
                        func.count(),
                        _count_if(c.completed_at <= c.resolve_by),
                        func.count(c.rating),
                        func.coalesce(func.sum(c.rating), 0),
                    ).where(ours, _within(c.completed_at, since, until))
                )
            ).one()
            closed: dict[str, int] = dict(
                (
                    await connection.execute(
                        select(c.status, func.count())
                        .where(
                            ours,
                            c.status.in_([Status.REJECTED.value, Status.CANCELLED.value]),
                            _within(c.closed_at, since, until),
                        )
                        .group_by(c.status)
                    )
                ).all()
            )
            active = (
                await connection.execute(
                    select(func.count(), _count_if(c.urgency < now)).where(ours, ACTIVE_PREDICATE)
                )
            ).one()
        completed, sla_met, rated, rating_sum = (int(v) for v in done)
        return PeriodCounts(
            created=created or 0,
            completed=completed,
            rejected=closed.get(Status.REJECTED.value, 0),
            cancelled=closed.get(Status.CANCELLED.value, 0),
            open_now=int(active[0]),
            overdue_now=int(active[1]),
            sla_met=sla_met,
            rated=rated,
            average_rating=rating_sum / rated if rated else None,
        )

    async def per_day(
        self, organizations: frozenset[OrgId], edges: Sequence[datetime]
    ) -> list[tuple[int, int]]:
        days, ours = len(edges) - 1, _of(organizations)
        async with self._engine.connect() as connection:
            created = await self._by_bucket(connection, ours, c.created_at, edges)
            completed = await self._by_bucket(connection, ours, c.completed_at, edges)
        return [(created.get(day, 0), completed.get(day, 0)) for day in range(days)]

    async def top_locations(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, limit: int
    ) -> list[LocationCount]:
        count, newest = func.count(), func.max(c.id)
        ranking = (
            select(c.location_key, count, newest)
            .where(_of(organizations), _within(c.created_at, since, until))
            .group_by(c.location_key)
            .order_by(count.desc(), newest.desc())
            .limit(limit)
        )
        async with self._engine.connect() as connection:
            top = (await connection.execute(ranking)).all()
            # Each place as it was typed most recently (the group is case-insensitive).
            spelled = dict(
                (
                    await connection.execute(
                        select(c.id, c.location).where(c.id.in_([last for _, _, last in top]))
                    )
                ).all()
            )
        return [LocationCount(spelled[last], n) for _, n, last in top]

    async def top_categories(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, limit: int
    ) -> list[CategoryCount]:
        count, newest = func.count(), func.max(c.id)
        ranking = (
            select(c.category, count)
            .where(_of(organizations), _within(c.created_at, since, until))
            .group_by(c.category)
            .order_by(count.desc(), newest.desc())
            .limit(limit)
        )
        async with self._engine.connect() as connection:
            top = (await connection.execute(ranking)).all()
        return [CategoryCount(Category(category), n) for category, n in top]

    async def status_mix(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[StatusCount]:
        query = (
            select(c.status, func.count())
            .where(_of(organizations), _within(c.created_at, since, until))
            .group_by(c.status)
        )
        async with self._engine.connect() as connection:
            mix = (await connection.execute(query)).all()
        return [StatusCount(Status(status), n) for status, n in mix]

    async def executors(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[ExecutorCounts]:
        taken, completed = _within(c.taken_at, since, until), _within(c.completed_at, since, until)
        query = (
            select(c.assignee_id, users.c.name, _count_if(taken), _count_if(completed))
            .select_from(requests.join(users, users.c.id == c.assignee_id))
            .where(_of(organizations), or_(taken, completed))
            .group_by(c.assignee_id, users.c.name)
            .order_by(c.assignee_id)
        )
        async with self._engine.connect() as connection:
            found = (await connection.execute(query)).all()
        return [
            ExecutorCounts(user_id=UserId(who), name=name, taken=int(t), completed=int(d))
            for who, name, t, d in found
        ]

    async def durations(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[DurationRow]:
        query = select(c.created_at, c.taken_at, c.completed_at, c.assignee_id).where(
            _of(organizations),
            or_(_within(c.taken_at, since, until), _within(c.completed_at, since, until)),
        )
        async with self._engine.connect() as connection:
            found = (await connection.execute(query)).all()
        return [
            DurationRow(
                created_at=created,
                taken_at=taken,
                completed_at=completed,
                assignee=UserId(who) if who is not None else None,
            )
            for created, taken, completed, who in found
        ]

    @staticmethod
    async def _by_bucket(
        connection: AsyncConnection,
        ours: ColumnElement[bool],
        column: Any,
        edges: Sequence[datetime],
    ) -> dict[int, int]:
        """Counts per ``[edges[i], edges[i + 1])`` by a CASE over the day boundaries.

        Local days are not all 24 hours long (daylight saving), so the boundaries come from
        the application rather than from date arithmetic that differs between the databases.
        The CASE is grouped in an outer query: PostgreSQL would not match a GROUP BY that
        repeats an expression with its own bound parameters.
        """
        bucket = case(*((column < edge, day) for day, edge in enumerate(edges[1:])))
        inner = (
            select(bucket.label("day"))
            .where(ours, column >= edges[0], column < edges[-1])
            .subquery()
        )
        query = select(inner.c.day, func.count()).group_by(inner.c.day)
        return {int(day): int(n) for day, n in (await connection.execute(query)).all()}
