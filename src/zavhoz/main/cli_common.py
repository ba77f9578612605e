"""What every ``zavhoz`` command shares: the container, one-line errors and exit codes, tables.

Exit codes: 0 done, 1 the command failed (a missing file, a refusal, the database), 2 the
command or a setting is wrong. The container (and with it aiogram) is imported only when a
command runs, so ``zavhoz --help`` stays quick.
"""

import argparse
import asyncio
import sys
from collections.abc import Awaitable, Callable, Sequence
from datetime import date
from typing import TYPE_CHECKING, TypeVar

from sqlalchemy.exc import SQLAlchemyError

from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.organizations import Organization
from zavhoz.main.settings import ConfigurationError, Settings, load_settings

if TYPE_CHECKING:
    from zavhoz.main.container import Container

T = TypeVar("T")
FAILED = 1
WRONG = 2


class CommandError(Exception):
    """What went wrong, as the one line the operator sees, and the exit code it ends with."""

    def __init__(self, message: str, code: int = FAILED) -> None:
        super().__init__(message)
        self.code = code


def run_command(body: Callable[[], int], prog: str = "zavhoz") -> int:
    """``body``'s exit code; a ``CommandError`` is printed on stderr as ``prog: ...``."""
    try:
        return body()
    except CommandError as error:
        print(f"{prog}: {error}", file=sys.stderr)
        return error.code


def settings() -> Settings:
    """The settings from the environment and ``.env``; a bad one is a ``CommandError``."""
    try:
        return load_settings()
    except ConfigurationError as error:
        raise CommandError(str(error), WRONG) from None


def with_container(work: Callable[["Container"], Awaitable[T]]) -> T:
    """Run ``work`` on the configured container, then close the database and the Bot API.

    A failure of the database is one line; ``work`` turns its own ``OSError``s (files) into
    ``CommandError``s."""
    from zavhoz.main.container import build_container, shut_down

    container = build_container(settings())

    async def run() -> T:
        try:
            return await work(container)
        except (SQLAlchemyError, OSError) as error:
            raise CommandError(database_problem(error)) from None
        finally:
            await shut_down(container)

    return asyncio.run(run())


def database_problem(error: SQLAlchemyError | OSError) -> str:
    return f"cannot read the database ({first_line(error)}); is it upgraded? zavhoz db upgrade"


def first_line(error: Exception) -> str:
    """The driver's own reason when SQLAlchemy wraps one, on one line."""
    return str(getattr(error, "orig", None) or error).splitlines()[0]


def parse_date(text: str) -> date:
    """An argparse type: ``YYYY-MM-DD``."""
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date: use YYYY-MM-DD") from None


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """Left-aligned columns with a rule under the header; ``(none)`` for no rows."""
    if not rows:
        return "(none)"
    cells = [[str(h) for h in headers], *[["" if v is None else str(v) for v in r] for r in rows]]
    widths = [max(len(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: Sequence[str]) -> str:
        return "  ".join(
            cell.ljust(width) for cell, width in zip(row, widths, strict=True)
        ).rstrip()

    return "\n".join([line(cells[0]), line(["-" * w for w in widths]), *map(line, cells[1:])])


# --- --org SLUG --------------------------------------------------------------------------------


def add_org_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--org",
        metavar="SLUG",
        help="the organization (default: the only one; see zavhoz orgs list)",
    )


async def chosen_organization(uow_factory: UnitOfWorkFactory, slug: str | None) -> Organization:
    """The organization ``--org`` names, or the only one there is."""
    async with uow_factory(read_only=True) as uow:
        if slug is not None:
            found = await uow.organizations.by_slug(slug)
            if found is not None:
                return found
        everyone = await uow.organizations.all()
    return _only(everyone, slug)


def _only(everyone: Sequence[Organization], slug: str | None) -> Organization:
    slugs = ", ".join(org.slug for org in everyone)
    if slug is not None:
        raise CommandError(f"no organization {slug!r}: --org takes one of {slugs}", WRONG)
    if len(everyone) != 1:
        raise CommandError(f"{len(everyone)} organizations: add --org SLUG, one of {slugs}", WRONG)
    return everyone[0]
