"""The statistics core: periods in local days, working-hour durations, and assembling the figures.

The SQL and in-memory sources are compared figure by figure on a known week in
tests/integration/reports/test_statistics.py; here the source is a stub, so only the
application's own work is under test.
"""

from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import attrs
import pytest

from tests.unit.conftest import ADMIN, EXECUTOR, STAFF
from zavhoz.adapters.clock import FakeClock
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.queries.get_statistics import GetStatistics
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.statistics import (
    CategoryCount,
    DayCount,
    DurationRow,
    Durations,
    ExecutorCounts,
    LocationCount,
    PerExecutor,
    Period,
    PeriodCounts,
    StatisticsSource,
    StatusCount,
    average,
    median,
    top_with_ties,
)
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Category, Status
from zavhoz.domain.errors import NotFound, NotPermitted, ValidationFailed
from zavhoz.domain.ids import FIRST_ORG, OrgId, UserId

MOSCOW = ZoneInfo("Europe/Moscow")
BERLIN = ZoneInfo("Europe/Berlin")
H = timedelta(hours=1)


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    return datetime(2026, 1, day, hour, minute, tzinfo=MOSCOW)


# --- periods ------------------------------------------------------------------------------


def test_a_period_is_whole_local_days() -> None:
    period = Period(date(2026, 1, 12), date(2026, 1, 18))

    since, until = period.bounds(MOSCOW)

    assert period.length == 7
    assert since == datetime(2026, 1, 11, 21, tzinfo=UTC)  # Moscow midnight
    assert until == datetime(2026, 1, 18, 21, tzinfo=UTC)
    edges = period.edges(MOSCOW)
    assert len(edges) == 8
    assert (edges[0], edges[-1]) == (since, until)
    assert period.days[0] == date(2026, 1, 12)
    assert period.days[-1] == date(2026, 1, 18)


def test_a_day_when_the_clocks_change_is_not_24_hours() -> None:
    period = Period(date(2026, 3, 28), date(2026, 3, 30))  # Berlin springs forward on the 29th

    edges = period.edges(BERLIN)

    assert [b - a for a, b in pairwise(edges)] == [24 * H, 23 * H, 24 * H]


def test_the_last_days_include_today() -> None:
    assert Period.last_days(7, date(2026, 1, 18)) == Period(date(2026, 1, 12), date(2026, 1, 18))
    assert Period.last_days(1, date(2026, 1, 18)).length == 1


@pytest.mark.parametrize(
    ("first", "last", "rule"),
    [
        (date(2026, 1, 2), date(2026, 1, 1), "end_after_start"),
        (date(2025, 1, 1), date(2026, 1, 2), "max_days"),
    ],
)
def test_impossible_periods_are_refused(first: date, last: date, rule: str) -> None:
    with pytest.raises(ValidationFailed) as refused:
        Period(first, last)

    assert (refused.value.field, refused.value.rule) == ("period", rule)


def test_a_period_of_no_days_is_refused() -> None:
    with pytest.raises(ValidationFailed):
        Period.last_days(0, date(2026, 1, 1))


# --- averages and medians -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("hours", "mean", "middle"),
    [
        ([], None, None),
        ([5], 5 * H, 5 * H),
        ([4, 10, 28, 33], 18.75 * H, 19 * H),
        ([1, 9, 2], 4 * H, 2 * H),
    ],
)
def test_average_and_median(hours: list[int], mean: timedelta, middle: timedelta) -> None:
    spans = [h * H for h in hours]

    assert average(spans) == mean
    assert median(spans) == middle


def test_durations_are_working_hours_of_the_periods_takes_and_completions() -> None:
    calendar = WorkingCalendar()  # Moscow, Mon-Fri 08-18
    since, until = Period(date(2026, 1, 12), date(2026, 1, 18)).bounds(MOSCOW)
    rows = [
        # Friday 17:00 -> Monday 09:00: 1 + 1 working hours; taken before the week: not counted.
        DurationRow(
            created_at=msk(9, 17),
            taken_at=msk(9, 17, 30),
            completed_at=msk(12, 9),
            assignee=UserId(EXECUTOR),
        ),
        # Created on Saturday, taken on the Monday after the week: not counted.
        DurationRow(
            created_at=msk(17, 12),
            taken_at=msk(19, 10),
            completed_at=None,
            assignee=UserId(EXECUTOR),
        ),
        DurationRow(
            created_at=msk(13, 8),
            taken_at=msk(13, 11),
            completed_at=msk(14, 8),
            assignee=UserId(ADMIN),
        ),
    ]

    spans = Durations.of(rows, since, until, calendar)

    assert spans.take == (3 * H,)
    assert spans.complete == (2 * H, 10 * H)
    assert spans.complete_by == {UserId(EXECUTOR): (2 * H,), UserId(ADMIN): (10 * H,)}


# --- assembling the figures ---------------------------------------------------------------


@attrs.define
class StubSource(StatisticsSource):
    """Fixed answers, and what was asked."""

    asked: list[tuple[str, tuple[object, ...]]] = attrs.field(factory=list)
    scopes: set[frozenset[OrgId]] = attrs.field(factory=set)

    async def counts(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, now: datetime
    ) -> PeriodCounts:
        self.asked.append(("counts", (since, until, now)))
        self.scopes.add(organizations)
        return PeriodCounts(
            created=5,
            completed=2,
            rejected=1,
            cancelled=0,
            open_now=3,
            overdue_now=1,
            sla_met=1,
            rated=1,
            average_rating=4.0,
        )

    async def per_day(
        self, organizations: frozenset[OrgId], edges: Sequence[datetime]
    ) -> list[tuple[int, int]]:
        self.asked.append(("per_day", tuple(edges)))
        return [(n, n % 2) for n in range(len(edges) - 1)]

    async def top_locations(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, limit: int
    ) -> list[LocationCount]:
        self.asked.append(("top_locations", (limit,)))
        return [LocationCount("Каб. 1", 3)]

    async def top_categories(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime, limit: int
    ) -> list[CategoryCount]:
        self.asked.append(("top_categories", (limit,)))
        return [CategoryCount(Category.PLUMBING, 2)]

    async def status_mix(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[StatusCount]:
        return [StatusCount(Status.CANCELLED, 1), StatusCount(Status.OPEN, 4)]

    async def executors(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[ExecutorCounts]:
        return [
            ExecutorCounts(user_id=UserId(7), name="Яков", taken=1, completed=0),
            ExecutorCounts(user_id=UserId(EXECUTOR), name="Борис", taken=1, completed=2),
            ExecutorCounts(user_id=UserId(8), name="Алла", taken=3, completed=0),
        ]

    async def durations(
        self, organizations: frozenset[OrgId], since: datetime, until: datetime
    ) -> list[DurationRow]:
        return [
            DurationRow(
                created_at=msk(12, 9),
                taken_at=msk(12, 10),
                completed_at=msk(12, 12),
                assignee=UserId(EXECUTOR),
            ),
            DurationRow(
                created_at=msk(12, 9),
                taken_at=msk(12, 9, 30),
                completed_at=msk(12, 17),
                assignee=UserId(EXECUTOR),
            ),
        ]


@pytest.fixture
def source() -> StubSource:
    return StubSource()


@pytest.fixture
def get_statistics(
    uow_factory: UnitOfWorkFactory, clock: FakeClock, settings: WorkflowSettings, source: StubSource
) -> GetStatistics:
    clock.set(msk(18, 20))
    return GetStatistics(uow_factory, clock, settings, source)


async def test_figures_are_assembled_from_the_source_and_the_calendar(
    get_statistics: GetStatistics, source: StubSource
) -> None:
    period = get_statistics.last_days(7)

    statistics = await get_statistics(UserId(ADMIN), period)

    assert period == Period(date(2026, 1, 12), date(2026, 1, 18))
    since, until = period.bounds(MOSCOW)
    assert source.asked[0] == ("counts", (since, until, msk(18, 20)))
    assert source.scopes == {frozenset({FIRST_ORG})}
    assert ("per_day", tuple(period.edges(MOSCOW))) in source.asked
    assert ("top_locations", (11,)) in source.asked
    assert (statistics.since, statistics.until, statistics.generated_at) == (
        since,
        until,
        msk(18, 20),
    )
    assert (statistics.created, statistics.completed, statistics.open_now) == (5, 2, 3)
    assert (statistics.take_average, statistics.take_median) == (0.75 * H, 0.75 * H)
    assert (statistics.complete_average, statistics.complete_median) == (5.5 * H, 5.5 * H)
    assert statistics.sla_met_percent == 50.0
    assert statistics.average_rating == 4.0
    assert [m.status for m in statistics.status_mix] == [Status.OPEN, Status.CANCELLED]
    assert statistics.executors == (
        PerExecutor(
            user_id=UserId(EXECUTOR), name="Борис", taken=1, completed=2, complete_median=5.5 * H
        ),
        PerExecutor(user_id=UserId(8), name="Алла", taken=3, completed=0, complete_median=None),
        PerExecutor(user_id=UserId(7), name="Яков", taken=1, completed=0, complete_median=None),
    )
    assert statistics.days[0] == DayCount(date(2026, 1, 12), 0, 0)
    assert statistics.days[-1] == DayCount(date(2026, 1, 18), 6, 0)


async def test_the_operator_may_ask(get_statistics: GetStatistics) -> None:
    statistics = await get_statistics(None, get_statistics.last_days(30))

    assert statistics.period.length == 30


@pytest.mark.parametrize("who", [STAFF, EXECUTOR])
async def test_only_admins_may_ask(
    get_statistics: GetStatistics, source: StubSource, who: int
) -> None:
    with pytest.raises(NotPermitted) as refused:
        await get_statistics(UserId(who), get_statistics.last_days(7))
    with pytest.raises(NotPermitted):
        await get_statistics.authorize(UserId(who))

    assert refused.value.reason == "admins_only"
    assert source.asked == []  # refused before anything was read


async def test_strangers_are_not_found(get_statistics: GetStatistics) -> None:
    with pytest.raises(NotFound):
        await get_statistics.authorize(UserId(424242))


def _places(*counts: int) -> list[LocationCount]:
    return [LocationCount(f"place {n}", count) for n, count in enumerate(counts, 1)]


@pytest.mark.parametrize(
    ("counts", "shown"),
    [
        ((3, 2), (3, 2)),
        ((5, 4, 3, 2, 1, 1, 1), (5, 4, 3, 2, 1, 1, 1)),  # the tie at fifth place all shown
        ((5, 4, 3, 2, 2, 2, 1), (5, 4, 3, 2, 2, 2)),
        ((5, 4, 3, 2, 1, 0), (5, 4, 3, 2, 1)),
        ((5, 4, 3, 2, 1, *[1] * 6), (5, 4, 3, 2)),  # a tie needing 11 rows is left out whole
        ((2, *[1] * 10), (2,)),
        ((1,) * 11, (1,) * 10),  # all tied: the ten with the newest requests
    ],
)
def test_ties_at_the_cut_are_all_shown_or_left_out_together(
    counts: tuple[int, ...], shown: tuple[int, ...]
) -> None:
    top = top_with_ties(_places(*counts))
    assert tuple(place.count for place in top) == shown
    assert [place.location for place in top] == [f"place {n}" for n in range(1, len(shown) + 1)]
