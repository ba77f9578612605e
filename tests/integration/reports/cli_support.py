"""Running the operator's commands against a fresh SQLite database, as ``zavhoz`` would."""

import argparse
import asyncio
import os
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

import pytest

from zavhoz.adapters.persistence.sqlalchemy import create_engine, migrations, sql_uow_factory
from zavhoz.application.ports import UnitOfWorkFactory

T = TypeVar("T")
AddCommands = Callable[["argparse._SubParsersAction[argparse.ArgumentParser]"], None]


def fresh_database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """An upgraded SQLite database that the commands find through ``ZAVHOZ_DATABASE_URL``.

    Runs in ``tmp_path`` with no other ``ZAVHOZ_`` variable, so no ``.env`` or token leaks in.
    """
    monkeypatch.chdir(tmp_path)
    for variable in list(os.environ):
        if variable.startswith("ZAVHOZ_"):
            monkeypatch.delenv(variable)
    url = f"sqlite+aiosqlite:///{tmp_path / 'zavhoz.db'}"
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", url)
    migrations.upgrade(url)
    return url


def cli(add_commands: AddCommands, *argv: str) -> int:
    """The exit code of ``zavhoz <argv>`` with the commands of ``add_commands``."""
    parser = argparse.ArgumentParser(prog="zavhoz")
    add_commands(parser.add_subparsers(dest="command", required=True))
    arguments = parser.parse_args(argv)
    code: int = arguments.handler(arguments)
    return code


def in_database(url: str, work: Callable[[UnitOfWorkFactory], Awaitable[T]]) -> T:
    """Run ``work`` on the database at ``url`` (to arrange or check what the commands did)."""

    async def run() -> T:
        engine = create_engine(url)
        try:
            return await work(sql_uow_factory(engine))
        finally:
            await engine.dispose()

    return asyncio.run(run())
