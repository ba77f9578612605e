"""SQLite on the event loop's own thread, behind the interface SQLAlchemy expects of aiosqlite.

aiosqlite runs each call in a worker thread: four thread hand-offs per statement, which cost more
than the statement itself on an indexed school-sized database. Here every call runs at once.
A unit of work never waits on anything else between its statements, so no two of this process's
writers interleave and ``BEGIN IMMEDIATE`` never waits on one of ours; only another process's
writer (the command line) can make it wait, for at most the busy timeout.

SQLite's own checkpoint would copy the write-ahead log into the database inside a commit, an
fsync on the event loop; here it runs in a worker thread every ``CHECKPOINT_EVERY`` commits.
"""

import asyncio
import sqlite3
from collections.abc import Callable, Iterable, Sequence
from contextlib import closing
from pathlib import Path
from typing import Any, Self

MEMORY = ":memory:"
CHECKPOINT_EVERY = 100
"""Commits between checkpoints: about SQLite's own 1 000 pages of log, at a school's writes."""


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


class Checkpoints:
    """The log of one database file, copied into it off the event loop now and then."""

    def __init__(self, path: str, every: int = CHECKPOINT_EVERY) -> None:
        self._path, self._every, self._commits = path, every, 0
        self._running: asyncio.Future[None] | None = None

    def committed(self) -> None:
        self._commits += 1
        if self._commits % self._every == 0 and (self._running is None or self._running.done()):
            self._running = asyncio.ensure_future(asyncio.to_thread(self.checkpoint))

    def checkpoint(self) -> None:
        """PASSIVE: copies what it can without waiting for anyone (the next one does the rest)."""
        existing = Path(self._path).resolve().as_uri() + "?mode=rw"  # never creates a file
        try:
            with closing(sqlite3.connect(existing, timeout=0, uri=True)) as connection:
                connection.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # e.g. the database was just removed: nothing to copy


class InlineConnection:
    def __init__(self, connection: sqlite3.Connection, checkpoints: Checkpoints | None) -> None:
        self._conn: sqlite3.Connection | None = connection
        self._checkpoints = checkpoints
        self._tx = _AtOnce()

    @property
    def _connection(self) -> sqlite3.Connection | None:
        return self._conn

    def cursor(self) -> InlineCursor:
        return InlineCursor(self._open().cursor())

    async def commit(self) -> None:
        self._open().commit()
        if self._checkpoints is not None:
            self._checkpoints.committed()

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


def inline_connector(
    path: str, timeout: float, checkpoints: Checkpoints | None
) -> Callable[[], Any]:
    """SQLAlchemy's ``async_creator``: a connection to ``path`` that runs on the caller's thread."""

    async def connect() -> InlineConnection:
        return InlineConnection(open_sqlite(path, timeout, checkpoints), checkpoints)

    return connect


def open_sqlite(path: str, timeout: float, checkpoints: Checkpoints | None) -> sqlite3.Connection:
    """A connection whose transactions are ours to begin; with ``checkpoints``, SQLite's own
    checkpoint inside a commit is off (``Checkpoints`` does it off the loop)."""
    connection = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    if checkpoints is not None:
        connection.execute("PRAGMA wal_autocheckpoint=0")
    return connection
