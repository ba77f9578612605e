"""Engines: SQLite via aiosqlite (the embedded default), PostgreSQL via asyncpg (production)."""

from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import sqlalchemy
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from zavhoz.adapters.persistence.sqlalchemy.inline_sqlite import (
    MEMORY,
    Checkpoints,
    inline_connector,
    open_sqlite,
)

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
    inline = not parsed.query and not threaded
    path = parsed.database or MEMORY
    checkpoints = Checkpoints(path) if inline and path != MEMORY else None
    if inline:
        options["async_creator"] = inline_connector(path, BUSY_TIMEOUT_S, checkpoints)
    engine = create_async_engine(url, **options)
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
    event.listen(engine.sync_engine, "begin", _begin_immediate)
    if checkpoints is not None:
        _twin(engine, path, checkpoints)
    return engine


_TWINS: "WeakKeyDictionary[Engine, Engine]" = WeakKeyDictionary()


def units_engine(engine: AsyncEngine) -> Engine | None:
    """The synchronous engine on the same SQLite file that units of work use, if ``engine`` has one.

    Only an inline SQLite file has one (see ``sessions``); it is disposed with ``engine``.
    """
    return _TWINS.get(engine.sync_engine)


def _twin(engine: AsyncEngine, path: str, checkpoints: Checkpoints) -> None:
    twin = sqlalchemy.create_engine(
        f"sqlite:///{path}",
        creator=lambda: open_sqlite(path, BUSY_TIMEOUT_S, checkpoints),
        max_overflow=-1,  # waiting for a free connection would block the event loop for good
    )
    event.listen(twin, "connect", _sqlite_pragmas)
    event.listen(twin, "begin", _begin_immediate_on_driver)
    event.listen(twin, "commit", lambda _: checkpoints.committed())
    event.listen(engine.sync_engine, "engine_disposed", lambda _: twin.dispose())
    _TWINS[engine.sync_engine] = twin


def _sqlite_pragmas(dbapi_connection: Any, _: object) -> None:
    # The driver's own implicit BEGIN is switched off so that _begin_immediate decides.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT_MS}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


AnyEngine = TypeVar("AnyEngine", AsyncEngine, Engine)


def reading(engine: AnyEngine) -> AnyEngine:
    """The same pool for queries, in autocommit: a read neither waits for nor holds up a writer."""
    if engine.dialect.name == "sqlite":
        return engine.execution_options(**{READ_ONLY: True})
    return engine.execution_options(isolation_level="AUTOCOMMIT")


def _begin_immediate(connection: Connection) -> None:
    # Writers queue up at BEGIN instead of failing when a read snapshot turns stale,
    # so two people pressing "take" at once are served one after the other.
    if not connection.get_execution_options().get(READ_ONLY):
        connection.exec_driver_sql("BEGIN IMMEDIATE")


def _begin_immediate_on_driver(connection: Connection) -> None:
    """``_begin_immediate`` straight on sqlite3: the same statement at a tenth of the cost."""
    if not connection.get_execution_options().get(READ_ONLY):
        connection.connection.driver_connection.execute("BEGIN IMMEDIATE")  # type: ignore[union-attr]
