"""Statistics of a known week on memory, SQLite and PostgreSQL: every figure, the chart, the CLI."""

import io
from collections.abc import AsyncIterator
from datetime import date, timedelta
from pathlib import Path

import attrs
import pytest
from dependency_injector import providers
from PIL import Image

from tests.integration.conftest import ALL_BACKENDS, fresh_engine
from tests.integration.reports.cli_support import cli, fresh_database, in_database
from tests.integration.reports.statistics_data import (
    ADMIN,
    EXPECTED_MONDAY_AFTER,
    EXPECTED_WEEK,
    MONDAY_AFTER,
    NOW,
    OLGA,
    PETR,
    SETTINGS,
    STAFF,
    WEEK,
    Office,
    build_week,
    msk,
)
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.memory.statistics import MemoryStatisticsSource
from zavhoz.adapters.persistence.sqlalchemy import sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.statistics import SqlStatisticsSource
from zavhoz.adapters.reports.charts import MatplotlibCharts
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.queries.get_statistics import GetStatistics
from zavhoz.application.statistics import Period, Statistics, StatisticsSource
from zavhoz.application.use_cases._user_change import UserCommand
from zavhoz.application.use_cases.block_user import BlockUser
from zavhoz.application.use_cases.promote_user import PromoteUser
from zavhoz.domain.catalog import Category, Priority
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import FIRST_ORG, UserId
from zavhoz.main.cli_stats import add_commands
from zavhoz.main.container import Container

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@attrs.frozen
class Backend:
    uow_factory: UnitOfWorkFactory
    source: StatisticsSource
    clock: FakeClock

    def statistics(self) -> GetStatistics:
        return GetStatistics(self.uow_factory, self.clock, SETTINGS, self.source)


@pytest.fixture(params=ALL_BACKENDS)
async def backend(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Backend]:
    clock = FakeClock(NOW)
    if request.param == "memory":
        db = MemoryDatabase()
        yield Backend(memory_uow_factory(db), MemoryStatisticsSource(db), clock)
        return
    engine = await fresh_engine(request.param, tmp_path)
    yield Backend(sql_uow_factory(engine), SqlStatisticsSource(engine), clock)
    await engine.dispose()


@pytest.fixture
async def week(backend: Backend) -> Backend:
    await build_week(backend.uow_factory, backend.clock)
    return backend


@pytest.mark.parametrize(
    ("period", "expected"),
    [(WEEK, EXPECTED_WEEK), (MONDAY_AFTER, EXPECTED_MONDAY_AFTER)],
    ids=["week", "monday-after"],
)
async def test_every_figure_of_a_known_period(
    week: Backend, period: Period, expected: Statistics
) -> None:
    statistics = await week.statistics()(UserId(ADMIN), period)

    for field in attrs.fields(Statistics):
        assert getattr(statistics, field.name) == getattr(expected, field.name), field.name
    assert statistics == expected


async def test_percent_of_completions_on_time(week: Backend) -> None:
    statistics = await week.statistics()(UserId(ADMIN), WEEK)

    assert statistics.sla_met_percent == 75.0
    assert EXPECTED_MONDAY_AFTER.sla_met_percent is None


async def test_the_operator_sees_the_same_figures(week: Backend) -> None:
    assert await week.statistics()(None, WEEK) == EXPECTED_WEEK


async def test_the_last_days_end_today_in_the_calendars_zone(week: Backend) -> None:
    get = week.statistics()
    week.clock.set(msk(19, 23, 30))  # Monday in Moscow (20:30 UTC)

    assert get.last_days(7) == Period(date(2026, 1, 13), date(2026, 1, 19))
    week.clock.set(msk(20, 0, 30))  # Tuesday in Moscow, still Monday evening in UTC
    assert get.last_days(1) == Period(date(2026, 1, 20), date(2026, 1, 20))


async def test_an_empty_database_gives_zeros_and_no_averages(backend: Backend) -> None:
    statistics = await backend.statistics()(None, WEEK)

    assert (statistics.created, statistics.completed, statistics.open_now) == (0, 0, 0)
    assert statistics.take_median is None
    assert statistics.average_rating is None
    assert statistics.sla_met_percent is None
    assert statistics.top_locations == statistics.executors == ()
    assert [(d.created, d.completed) for d in statistics.days] == [(0, 0)] * 7


@pytest.mark.parametrize("who", [STAFF, PETR, OLGA])
async def test_only_admins_may_ask(week: Backend, who: int) -> None:
    with pytest.raises(NotPermitted) as refused:
        await week.statistics()(UserId(who), WEEK)

    assert refused.value.reason == "admins_only"


async def test_a_blocked_admin_may_not_ask(week: Backend) -> None:
    promote = PromoteUser(week.uow_factory, week.clock, SETTINGS)
    await promote(UserCommand(actor_id=None, user_id=UserId(PETR)))  # Пётр: admin now
    assert (await week.statistics()(UserId(PETR), WEEK)).created == 8
    block = BlockUser(week.uow_factory, week.clock, SETTINGS)
    await block(UserCommand(actor_id=UserId(ADMIN), user_id=UserId(PETR)))

    with pytest.raises(NotPermitted):
        await week.statistics()(UserId(PETR), WEEK)


async def test_durations_are_only_the_periods_rows(week: Backend) -> None:
    since, until = WEEK.bounds(SETTINGS.calendar.timezone)

    rows = await week.source.durations(frozenset({FIRST_ORG}), since, until)

    # Taken or completed in the week: A (completed), C, D, G, H (taken); not B E F I J.
    assert sorted(r.created_at for r in rows) == [
        msk(9, 10),
        msk(12, 12),
        msk(12, 14),
        msk(14, 9),
        msk(16, 15),
    ]


# --- the chart ---------------------------------------------------------------------------


def _image(png: bytes) -> Image.Image:
    assert png.startswith(PNG_SIGNATURE)
    image = Image.open(io.BytesIO(png))
    image.verify()  # raises on a broken file
    return Image.open(io.BytesIO(png))


def _empty(period: Period) -> Statistics:
    since, until = period.bounds(SETTINGS.calendar.timezone)
    return attrs.evolve(
        EXPECTED_MONDAY_AFTER,
        period=period,
        since=since,
        until=until,
        created=0,
        status_mix=(),
        top_locations=(),
        top_categories=(),
        executors=(),
        days=tuple(
            attrs.evolve(EXPECTED_MONDAY_AFTER.days[0], day=d, created=0) for d in period.days
        ),
    )


@pytest.mark.parametrize("language", ["ru", "en"])
@pytest.mark.parametrize(
    "statistics",
    [EXPECTED_WEEK, _empty(Period.last_days(90, date(2026, 1, 19)))],
    ids=["week", "empty-90-days"],
)
def test_the_chart_is_a_png_of_sensible_size(statistics: Statistics, language: str) -> None:
    png = MatplotlibCharts().render(statistics, language)

    image = _image(png)
    assert image.format == "PNG"
    width, height = image.size
    assert width >= 600
    assert height >= 300
    assert len(png) < 500_000


def test_the_chart_draws_something_per_figure() -> None:
    """Different figures give a different picture (the chart is not a constant image)."""
    busy = MatplotlibCharts().render(EXPECTED_WEEK, "ru")
    calmer = attrs.evolve(
        EXPECTED_WEEK,
        days=tuple(attrs.evolve(d, created=d.created * 3) for d in EXPECTED_WEEK.days),
    )

    assert MatplotlibCharts().render(calmer, "ru") != busy
    assert MatplotlibCharts().render(EXPECTED_WEEK, "en") != busy


# --- zavhoz stats ------------------------------------------------------------------------


def test_zavhoz_stats_prints_the_figures(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    url = fresh_database(tmp_path, monkeypatch)
    in_database(url, lambda uow_factory: build_week(uow_factory, FakeClock(NOW)))
    with Container.clock.override(providers.Object(FakeClock(NOW))):
        code = cli(add_commands, "stats", "--from", "2026-01-12", "--to", "2026-01-18")

    out = capsys.readouterr().out
    assert code == 0
    assert "Statistics 2026-01-12 – 2026-01-18 (7 days, Europe/Moscow)" in out
    table = dict(line.rsplit("  ", 1) for line in out.split("\n\n")[1].splitlines()[2:])
    assert {k.strip(): v.strip() for k, v in table.items()} == {
        "created": "8",
        "completed": "4",
        "rejected": "1",
        "cancelled": "1",
        "open now": "4",
        "overdue now": "1",
        "time to take, average": "2.0 h",
        "time to take, median": "1.0 h",
        "time to complete, average": "18.8 h",
        "time to complete, median": "19.0 h",
        "SLA met": "75.0% (3 of 4)",
        "average rating": "3.67 (3 rated)",
    }
    assert "каб. 305  3" in out
    assert "Ольга  2      2          30.5 h" in out
    assert "2026-01-12  3        2" in out


@pytest.mark.parametrize(
    ("argv", "problem"),
    [
        (["--days", "7", "--from", "2026-01-01"], "either --days or --from/--to"),
        (["--to", "2026-01-01"], "--to needs --from"),
        (["--from", "2026-01-10", "--to", "2026-01-01"], "--from is after --to"),
        (["--from", "2024-01-01", "--to", "2026-01-01"], "at most 366"),
    ],
)
def test_zavhoz_stats_says_what_is_wrong(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    problem: str,
) -> None:
    fresh_database(tmp_path, monkeypatch)

    code = cli(add_commands, "stats", *argv)

    assert code == 2
    assert problem in capsys.readouterr().err


def test_zavhoz_stats_defaults_to_the_last_seven_days(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_database(tmp_path, monkeypatch)

    code = cli(add_commands, "stats")

    out = capsys.readouterr().out
    assert code == 0
    assert "(7 days, Europe/Moscow)" in out
    assert "created                    0" in out
    per_day = out.split("Per day\n")[1].splitlines()[2:]
    assert len(per_day) == 7


@pytest.mark.parametrize(("late", "met"), [(timedelta(0), 1), (timedelta(minutes=1), 0)])
async def test_completed_at_the_deadline_is_on_time(
    backend: Backend, late: timedelta, met: int
) -> None:
    office = Office(backend.uow_factory, backend.clock)
    backend.clock.set(msk(12, 8))
    await office.register(ADMIN, "Завхоз")
    await office.register(STAFF, "Анна")
    await office.register(PETR, "Пётр")
    await office.promote(PETR)
    rid = await office.create(msk(12, 9), STAFF, "Каб. 7", Category.PLUMBING, Priority.HIGH)
    await office.take(msk(12, 10), rid, PETR)
    # 24 working hours from Monday 09:00: 9 on Monday, 10 on Tuesday, 5 on Wednesday.
    await office.complete(msk(14, 13) + late, rid, PETR)

    statistics = await backend.statistics()(None, WEEK)

    assert (statistics.completed, statistics.sla_met) == (1, met)
    assert statistics.complete_median == timedelta(hours=24) + late
