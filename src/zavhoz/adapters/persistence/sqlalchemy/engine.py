"""Engines: SQLite via aiosqlite (the embedded default), PostgreSQL via asyncpg (production)."""

from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from zavhoz.adapters.persistence.sqlalchemy.inline_sqlite import MEMORY, inline_connector

DEFAULT_URL = "sqlite+aiosqlite:///./zavhoz.db"
BUSY_TIMEOUT_MS = 5000
BUSY_TIMEOUT_S = BUSY_TIMEOUT_MS / 1000
READ_ONLY = "zavhoz_read_only"
"""Execution option of SQLite connections that only read: no BEGIN, each statement on its own."""

POSTGRES_POOL: dict[str, Any] = {
    "pool_size": 20,  # 100 people at once hold a connection ~1 ms each: 20 never queue for long
    "max_overflow": 20,  # a burst borrows more rather than waiting for pool_timeout
    "pool_timeout": 10,  # a starved pool fails the update (the guard apologises), never hangs
    "pool_recycle": 1800,  # behind pgbouncer/NAT, idle connections are cut after a while
    # No ping before each checkout: it is a round trip per unit of work (a third of a card's
    # time). After a server restart the first failing statement invalidates the whole pool,
    # so one update ends in an apology and the next ones reconnect.
    "pool_pre_ping": False,
}
"""Sizes for 100 concurrent people on one process (see the README's performance paragraph)."""

ASYNCPG_CONNECT: dict[str, Any] = {
    "statement_cache_size": 512,  # asyncpg prepares each statement once per connection
    "server_settings": {"application_name": "zavhoz", "jit": "off"},  # JIT slows short queries
}


def create_engine(url: str = DEFAULT_URL, *, threaded: bool = False, **options: Any) -> AsyncEngine:
    """An engine for ``url``; SQLite runs inline on the event loop unless ``threaded``
    (in aiosqlite's worker thread: for long reads such as statistics over years of requests)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        connect = ASYNCPG_CONNECT if parsed.get_driver_name() == "asyncpg" else {}
        return create_async_engine(url, **{**POSTGRES_POOL, "connect_args": connect, **options})
    if not parsed.query and not threaded:
        options["async_creator"] = inline_connector(parsed.database or MEMORY, BUSY_TIMEOUT_S)
    engine = create_async_engine(url, **options)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "begin", _begin_immediate)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _: object) -> None:
    # The driver's own implicit BEGIN is switched off so that _begin_immediate decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def reading(engine: AsyncEngine) -> AsyncEngine:
    """The same pool for queries, in autocommit: a read neither waits for nor holds up a writer."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{READ_ONLY: True})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _begin_immediate(connection: Connection) -> None:
    # Writers queue up at BEGIN instead of failing when a read snapshot turns stale,
    # so two people pressing "take" at once are served one after the other.
    if not connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN IMMEDIATE")
