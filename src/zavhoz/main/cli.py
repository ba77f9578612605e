"""The ``zavhoz`` command line."""

import argparse
import asyncio
import sys
from collections.abc import Callable, Sequence
from datetime import UTC

from zavhoz import __version__
from zavhoz.adapters.persistence.sqlalchemy import create_engine, migrations, sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.engine import DEFAULT_URL
from zavhoz.application.delivery import DeadLetter
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.main import cli_export, cli_rooms, cli_stats, cli_users
from zavhoz.main.settings import (
    TOKEN_HELP,
    ConfigurationError,
    DatabaseSettings,
    Settings,
    load_settings,
)


def database_url() -> str:
    """``ZAVHOZ_DATABASE_URL`` from the environment or ``.env``, else the embedded default."""
    return DatabaseSettings().database_url or DEFAULT_URL


def _bot_settings() -> Settings | None:
    """The settings, or None after saying on stderr what is wrong with them."""
    try:
        settings = load_settings()
    except ConfigurationError as error:
        print(f"zavhoz: {error}", file=sys.stderr)
        return None
    if settings.bot_token is None:
        print(TOKEN_HELP, file=sys.stderr)
        return None
    return settings


def _run(arguments: argparse.Namespace) -> int:
    settings = _bot_settings()
    if settings is None:
        return 2
    from zavhoz.main import bot  # aiogram takes seconds to import: only when it will run

    return bot.main(settings, migrate=not arguments.no_migrate)


def _db(arguments: argparse.Namespace) -> int:
    actions: dict[str, Callable[[], None]] = {
        "upgrade": lambda: migrations.upgrade(database_url(), arguments.revision or "head"),
        "downgrade": lambda: migrations.downgrade(database_url(), arguments.revision or "-1"),
        "current": lambda: migrations.current(database_url()),
        "history": lambda: migrations.history(database_url()),
    }
    actions[arguments.action]()
    return 0


async def dead_letter_lines(uow_factory: UnitOfWorkFactory, limit: int) -> list[str]:
    """Dead messages, newest first, one line each: id, when, to whom, what, and why."""
    async with uow_factory() as uow:
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
    engine = create_engine(database_url())

    async def listing() -> list[str]:
        try:
            return await dead_letter_lines(sql_uow_factory(engine), arguments.limit)
        finally:
            await engine.dispose()

    lines = asyncio.run(listing())
    print("\n".join(lines) if lines else "No dead messages.")
    return 0


def _worker(arguments: argparse.Namespace) -> int:
    settings = _bot_settings()
    if settings is None:
        return 2
    from zavhoz.main import bot  # aiogram takes seconds to import: only when it will run

    return bot.work_main(settings, migrate=not arguments.no_migrate)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zavhoz", description="Facility requests in Telegram.")
    parser.add_argument("--version", action="version", version=f"zavhoz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the Telegram bot")
    run.add_argument("--no-migrate", action="store_true", help="do not upgrade the database first")
    run.set_defaults(handler=_run)
    worker = commands.add_parser(
        "worker", help="deliver notifications, scan SLA and send the digest (no updates)"
    )
    worker.add_argument(
        "--no-migrate", action="store_true", help="do not upgrade the database first"
    )
    worker.set_defaults(handler=_worker)
    outbox = commands.add_parser("outbox", help="notifications waiting or given up")
    outbox.add_argument("action", choices=["dead"], help="dead: messages given up, with reasons")
    outbox.add_argument("--limit", type=int, default=50, help="at most this many (newest first)")
    outbox.set_defaults(handler=_outbox)
    db = commands.add_parser("db", help="database schema (Alembic migrations)")
    db.add_argument("action", choices=["upgrade", "downgrade", "current", "history"])
    db.add_argument("revision", nargs="?", help="target revision (upgrade: head, downgrade: -1)")
    db.set_defaults(handler=_db)
    for extra in (cli_rooms, cli_users, cli_stats, cli_export):
        extra.add_commands(commands)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = arguments.handler
    return handler(arguments)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
