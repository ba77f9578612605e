from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncEngine

from zavhoz.adapters.persistence.cache import (
    CachedMemberships,
    CachedOrganizations,
    CachedQueries,
    CachedRequests,
    CachedRooms,
    CachedUsers,
    Changes,
    Memo,
)
from zavhoz.adapters.persistence.sqlalchemy.deliveries import SqlDeliveryQueue
from zavhoz.adapters.persistence.sqlalchemy.engine import reading, units_engine
from zavhoz.adapters.persistence.sqlalchemy.queries import SqlRequestQueries
from zavhoz.adapters.persistence.sqlalchemy.repositories import (
    SqlHistoryRepository,
    SqlInviteRepository,
    SqlMembershipRepository,
    SqlOrganizationRepository,
    SqlOutbox,
    SqlRequestRepository,
    SqlRoomRepository,
    SqlUserRepository,
)
from zavhoz.adapters.persistence.sqlalchemy.sessions import (
    Sessions,
    async_sessions,
    inline_sessions,
)
from zavhoz.application.ports import UnitOfWork, UnitOfWorkFactory


class SqlUnitOfWork(UnitOfWork):
    """One transaction per ``async with``; rolled back unless committed.

    Its session takes a connection only when a statement is run: a unit of work that finds
    everything in ``memo`` costs no statement at all.
    """

    def __init__(self, sessions: Sessions, memo: Memo) -> None:
        self._sessions, self._memo = sessions, memo

    async def __aenter__(self) -> Self:
        self._session, self._changes = self._sessions(), Changes()
        session, memo, changes = self._session, self._memo, self._changes
        self.organizations = CachedOrganizations(SqlOrganizationRepository(session), memo, changes)
        self.memberships = CachedMemberships(SqlMembershipRepository(session), memo, changes)
        self.invites = SqlInviteRepository(session)
        self.users = CachedUsers(SqlUserRepository(session), memo, changes, self.memberships)
        self.requests = CachedRequests(SqlRequestRepository(session), changes)
        self.history = SqlHistoryRepository(session)
        self.rooms = CachedRooms(SqlRoomRepository(session), memo, changes)
        self.outbox = SqlOutbox(session)
        self.deliveries = SqlDeliveryQueue(session)
        self.queries = CachedQueries(SqlRequestQueries(session), memo, changes)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        await self._session.rollback()

    async def commit(self) -> None:
        await self._session.commit()
        self._changes.committed(self._memo)


def sql_uow_factory(engine: AsyncEngine, memo: Memo | None = None) -> UnitOfWorkFactory:
    """Units of work on ``engine``; read-only ones run in autocommit (see ``engine.reading``)."""
    writing, queries = _sessions(engine)
    kept = memo or Memo()

    def unit_of_work(*, read_only: bool = False) -> UnitOfWork:
        return SqlUnitOfWork(queries if read_only else writing, kept)

    return unit_of_work


def _sessions(engine: AsyncEngine) -> tuple[Sessions, Sessions]:
    """Sessions that write, and sessions that only read; synchronous ones on an inline SQLite."""
    twin = units_engine(engine)
    if twin is not None:
        return inline_sessions(twin), inline_sessions(reading(twin))
    return async_sessions(engine), async_sessions(reading(engine))
