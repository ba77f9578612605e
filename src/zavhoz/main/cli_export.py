"""``zavhoz export``: requests to an XLSX or CSV file (or stdout), streamed from the database."""

import argparse
import os
import sys
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO
from zoneinfo import ZoneInfo

from zavhoz.adapters.reports.csv_export import DELIMITERS, write_csv
from zavhoz.adapters.reports.words import LANGUAGES
from zavhoz.application.export import ALL_STATUSES, ExportQuery
from zavhoz.application.org_settings import workflow_of
from zavhoz.application.queries.export_requests import Export
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import OrgId
from zavhoz.main.cli_common import (
    WRONG,
    CommandError,
    add_org_option,
    chosen_organization,
    parse_date,
    run_command,
    with_container,
)

if TYPE_CHECKING:
    from zavhoz.main.container import Container

FORMATS = ("xlsx", "csv")


def add_commands(subparsers: Any) -> None:
    """Add ``export`` to the ``zavhoz`` command line's subcommands."""
    export = subparsers.add_parser(
        "export",
        help="export requests to XLSX or CSV",
        description=(
            "Export requests of an organization and those below it (with a column naming each "
            "one's school when there are several) created in a period (dates in the configured "
            "time zone, both included) with the queue's filters. Writes to --out FILE, or to "
            "stdout."
        ),
    )
    export.add_argument("--format", required=True, choices=FORMATS, help="xlsx or csv")
    export.add_argument(
        "--from", dest="since", type=parse_date, metavar="YYYY-MM-DD", help="created on or after"
    )
    export.add_argument(
        "--to", dest="until", type=parse_date, metavar="YYYY-MM-DD", help="created on or before"
    )
    export.add_argument(
        "--status",
        action="append",
        choices=[s.value for s in Status],
        help="only this status (repeat for several; all by default)",
    )
    export.add_argument("--priority", choices=[p.value for p in Priority])
    export.add_argument("--category", choices=[c.value for c in Category])
    export.add_argument(
        "--delimiter", choices=DELIMITERS, help="CSV only: ';' (default, Excel in Russian) or ','"
    )
    export.add_argument(
        "--language", choices=LANGUAGES, help="headers and words (default: ZAVHOZ_DEFAULT_LOCALE)"
    )
    export.add_argument("--out", type=Path, metavar="FILE", help="the file to write (or stdout)")
    add_org_option(export)
    export.set_defaults(handler=export_command)


def export_command(arguments: argparse.Namespace) -> int:
    def body() -> int:
        _check(arguments)
        count = with_container(lambda container: _export(arguments, container))
        where = arguments.out if arguments.out is not None else "stdout"
        print(f"Exported {count} requests to {where}.", file=sys.stderr)
        return 0

    return run_command(body, "zavhoz export")


def _check(arguments: argparse.Namespace) -> None:
    """Refuse what contradicts itself before anything is opened."""
    if arguments.format != "csv" and arguments.delimiter is not None:
        raise CommandError("--delimiter is for --format csv only", WRONG)
    if arguments.since and arguments.until and arguments.since > arguments.until:
        raise CommandError("--from is after --to", WRONG)
    if arguments.out is None and arguments.format == "xlsx" and sys.stdout.isatty():
        raise CommandError("XLSX is binary: give --out FILE or redirect stdout to a file", WRONG)


def export_query(arguments: argparse.Namespace, zone: ZoneInfo) -> ExportQuery:
    """The period as local days of ``zone``: ``--to`` includes its whole day."""
    since: date | None = arguments.since
    until: date | None = arguments.until
    return ExportQuery(
        since=datetime.combine(since, time(0), zone) if since else None,
        until=datetime.combine(until + timedelta(days=1), time(0), zone) if until else None,
        statuses=frozenset(Status(s) for s in arguments.status)
        if arguments.status
        else ALL_STATUSES,
        priority=Priority(arguments.priority) if arguments.priority else None,
        category=Category(arguments.category) if arguments.category else None,
    )


async def _export(arguments: argparse.Namespace, container: "Container") -> int:
    language: str = arguments.language or container.settings().default_locale
    chosen = await chosen_organization(container.uow_factory(), arguments.org)
    query = export_query(arguments, await _zone(container, chosen.id))
    lines = await container.export_requests()(None, query, school=chosen.id)
    try:
        if arguments.out is None:
            return await _write(arguments, lines, sys.stdout.buffer, language)
        return await _write_file(arguments, lines, arguments.out, language)
    except OSError as error:
        raise CommandError(f"cannot write {arguments.out}: {error.strerror or error}") from None


async def _zone(container: "Container", org: OrgId) -> ZoneInfo:
    """The time zone the organization works in (its own, inherited, or the environment's)."""
    async with container.uow_factory()(read_only=True) as uow:
        return (await workflow_of(uow, container.workflow(), org)).calendar.timezone


async def _write(arguments: argparse.Namespace, lines: Export, out: BinaryIO, language: str) -> int:
    if arguments.format == "csv":
        delimiter = arguments.delimiter or ";"
        return await write_csv(
            lines, out, language=language, delimiter=delimiter, by_school=lines.by_school
        )
    # openpyxl takes a third of a second to import: only when an XLSX is wanted.
    from zavhoz.adapters.reports.xlsx_export import TooManyRows, write_xlsx

    try:
        count = await write_xlsx(lines, out, language=language, by_school=lines.by_school)
    except TooManyRows:
        raise CommandError(
            "more requests than an Excel sheet holds: narrow the period or use CSV"
        ) from None
    out.flush()
    return count


async def _write_file(
    arguments: argparse.Namespace, lines: Export, path: Path, language: str
) -> int:
    """Into a temporary file beside ``path``, renamed when complete: never half a file."""
    partial = path.with_name(f".{path.name}.part")
    try:
        with partial.open("wb") as out:
            count = await _write(arguments, lines, out, language)
        os.replace(partial, path)
    finally:
        partial.unlink(missing_ok=True)
    return count
