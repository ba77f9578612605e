"""SQLite on the event loop's own thread, behind the interface SQLAlchemy expects of aiosqlite.

aiosqlite runs each call in a worker thread: four thread hand-offs per statement, which cost more
than the statement itself on an indexed school-sized database. Here every call runs at once.
A unit of work never waits on anything else between its statements, so no two of this process's
writers interleave and ``BEGIN IMMEDIATE`` never waits on one of ours; only another process's
writer (the command line) can make it wait, for at most the busy timeout.
"""

import sqlite3
from collections.abc import Callable, Iterable, Sequence
from typing import Any, Self


class InlineCursor:
    def __init__(self, cursor: sqlite3.Cursor) -> None:
        self._cursor = cursor

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(self, *_: object) -> None:
        self._cursor.close()

    async def execute(self, sql: str, parameters: Sequence[Any] = ()) -> Self:
        self._cursor.execute(sql, parameters)
        return self

    async def executemany(self, sql: str, parameters: Iterable[Sequence[Any]]) -> Self:
        self._cursor.executemany(sql, parameters)
        return self

    async def fetchone(self) -> Any:
        return self._cursor.fetchone()

    async def fetchmany(self, size: int | None = None) -> list[Any]:
        return self._cursor.fetchmany(size or self._cursor.arraysize)

    async def fetchall(self) -> list[Any]:
        return self._cursor.fetchall()

    async def close(self) -> None:
        self._cursor.close()

    @property
    def description(self) -> Any:
        return self._cursor.description

    @property
    def rowcount(self) -> int:
        return self._cursor.rowcount

    @property
    def lastrowid(self) -> int | None:
        return self._cursor.lastrowid

    @property
    def arraysize(self) -> int:
        return self._cursor.arraysize

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        self._cursor.arraysize = value


class _AtOnce:
    """Stands in for aiosqlite's request queue, which SQLAlchemy uses to set the isolation level."""

    def put_nowait(self, item: tuple[Any, Callable[[], Any]]) -> None:
        future, function = item
        future.set_result(function())


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._tx = _AtOnce()

    @property
    def _connection(self) -> sqlite3.Connection | None:
        return self._conn

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._open().cursor())

    async def commit(self) -> None:
        self._open().commit()

    async def rollback(self) -> None:
        self._open().rollback()

    async def close(self) -> None:
        self.stop()

    def stop(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None

    async def create_function(self, *args: Any, **kwargs: Any) -> None:
        self._open().create_function(*args, **kwargs)

    async def set_trace_callback(self, callback: Callable[[str], object] | None) -> None:
        self._open().set_trace_callback(callback)

    @property
    def isolation_level(self) -> str | None:
        return self._open().isolation_level

    def _open(self) -> sqlite3.Connection:
        if self._conn is None:
            raise ValueError("no active connection")
        return self._conn


def inline_connector(path: str, timeout: float) -> Callable[[], Any]:
    """SQLAlchemy's ``async_creator``: a connection to ``path`` that runs on the caller's thread."""

    async def connect() -> InlineConnection:
        return InlineConnection(sqlite3.connect(path, timeout=timeout, isolation_level=None))

    return connect
