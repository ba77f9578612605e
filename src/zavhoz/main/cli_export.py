"""``zavhoz export``: requests to an XLSX or CSV file (or stdout), streamed from the database."""

import argparse
import asyncio
import os
import sys
from collections.abc import AsyncIterator
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError

from zavhoz.adapters.persistence.sqlalchemy import create_engine, sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.export import SqlExportSource
from zavhoz.adapters.reports.csv_export import DELIMITERS, write_csv
from zavhoz.adapters.reports.words import LANGUAGES
from zavhoz.application.export import ALL_STATUSES, ExportQuery
from zavhoz.application.queries.export_requests import ExportLine, ExportRequests
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.main.settings import ConfigurationError, Settings, load_settings

FORMATS = ("xlsx", "csv")
Lines = AsyncIterator[ExportLine]


def add_commands(subparsers: Any) -> None:
    """Add ``export`` to the ``zavhoz`` command line's subcommands."""
    export = subparsers.add_parser(
        "export",
        help="export requests to XLSX or CSV",
        description=(
            "Export requests created in a period (dates in the configured time zone, both "
            "included) with the queue's filters. Writes to --out FILE, or to stdout."
        ),
    )
    export.add_argument("--format", required=True, choices=FORMATS, help="xlsx or csv")
    export.add_argument(
        "--from", dest="since", type=_date, metavar="YYYY-MM-DD", help="created on or after"
    )
    export.add_argument(
        "--to", dest="until", type=_date, metavar="YYYY-MM-DD", help="created on or before"
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
    export.set_defaults(handler=export_command)


def _date(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def export_command(arguments: argparse.Namespace) -> int:
    if arguments.format != "csv" and arguments.delimiter is not None:
        return _fail("--delimiter is for --format csv only")
    if arguments.since and arguments.until and arguments.since > arguments.until:
        return _fail("--from is after --to")
    if arguments.out is None and arguments.format == "xlsx" and sys.stdout.isatty():
        return _fail("XLSX is binary: give --out FILE or redirect stdout to a file")
    try:
        settings = load_settings()
    except ConfigurationError as error:
        return _fail(str(error))
    try:
        count = asyncio.run(_export(arguments, settings))
    except _TooManyRows:
        return _fail("more requests than an Excel sheet holds: narrow the period or use CSV", 1)
    except SQLAlchemyError as error:
        reason = getattr(error, "orig", None) or error
        return _fail(f"cannot read the database ({reason}); is it upgraded (zavhoz db upgrade)?", 1)
    except OSError as error:
        return _fail(f"cannot write {arguments.out}: {error.strerror or error}", 1)
    where = arguments.out if arguments.out is not None else "stdout"
    print(f"Exported {count} requests to {where}.", file=sys.stderr)
    return 0


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


async def _export(arguments: argparse.Namespace, settings: Settings) -> int:
    workflow = settings.workflow()
    engine = create_engine(settings.database_url)
    language: str = arguments.language or settings.default_locale
    try:
        export = ExportRequests(sql_uow_factory(engine), SqlExportSource(engine), workflow)
        lines = await export(None, export_query(arguments, workflow.calendar.timezone))
        if arguments.out is None:
            return await _write(arguments, lines, sys.stdout.buffer, language)
        return await _write_file(arguments, lines, arguments.out, language)
    finally:
        await engine.dispose()


async def _write(arguments: argparse.Namespace, lines: Lines, out: BinaryIO, language: str) -> int:
    if arguments.format == "csv":
        return await write_csv(lines, out, language=language, delimiter=arguments.delimiter or ";")
    # openpyxl takes a third of a second to import: only when an XLSX is wanted.
    from zavhoz.adapters.reports.xlsx_export import TooManyRows, write_xlsx

    try:
        count = await write_xlsx(lines, out, language=language)
    except TooManyRows:
        raise _TooManyRows from None
    out.flush()
    return count


async def _write_file(
    arguments: argparse.Namespace, lines: Lines, path: Path, language: str
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


class _TooManyRows(Exception):
    """The XLSX writer's ``TooManyRows``, which cannot be named before openpyxl is imported."""


def _fail(message: str, code: int = 2) -> int:
    """Say what is wrong on stderr; 2 for a wrong command, 1 for a failed export."""
    print(f"zavhoz export: {message}", file=sys.stderr)
    return code
