"""The ``zavhoz`` command line."""

import argparse
import sys
from collections.abc import Callable, Sequence

from zavhoz import __version__
from zavhoz.adapters.persistence.sqlalchemy import migrations
from zavhoz.adapters.persistence.sqlalchemy.engine import DEFAULT_URL
from zavhoz.main.settings import (
    TOKEN_HELP,
    ConfigurationError,
    DatabaseSettings,
    load_settings,
)


def database_url() -> str:
    """``ZAVHOZ_DATABASE_URL`` from the environment or ``.env``, else the embedded default."""
    return DatabaseSettings().database_url or DEFAULT_URL


def _run(arguments: argparse.Namespace) -> int:
    try:
        settings = load_settings()
    except ConfigurationError as error:
        print(f"zavhoz: {error}", file=sys.stderr)
        return 2
    if settings.bot_token is None:
        print(TOKEN_HELP, file=sys.stderr)
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


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zavhoz", description="Facility requests in Telegram.")
    parser.add_argument("--version", action="version", version=f"zavhoz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="run the Telegram bot")
    run.add_argument("--no-migrate", action="store_true", help="do not upgrade the database first")
    run.set_defaults(handler=_run)
    db = commands.add_parser("db", help="database schema (Alembic migrations)")
    db.add_argument("action", choices=["upgrade", "downgrade", "current", "history"])
    db.add_argument("revision", nargs="?", help="target revision (upgrade: head, downgrade: -1)")
    db.set_defaults(handler=_db)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    handler: Callable[[argparse.Namespace], int] = arguments.handler
    return handler(arguments)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
