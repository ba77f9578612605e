"""The statistics of a period, for admins (and for the operator at the command line)."""

from zavhoz.application.ports import Clock, UnitOfWorkFactory
from zavhoz.application.queries._viewer import load_viewer
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.statistics import (
    MOST_WITH_TIES,
    DayCount,
    Durations,
    PerExecutor,
    Period,
    Statistics,
    StatisticsSource,
    average,
    median,
    top_with_ties,
)
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.catalog import Status
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import UserId

_STATUS_ORDER = list(Status)
_ASKED = MOST_WITH_TIES + 1
"""One more than can be shown: enough to tell that a tie at the cut needs more rows."""


class GetStatistics(Service):
    """Every figure of ``application.statistics`` for a period; only active admins may ask.

    ``actor_id=None`` is the operator at the command line, who has the database anyway.
    """

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        settings: WorkflowSettings,
        source: StatisticsSource,
    ) -> None:
        super().__init__(uow_factory, clock, settings)
        self._source = source

    async def authorize(self, actor_id: UserId | None) -> None:
        """Raise ``NotPermitted`` unless ``actor_id`` may see statistics (before offering them)."""
        if actor_id is None:
            return
        async with self._reading() as uow:
            viewer = await load_viewer(uow, actor_id)
        if not viewer.is_admin:
            raise NotPermitted("view_statistics", "admins_only")

    def last_days(self, days: int) -> Period:
        """The ``days`` local days up to today, in the working calendar's zone."""
        today = self._clock.now().astimezone(self._settings.calendar.timezone).date()
        return Period.last_days(days, today)

    async def __call__(self, actor_id: UserId | None, period: Period) -> Statistics:
        await self.authorize(actor_id)
        calendar = self._settings.calendar
        zone = calendar.timezone
        since, until = period.bounds(zone)
        now = self._clock.now()
        source = self._source
        counts = await source.counts(since, until, now)
        per_day = await source.per_day(period.edges(zone))
        rows = await source.durations(since, until)
        spans = Durations.of(rows, since, until, calendar)
        executors = tuple(
            PerExecutor(
                user_id=e.user_id,
                name=e.name,
                taken=e.taken,
                completed=e.completed,
                complete_median=median(spans.complete_by.get(e.user_id, ())),
            )
            for e in await source.executors(since, until)
        )
        mix = await source.status_mix(since, until)
        return Statistics(
            period=period,
            since=since,
            until=until,
            generated_at=now,
            zone=zone,
            created=counts.created,
            completed=counts.completed,
            rejected=counts.rejected,
            cancelled=counts.cancelled,
            open_now=counts.open_now,
            overdue_now=counts.overdue_now,
            take_average=average(spans.take),
            take_median=median(spans.take),
            complete_average=average(spans.complete),
            complete_median=median(spans.complete),
            sla_met=counts.sla_met,
            rated=counts.rated,
            average_rating=counts.average_rating,
            top_locations=top_with_ties(await source.top_locations(since, until, _ASKED)),
            top_categories=top_with_ties(await source.top_categories(since, until, _ASKED)),
            status_mix=tuple(sorted(mix, key=lambda m: _STATUS_ORDER.index(m.status))),
            executors=tuple(sorted(executors, key=_busiest_first)),
            days=tuple(
                DayCount(day, created, completed)
                for day, (created, completed) in zip(period.days, per_day, strict=True)
            ),
        )


def _busiest_first(executor: PerExecutor) -> tuple[int, int, str, int]:
    return (-executor.completed, -executor.taken, executor.name, executor.user_id)
