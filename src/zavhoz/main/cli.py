"""The ``zavhoz`` command line."""

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import UTC

from alembic.util import CommandError as AlembicError
from sqlalchemy.exc import DBAPIError

from zavhoz import __version__
from zavhoz.adapters.persistence.sqlalchemy import migrations
from zavhoz.application.delivery import DeadLetter
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.main import cli_export, cli_orgs, cli_rooms, cli_stats, cli_users
from zavhoz.main.cli_common import (
    WRONG,
    CommandError,
    first_line,
    run_command,
    settings,
    with_container,
)
from zavhoz.main.settings import TOKEN_HELP


def _process(arguments: argparse.Namespace) -> int:
    """`zavhoz run` and `zavhoz worker`: a bad setting or no token is one line and exit 2."""

    def body() -> int:
        configured = settings()
        if configured.bot_token is None:
            print(TOKEN_HELP, file=sys.stderr)
            return WRONG
        from zavhoz.main import bot  # aiogram takes seconds to import: only when it will run

        start = bot.main if arguments.command == "run" else bot.work_main
        return start(configured, migrate=not arguments.no_migrate)

    return run_command(body)


SCHEMA: dict[str, Callable[[str, str | None], None]] = {
    "upgrade": lambda url, revision: migrations.upgrade(url, revision or "head"),
    "downgrade": lambda url, revision: migrations.downgrade(url, revision or "-1"),
    "current": lambda url, _: migrations.current(url),
    "history": lambda url, _: migrations.history(url),
}


def _db(arguments: argparse.Namespace) -> int:
    def body() -> int:
        url = settings().database_url
        try:
            SCHEMA[arguments.action](url, arguments.revision)
        except AlembicError as error:  # e.g. a revision that does not exist
            raise CommandError(str(error), WRONG) from None
        except (OSError, DBAPIError) as error:
            raise CommandError(
                f"cannot reach the database (ZAVHOZ_DATABASE_URL): {first_line(error)}"
            ) from None
        return 0

    return run_command(body)


async def dead_letter_lines(uow_factory: UnitOfWorkFactory, limit: int) -> list[str]:
    """Dead messages, newest first, one line each: id, when, to whom, what, and why."""
    async with uow_factory(read_only=True) as uow:
        letters = await uow.deliveries.dead_letters(limit)
    return [_dead_line(letter) for letter in letters]


def _dead_line(letter: DeadLetter) -> str:
    delivery = letter.delivery
    message = delivery.message
    when = message.created_at.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")
    about = f" (request {message.request_id})" if message.request_id is not None else ""
    what = f"{message.template}{about}"
    return f"#{delivery.id}  {when}  to {message.recipient}  {what}: {letter.reason}"


def _outbox(arguments: argparse.Namespace) -> int:
    def body() -> int:
        lines = with_container(
            lambda container: dead_letter_lines(container.uow_factory(), arguments.limit)
        )
        print("\n".join(lines) if lines else "No dead messages.")
        return 0

    return run_command(body)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zavhoz", description="Facility requests in Telegram.")
    parser.add_argument("--version", action="version", version=f"zavhoz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the Telegram bot")
    run.add_argument("--no-migrate", action="store_true", help="do not upgrade the database first")
    run.set_defaults(handler=_process)
    worker = commands.add_parser(
        "worker", help="deliver notifications, scan SLA and send the digest (no updates)"
    )
    worker.add_argument(
        "--no-migrate", action="store_true", help="do not upgrade the database first"
    )
    worker.set_defaults(handler=_process)
    outbox = commands.add_parser("outbox", help="notifications waiting or given up")
    outbox.add_argument("action", choices=["dead"], help="dead: messages given up, with reasons")
    outbox.add_argument("--limit", type=int, default=50, help="at most this many (newest first)")
    outbox.set_defaults(handler=_outbox)
    db = commands.add_parser("db", help="database schema (Alembic migrations)")
    db.add_argument("action", choices=["upgrade", "downgrade", "current", "history"])
    db.add_argument("revision", nargs="?", help="target revision (upgrade: head, downgrade: -1)")
    db.set_defaults(handler=_db)
    for extra in (cli_orgs, cli_rooms, cli_users, cli_stats, cli_export):
        extra.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = arguments.handler
    return handler(arguments)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
