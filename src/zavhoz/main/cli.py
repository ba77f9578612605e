"""The ``zavhoz`` command line."""

import argparse
import os
import sys
from collections.abc import Callable, Sequence

from zavhoz import __version__
from zavhoz.adapters.persistence.sqlalchemy import migrations
from zavhoz.adapters.persistence.sqlalchemy.engine import DEFAULT_URL

NOT_YET = (
    "zavhoz run: the Telegram bot is not available yet: it arrives with the bot issue. "
    "The database is ready; run `make test` to exercise the core."
)


def database_url() -> str:
    return os.environ.get("ZAVHOZ_DATABASE_URL") or DEFAULT_URL


def _run(arguments: argparse.Namespace) -> int:
    if not arguments.no_migrate:
        migrations.upgrade(database_url())
    print(NOT_YET, file=sys.stderr)
    return 1


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
