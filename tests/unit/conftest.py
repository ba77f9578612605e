from collections.abc import Callable

import pytest

from tests.unit.builders import MONDAY_NOON_MSK, user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role, User

STAFF, STAFF2, EXECUTOR, EXECUTOR2, ADMIN, ADMIN2 = 101, 102, 201, 202, 301, 302


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(MONDAY_NOON_MSK)


@pytest.fixture
def db() -> MemoryDatabase:
    people = [
        user(STAFF),
        user(STAFF2),
        user(EXECUTOR, Role.EXECUTOR),
        user(EXECUTOR2, Role.EXECUTOR),
        user(ADMIN, Role.ADMIN),
        user(ADMIN2, Role.ADMIN),
    ]
    return MemoryDatabase(users={p.id: p for p in people})


@pytest.fixture
def settings() -> WorkflowSettings:
    return WorkflowSettings(admin_ids=frozenset({UserId(ADMIN), UserId(ADMIN2)}))


@pytest.fixture
def uow_factory(db: MemoryDatabase) -> UnitOfWorkFactory:
    return memory_uow_factory(db)


ServiceBuilder = Callable[[type[Service]], Service]


@pytest.fixture
def build(
    uow_factory: UnitOfWorkFactory, clock: FakeClock, settings: WorkflowSettings
) -> Callable[..., object]:
    """``build(TakeRequest)`` gives the use case wired to the in-memory adapters and fake clock."""
    return lambda service, **overrides: service(
        uow_factory, clock, overrides.get("settings", settings)
    )


def stored_user(db: MemoryDatabase, user_id: int) -> User:
    return db.users[UserId(user_id)]
