"""Alembic environment: async, and able to run on a connection the application hands in.

The database URL comes from ``config.attributes["url"]``, else ``ZAVHOZ_DATABASE_URL``, else the
embedded default. The application may instead pass ``config.attributes["connection"]``.
"""

import asyncio
import os
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
    with context.begin_transaction():
        context.run_migrations()


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
