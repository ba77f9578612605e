"""In-memory persistence: real repositories, unit of work and outbox over plain dicts.

Ship-quality fakes for tests and for developers trying a use case in isolation::

    db = MemoryDatabase()
    take = TakeRequest(memory_uow_factory(db), FakeClock(), WorkflowSettings())
"""

from zavhoz.adapters.persistence.memory.database import MemoryDatabase
from zavhoz.adapters.persistence.memory.unit_of_work import MemoryUnitOfWork, memory_uow_factory

__all__ = ["MemoryDatabase", "MemoryUnitOfWork", "memory_uow_factory"]
