"""The statistics of a period, for admins (and for the operator at the command line)."""

from zavhoz.application.org_settings import workflow_of
from zavhoz.application.ports import Clock, UnitOfWorkFactory
from zavhoz.application.queries._admin_scope import Scope, admin_scope
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
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Status
from zavhoz.domain.ids import OrgId, UserId

_STATUS_ORDER = list(Status)
_ASKED = MOST_WITH_TIES + 1
"""One more than can be shown: enough to tell that a tie at the cut needs more rows."""


class GetStatistics(Service):
    """Every figure of ``application.statistics`` for a period, over the organizations an
    active admin administers from where they are now (``school``: one of them and those below
    it). ``actor_id=None`` is the operator at the command line: ``school`` is the ``--org``
    given and everything below it (every organization when ``None``)."""

    def __init__(
        self,
        uow_factory: UnitOfWorkFactory,
        clock: Clock,
        settings: WorkflowSettings,
        source: StatisticsSource,
    ) -> None:
        super().__init__(uow_factory, clock, settings)
        self._source = source

    async def authorize(self, actor_id: UserId | None, school: OrgId | None = None) -> None:
        """Raise ``NotPermitted`` unless ``actor_id`` may see statistics (before offering them),
        ``NotFound`` for a ``school`` beyond their reach."""
        await self._scope(actor_id, school)

    async def _scope(
        self, actor_id: UserId | None, school: OrgId | None
    ) -> tuple[Scope, WorkingCalendar]:
        async with self._reading() as uow:
            scope = await admin_scope(uow, actor_id, school, "view_statistics")
            return scope, (await workflow_of(uow, self._settings, scope.home)).calendar

    def last_days(self, days: int) -> Period:
        """The ``days`` local days up to today, in the working calendar's zone."""
        today = self._clock.now().astimezone(self._settings.calendar.timezone).date()
        return Period.last_days(days, today)

    async def __call__(
        self, actor_id: UserId | None, period: Period, school: OrgId | None = None
    ) -> Statistics:
        scope, calendar = await self._scope(actor_id, school)
        orgs = scope.organizations
        zone = calendar.timezone
        since, until = period.bounds(zone)
        now = self._clock.now()
        source = self._source
        counts = await source.counts(orgs, since, until, now)
        per_day = await source.per_day(orgs, period.edges(zone))
        rows = await source.durations(orgs, since, until)
        spans = Durations.of(rows, since, until, calendar)
        executors = tuple(
            PerExecutor(
                user_id=e.user_id,
                name=e.name,
                taken=e.taken,
                completed=e.completed,
                complete_median=median(spans.complete_by.get(e.user_id, ())),
            )
            for e in await source.executors(orgs, since, until)
        )
        mix = await source.status_mix(orgs, since, until)
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
            top_locations=top_with_ties(await source.top_locations(orgs, since, until, _ASKED)),
            top_categories=top_with_ties(await source.top_categories(orgs, since, until, _ASKED)),
            status_mix=tuple(sorted(mix, key=lambda m: _STATUS_ORDER.index(m.status))),
            executors=tuple(sorted(executors, key=_busiest_first)),
            days=tuple(
                DayCount(day, created, completed)
                for day, (created, completed) in zip(period.days, per_day, strict=True)
            ),
        )


def _busiest_first(executor: PerExecutor) -> tuple[int, int, str, int]:
    return (-executor.completed, -executor.taken, executor.name, executor.user_id)
