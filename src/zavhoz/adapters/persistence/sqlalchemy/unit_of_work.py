from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from zavhoz.adapters.persistence.sqlalchemy.deliveries import SqlDeliveryQueue
from zavhoz.adapters.persistence.sqlalchemy.queries import SqlRequestQueries
from zavhoz.adapters.persistence.sqlalchemy.repositories import (
    SqlHistoryRepository,
    SqlOutbox,
    SqlRequestRepository,
    SqlRoomRepository,
    SqlUserRepository,
)
from zavhoz.application.ports import UnitOfWork, UnitOfWorkFactory


class SqlUnitOfWork(UnitOfWork):
    """One session and one transaction per ``async with``; rolled back unless committed."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        self.users = SqlUserRepository(self._session)
        self.requests = SqlRequestRepository(self._session)
        self.history = SqlHistoryRepository(self._session)
        self.rooms = SqlRoomRepository(self._session)
        self.outbox = SqlOutbox(self._session)
        self.deliveries = SqlDeliveryQueue(self._session)
        self.queries = SqlRequestQueries(self._session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._session.rollback()
        await self._session.close()

    async def commit(self) -> None:
        await self._session.commit()


def sql_uow_factory(engine: AsyncEngine) -> UnitOfWorkFactory:
    sessions = async_sessionmaker(engine, expire_on_commit=False)
    return lambda: SqlUnitOfWork(sessions)
