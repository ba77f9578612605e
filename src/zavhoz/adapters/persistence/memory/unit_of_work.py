from types import TracebackType
from typing import Self

from zavhoz.adapters.persistence.memory.database import MemoryDatabase
from zavhoz.adapters.persistence.memory.deliveries import MemoryDeliveryQueue
from zavhoz.adapters.persistence.memory.queries import MemoryRequestQueries
from zavhoz.adapters.persistence.memory.repositories import (
    MemoryHistoryRepository,
    MemoryInviteRepository,
    MemoryMembershipRepository,
    MemoryOrganizationRepository,
    MemoryOutbox,
    MemoryRequestRepository,
    MemoryRoomRepository,
    MemoryUserRepository,
)
from zavhoz.adapters.persistence.memory.stage import Stage
from zavhoz.application.ports import UnitOfWork, UnitOfWorkFactory


class MemoryUnitOfWork(UnitOfWork):
    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db
        self.queries = MemoryRequestQueries(db)
        self._begin()

    async def __aenter__(self) -> Self:
        self._begin()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._begin()

    async def commit(self) -> None:
        self._stage.apply(self._db)
        self._begin()

    def _begin(self) -> None:
        self._stage = Stage()
        self.organizations = MemoryOrganizationRepository(self._db, self._stage)
        self.memberships = MemoryMembershipRepository(self._db, self._stage)
        self.invites = MemoryInviteRepository(self._db, self._stage)
        self.users = MemoryUserRepository(self._db, self._stage)
        self.requests = MemoryRequestRepository(self._db, self._stage)
        self.history = MemoryHistoryRepository(self._db, self._stage)
        self.rooms = MemoryRoomRepository(self._db, self._stage)
        self.outbox = MemoryOutbox(self._db, self._stage)
        self.deliveries = MemoryDeliveryQueue(self._db, self._stage)


def memory_uow_factory(db: MemoryDatabase) -> UnitOfWorkFactory:
    """Read-only or not, a unit of work on ``db`` (memory has no write lock to spare)."""
    return lambda *, read_only=False: MemoryUnitOfWork(db)
