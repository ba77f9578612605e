"""``zavhoz stats``: the statistics of a period as plain-text tables, for the operator."""

import argparse
import asyncio
import sys
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy.exc import SQLAlchemyError

from zavhoz.adapters.clock import SystemClock
from zavhoz.adapters.persistence.sqlalchemy import create_engine, sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.statistics import SqlStatisticsSource
from zavhoz.application.queries.get_statistics import GetStatistics
from zavhoz.application.statistics import MAX_DAYS, PRESET_DAYS, Period, Statistics
from zavhoz.domain.errors import ValidationFailed
from zavhoz.main.settings import ConfigurationError, Settings, load_settings

_HOUR = timedelta(hours=1)


def add_commands(subparsers: Any) -> None:
    """Add ``stats`` to the ``zavhoz`` command line's subcommands."""
    stats = subparsers.add_parser(
        "stats",
        help="statistics of a period: counts, times, SLA, ratings, places, executors",
        description=(
            "Statistics of the last --days days (7 by default) or of --from .. --to (local days "
            f"of ZAVHOZ_TIMEZONE, both included, at most {MAX_DAYS}). Times are working hours."
        ),
    )
    stats.add_argument(
        "--days", type=int, choices=PRESET_DAYS, help="the last 7, 30 or 90 days, today included"
    )
    stats.add_argument("--from", dest="first", type=_date, metavar="YYYY-MM-DD")
    stats.add_argument("--to", dest="last", type=_date, metavar="YYYY-MM-DD")
    stats.set_defaults(handler=stats_command)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def stats_command(arguments: argparse.Namespace) -> int:
    if arguments.days is not None and (arguments.first or arguments.last):
        return _fail("give either --days or --from/--to, not both")
    if arguments.last is not None and arguments.first is None:
        return _fail("--to needs --from")
    try:
        settings = load_settings()
    except ConfigurationError as error:
        return _fail(str(error))
    try:
        statistics = asyncio.run(_statistics(arguments, settings))
    except ValidationFailed as error:
        return _fail(_period_problem(error))
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        return _fail(f"cannot read the database ({reason}); is it upgraded (zavhoz db upgrade)?", 1)
    print(report(statistics))
    return 0


async def _statistics(arguments: argparse.Namespace, settings: Settings) -> Statistics:
    engine = create_engine(settings.database_url)
    try:
        get = GetStatistics(
            sql_uow_factory(engine), SystemClock(), settings.workflow(), SqlStatisticsSource(engine)
        )
        if arguments.first is None:
            period = get.last_days(arguments.days or PRESET_DAYS[0])
        else:
            period = Period(arguments.first, arguments.last or get.last_days(1).last)
        return await get(None, period)
    finally:
        await engine.dispose()


def _period_problem(error: ValidationFailed) -> str:
    if error.rule == "max_days":
        return f"the period is {error.actual} days long; at most {error.limit}"
    return "--from is after --to (or, without --to, after today)"


def _fail(message: str, code: int = 2) -> int:
    """Say what is wrong on stderr; 2 for a wrong command, 1 for a failed read."""
    print(f"zavhoz stats: {message}", file=sys.stderr)
    return code


# --- the report ---------------------------------------------------------------------------


def report(s: Statistics) -> str:
    """Every figure, as tables of plain text."""
    period = s.period
    head = (
        f"Statistics {period.first:%Y-%m-%d} – {period.last:%Y-%m-%d} "
        f"({period.length} day{'s' if period.length != 1 else ''}, {s.zone.key}); "
        f"now {_moment(s.generated_at, s)}. Times are working hours."
    )
    percent = s.sla_met_percent
    rating = s.average_rating
    figures = [
        ("created", s.created),
        ("completed", s.completed),
        ("rejected", s.rejected),
        ("cancelled", s.cancelled),
        ("open now", s.open_now),
        ("overdue now", s.overdue_now),
        ("time to take, average", hours(s.take_average)),
        ("time to take, median", hours(s.take_median)),
        ("time to complete, average", hours(s.complete_average)),
        ("time to complete, median", hours(s.complete_median)),
        ("SLA met", "—" if percent is None else f"{percent:.1f}% ({s.sla_met} of {s.completed})"),
        ("average rating", "—" if rating is None else f"{rating:.2f} ({s.rated} rated)"),
    ]
    sections = [
        head,
        table(["figure", "value"], figures),
        "Top locations (created in the period)\n"
        + table(["location", "requests"], [(x.location, x.count) for x in s.top_locations]),
        "Top categories (created in the period)\n"
        + table(["category", "requests"], [(x.category.value, x.count) for x in s.top_categories]),
        "Status now of the requests created in the period\n"
        + table(["status", "requests"], [(x.status.value, x.count) for x in s.status_mix]),
        "Executors\n"
        + table(
            ["id", "name", "taken", "completed", "median to complete"],
            [
                (e.user_id, e.name, e.taken, e.completed, hours(e.complete_median))
                for e in s.executors
            ],
        ),
        "Per day\n"
        + table(
            ["day", "created", "completed"],
            [(f"{d.day:%Y-%m-%d}", d.created, d.completed) for d in s.days],
        ),
    ]
    return "\n\n".join(sections)


def hours(span: timedelta | None) -> str:
    return "—" if span is None else f"{span / _HOUR:.1f} h"


def _moment(moment: datetime, s: Statistics) -> str:
    return f"{moment.astimezone(s.zone):%Y-%m-%d %H:%M}"


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns with a rule under the header; ``(none)`` for no rows."""
    if not rows:
        return "(none)"
    cells = [list(headers), *[[str(value) for value in row] for row in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths]), *map(line, cells[1:])])
