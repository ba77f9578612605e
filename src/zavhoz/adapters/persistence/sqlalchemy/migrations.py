"""Running Alembic from the application and the command line."""

import sys
from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine

MIGRATIONS = files("zavhoz") / "migrations"
"""``zavhoz/migrations`` inside the installed package, so a wheel upgrades a database anywhere."""


def alembic_config(url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config(stdout=sys.stdout)
    config.set_main_option("script_location", str(MIGRATIONS))
    config.attributes["url"] = url
    config.attributes["connection"] = connection
    return config


def upgrade(url: str, revision: str = "head") -> None:
    command.upgrade(alembic_config(url), revision)


def downgrade(url: str, revision: str) -> None:
    command.downgrade(alembic_config(url), revision)


def current(url: str) -> None:
    command.current(alembic_config(url), verbose=True)


def history(url: str) -> None:
    command.history(alembic_config(url), verbose=True)


async def upgrade_engine(engine: AsyncEngine, revision: str = "head") -> None:
    """Upgrade on a connection of the running application's own engine (handed in outside a
    transaction: on SQLite the migrations switch foreign keys off for their own)."""
    async with engine.connect() as connection:
        await connection.run_sync(
            lambda sync: command.upgrade(alembic_config(connection=sync), revision)
        )
        await connection.commit()
