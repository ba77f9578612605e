"""Counting the statements a database really runs, for the statement budgets of tests and benches.

SQLite: sqlite3's own trace callback on each pooled connection, the units of work's synchronous
twin's too (``engine.units_engine``), so a ``BEGIN IMMEDIATE`` counts and a ``COMMIT``/``ROLLBACK``
the driver skips (no transaction open) does not. PostgreSQL (asyncpg): every cursor execution
(savepoints included), the ``BEGIN`` asyncpg sends before the first statement of a transaction,
the ``COMMIT``/``ROLLBACK`` of an open one, and the pool's pre-ping (``BEGIN``, ``;``,
``ROLLBACK`` in SQLAlchemy's asyncpg adapter).
"""

import sqlite3
from collections.abc import Callable
from typing import Any, Self

from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import ConnectionPoolEntry, Pool, PoolProxiedConnection

from zavhoz.adapters.persistence.sqlalchemy.engine import units_engine

LINE_WIDTH = 120
"""Characters kept of each statement's first line: enough to tell which query ran."""

_PING = ("; -- pre-ping",)


class StatementCounter:
    """The statements run on one engine since the last :meth:`reset`, as their first lines."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.statements: list[str] = []
        self._engine: Engine = engine.sync_engine
        key = f"zavhoz.counting.{id(self)}"
        self._traced, self._open, self._fresh = f"{key}.traced", f"{key}.open", f"{key}.fresh"
        """This counter's marks on a pooled connection: traced, in a transaction, never pinged."""
        self._listeners: list[tuple[Any, str, Callable[..., None]]] = []
        self._attached = False

    @classmethod
    def attach(cls, engine: AsyncEngine) -> Self:
        counter = cls(engine)
        counter._attached = True
        if engine.dialect.name == "sqlite":
            for pool in _pools(engine):
                counter._listen(pool, "checkout", counter._trace)
        else:
            counter._listen_to_cursor_and_transactions()
        return counter

    @property
    def count(self) -> int:
        return len(self.statements)

    def reset(self) -> None:
        self.statements.clear()

    def detach(self) -> None:
        """Stop counting; a traced SQLite connection keeps a callback that now ignores it."""
        self._attached = False
        for target, name, listener in self._listeners:
            event.remove(target, name, listener)
        self._listeners.clear()

    def _listen(self, target: Any, name: str, listener: Callable[..., None]) -> None:
        event.listen(target, name, listener)
        self._listeners.append((target, name, listener))

    def _ran(self, statement: str) -> None:
        if self._attached:
            self.statements.append(statement.strip().split("\n", 1)[0][:LINE_WIDTH])

    # --- SQLite ---------------------------------------------------------------------------------

    def _trace(self, dbapi: Any, record: ConnectionPoolEntry, _: PoolProxiedConnection) -> None:
        if record.info.get(self._traced):
            return
        if isinstance(dbapi, sqlite3.Connection):
            dbapi.set_trace_callback(self._ran)
        else:
            dbapi.run_async(lambda raw: raw.set_trace_callback(self._ran))
        record.info[self._traced] = True

    # --- PostgreSQL -----------------------------------------------------------------------------

    def _listen_to_cursor_and_transactions(self) -> None:
        self._listen(self._engine, "before_cursor_execute", self._executing)
        self._listen(self._engine, "commit", lambda conn: self._ending(conn.info, "COMMIT"))
        self._listen(self._engine, "rollback", lambda conn: self._ending(conn.info, "ROLLBACK"))
        pool = self._engine.pool
        self._listen(pool, "reset", lambda _, record, __: self._ending(record.info, "ROLLBACK"))
        self._listen(pool, "connect", lambda _, record: record.info.update({self._fresh: True}))
        self._listen(pool, "checkout", self._pinged)

    def _executing(self, conn: Connection, _: object, statement: str, *__: object) -> None:
        self._begin_if_needed(conn.info, conn.connection.dbapi_connection)
        self._ran(statement)

    def _begin_if_needed(self, info: dict[Any, Any], dbapi: Any) -> None:
        if not info.get(self._open) and not getattr(dbapi, "autocommit", False):
            info[self._open] = True
            self._ran("BEGIN")

    def _ending(self, info: dict[Any, Any], statement: str) -> None:
        if info.pop(self._open, False):
            self._ran(statement)

    def _pinged(self, dbapi: Any, record: ConnectionPoolEntry, _: PoolProxiedConnection) -> None:
        fresh = record.info.pop(self._fresh, False)  # SQLAlchemy pings only a reused connection
        if fresh or not getattr(self._engine.pool, "_pre_ping", False):
            return
        ping = _PING if getattr(dbapi, "autocommit", False) else ("BEGIN", *_PING, "ROLLBACK")
        for statement in ping:
            self._ran(statement)


def _pools(engine: AsyncEngine) -> list[Pool]:
    twin = units_engine(engine)
    return [engine.sync_engine.pool, *([twin.pool] if twin is not None else [])]
