"""The ``zavhoz`` command line."""

import argparse
import sys
from collections.abc import Sequence

from zavhoz import __version__

NOT_YET = (
    "zavhoz {command}: not available yet: the Telegram bot arrives with the bot issue. "
    "The core and its tests are ready: run `make test`."
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="zavhoz", description="Facility requests in Telegram.")
    parser.add_argument("--version", action="version", version=f"zavhoz {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("run", help="run the Telegram bot")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    arguments = build_parser().parse_args(argv)
    print(NOT_YET.format(command=arguments.command), file=sys.stderr)
    return 1


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
