"""``zavhoz stats``: the statistics of a period as plain-text tables, for the operator."""

import argparse
from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from zavhoz.application.statistics import MAX_DAYS, PRESET_DAYS, Period, Statistics
from zavhoz.domain.errors import ValidationFailed
from zavhoz.main.cli_common import (
    WRONG,
    CommandError,
    add_org_option,
    chosen_organization,
    parse_date,
    run_command,
    table,
    with_container,
)

if TYPE_CHECKING:
    from zavhoz.main.container import Container

_HOUR = timedelta(hours=1)


def add_commands(subparsers: Any) -> None:
    """Add ``stats`` to the ``zavhoz`` command line's subcommands."""
    stats = subparsers.add_parser(
        "stats",
        help="statistics of a period: counts, times, SLA, ratings, places, executors",
        description=(
            "Statistics of an organization and those below it over the last --days days (7 by "
            "default) or --from .. --to (local days of ZAVHOZ_TIMEZONE, both included, at most "
            f"{MAX_DAYS}). Times are working hours."
        ),
    )
    stats.add_argument(
        "--days", type=int, choices=PRESET_DAYS, help="the last 7, 30 or 90 days, today included"
    )
    stats.add_argument("--from", dest="first", type=parse_date, metavar="YYYY-MM-DD")
    stats.add_argument("--to", dest="last", type=parse_date, metavar="YYYY-MM-DD")
    add_org_option(stats)
    stats.set_defaults(handler=stats_command)


def stats_command(arguments: argparse.Namespace) -> int:
    def body() -> int:
        if arguments.days is not None and (arguments.first or arguments.last):
            raise CommandError("give either --days or --from/--to, not both", WRONG)
        if arguments.last is not None and arguments.first is None:
            raise CommandError("--to needs --from", WRONG)
        name, statistics = with_container(lambda container: _statistics(arguments, container))
        print(f"{name}\n{report(statistics)}")
        return 0

    return run_command(body, "zavhoz stats")


async def _statistics(
    arguments: argparse.Namespace, container: "Container"
) -> tuple[str, Statistics]:
    """The organization's name and slug, and its statistics (of those below it too)."""
    chosen = await chosen_organization(container.uow_factory(), arguments.org)
    get = container.get_statistics()
    try:
        if arguments.first is None:
            period = get.last_days(arguments.days or PRESET_DAYS[0])
        else:
            period = Period(arguments.first, arguments.last or get.last_days(1).last)
        return f"{chosen.name} ({chosen.slug})", await get(None, period, chosen.id)
    except ValidationFailed as error:
        raise CommandError(_period_problem(error), WRONG) from None


def _period_problem(error: ValidationFailed) -> str:
    if error.rule == "max_days":
        return f"the period is {error.actual} days long; at most {error.limit}"
    return "--from is after --to (or, without --to, after today)"


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
