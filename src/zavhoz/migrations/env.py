"""Alembic environment: async, and able to run on a connection the application hands in.

The database URL comes from ``config.attributes["url"]``, else ``ZAVHOZ_DATABASE_URL``, else the
embedded default. The application may instead pass ``config.attributes["connection"]``.
"""

import asyncio
import os
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Literal

from alembic import context
from alembic.autogenerate.api import AutogenContext
from sqlalchemy.engine import Connection

from zavhoz.adapters.persistence.sqlalchemy.engine import DEFAULT_URL, create_engine
from zavhoz.adapters.persistence.sqlalchemy.tables import metadata
from zavhoz.adapters.persistence.sqlalchemy.types import UtcDateTime

config = context.config


def render_item(kind: str, item: Any, autogen_context: AutogenContext) -> str | Literal[False]:
    if kind == "type" and isinstance(item, UtcDateTime):
        return "sa.DateTime(timezone=True)"
    return False


def configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=metadata,
        render_as_batch=True,
        compare_type=True,
        render_item=render_item,
    )


def run_on(connection: Connection) -> None:
    configure(connection)
    with _foreign_keys_off(connection), context.begin_transaction():
        context.run_migrations()
        _check_foreign_keys(connection)


@contextmanager
def _foreign_keys_off(connection: Connection) -> Iterator[None]:
    """SQLite rebuilds a table to change it, dropping the old one: with foreign keys enforced,
    that drop would orphan the rows referring to it. The switch works between transactions
    only, so whatever is open is ended before the connection gets its foreign keys back."""
    if connection.dialect.name != "sqlite" or connection.in_transaction():
        yield
        return
    _pragma(connection, "foreign_keys=OFF")
    try:
        yield
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    finally:
        _pragma(connection, "foreign_keys=ON")


def _pragma(connection: Connection, setting: str) -> None:
    """On the driver, outside any transaction (SQLAlchemy would begin one first)."""
    cursor = connection.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(f"PRAGMA {setting}")
    cursor.close()


def _check_foreign_keys(connection: Connection) -> None:
    """What the rebuilt SQLite tables refer to must still be there before the commit."""
    if connection.dialect.name == "sqlite":
        broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
        if broken:
            raise RuntimeError(f"the migration broke foreign keys: {broken[:10]}")


async def run_online() -> None:
    url = config.attributes.get("url") or os.environ.get("ZAVHOZ_DATABASE_URL", DEFAULT_URL)
    engine = create_engine(url)
    async with engine.connect() as connection:
        await connection.run_sync(run_on)
        await connection.commit()
    await engine.dispose()


def run_offline() -> None:
    url = config.attributes.get("url") or os.environ.get("ZAVHOZ_DATABASE_URL", DEFAULT_URL)
    context.configure(url=url, target_metadata=metadata, literal_binds=True, render_as_batch=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_offline()
elif (handed_in := config.attributes.get("connection")) is not None:
    run_on(handed_in)
else:
    asyncio.run(run_online())
