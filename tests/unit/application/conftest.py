from typing import Any

import pytest

from tests.unit.application.support import Desk
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.application.settings import WorkflowSettings


@pytest.fixture
def desk(build: Any, db: MemoryDatabase, clock: FakeClock, settings: WorkflowSettings) -> Desk:
    return Desk(build, db, clock, settings)
