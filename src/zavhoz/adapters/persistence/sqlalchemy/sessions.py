"""What repositories run their statements on: a connection held for one transaction.

An inline SQLite's driver runs on the event loop's thread anyway (``inline_sqlite``); reaching it
through SQLAlchemy's async adaptation costs two greenlet switches per driver call, three times
what the statements themselves cost. So there a synchronous ``Connection`` serves
(``InlineSession``), elsewhere an ``AsyncConnection`` (``AwaitedSession``), behind the same
awaitable methods: repositories are written once for both.
"""

from collections.abc import Awaitable, Callable
from typing import Any, Protocol

from sqlalchemy import Connection, Engine, Executable, Result, ScalarResult
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine


class SqlSession(Protocol):
    async def execute(self, statement: Executable, params: Any = None) -> Result[Any]: ...

    async def scalar(self, statement: Executable, params: Any = None) -> Any: ...

    async def scalars(self, statement: Executable, params: Any = None) -> ScalarResult[Any]: ...

    def get_bind(self) -> Engine | Connection: ...

    async def commit(self) -> None:
        """Commit what ran, if anything did, and give the connection back."""

    async def rollback(self) -> None:
        """Roll back what ran, if anything did, and give the connection back."""


Sessions = Callable[[], SqlSession]


class InlineSession:
    """A synchronous ``Connection`` behind awaitable methods, held (as a ``Session`` holds one)
    from the first statement to the end of the transaction."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._connection: Connection | None = None

    async def execute(self, statement: Executable, params: Any = None) -> Result[Any]:
        return self._open().execute(statement, params)

    async def scalar(self, statement: Executable, params: Any = None) -> Any:
        return self._open().scalar(statement, params)

    async def scalars(self, statement: Executable, params: Any = None) -> ScalarResult[Any]:
        return self._open().scalars(statement, params)

    def get_bind(self) -> Engine | Connection:
        return self._engine

    async def commit(self) -> None:
        self._end(Connection.commit)

    async def rollback(self) -> None:
        self._end(Connection.rollback)

    def _end(self, ending: Callable[[Connection], None]) -> None:
        """End what ran, if anything did, and give the connection back whatever happens."""
        connection, self._connection = self._connection, None
        if connection is not None:
            with connection:
                ending(connection)

    def _open(self) -> Connection:
        if self._connection is None:
            self._connection = self._engine.connect()
        return self._connection


class AwaitedSession:
    """An ``AsyncConnection`` behind the same methods, held from the first statement to the end
    of the transaction (an ``AsyncSession`` adds nothing these Core statements need)."""

    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._connection: AsyncConnection | None = None

    async def execute(self, statement: Executable, params: Any = None) -> Result[Any]:
        return await (await self._open()).execute(statement, params)

    async def scalar(self, statement: Executable, params: Any = None) -> Any:
        return await (await self._open()).scalar(statement, params)

    async def scalars(self, statement: Executable, params: Any = None) -> ScalarResult[Any]:
        return await (await self._open()).scalars(statement, params)

    def get_bind(self) -> Engine | Connection:
        return self._engine.sync_engine

    async def commit(self) -> None:
        await self._end(AsyncConnection.commit)

    async def rollback(self) -> None:
        await self._end(AsyncConnection.rollback)

    async def _end(self, ending: Callable[[AsyncConnection], Awaitable[None]]) -> None:
        """End what ran, if anything did, and give the connection back whatever happens."""
        connection, self._connection = self._connection, None
        if connection is not None:
            try:
                await ending(connection)
            finally:
                await connection.close()  # not ``async with``: it would start it anew

    async def _open(self) -> AsyncConnection:
        if self._connection is None:
            self._connection = await self._engine.connect()
        return self._connection


def inline_sessions(engine: Engine) -> Sessions:
    return lambda: InlineSession(engine)


def async_sessions(engine: AsyncEngine) -> Sessions:
    return lambda: AwaitedSession(engine)
