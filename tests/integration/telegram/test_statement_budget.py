"""SCALE.md's statement budgets, counted through the production dispatcher on a SQLite file.

One admin, one executor and one staff member, as a school has. The first round registers everyone
and fills the caches; the second round is counted, as a running bot would serve it.
"""

from collections.abc import AsyncIterator

import pytest
import pytest_asyncio

from zavhoz.adapters.persistence.sqlalchemy.counting import StatementCounter
from zavhoz.adapters.persistence.sqlalchemy.migrations import upgrade_engine
from zavhoz.main.container import Container
from zavhoz.main.testing import (
    PAGE_OR_CARD,
    ROUND,
    WIZARD_OR_MENU,
    Step,
    recorded_container,
    school_of,
)

STEPS = (
    *ROUND,
    Step("/start", lambda s, n: s.staff.send("/start"), WIZARD_OR_MENU),
    Step("/my", lambda s, n: s.staff.send("/my"), PAGE_OR_CARD),
    Step("/queue", lambda s, n: s.admin.send("/queue"), PAGE_OR_CARD),
)


async def counted_rounds(container: Container, rounds: int) -> dict[str, list[str]]:
    """The statements of each kind of update in the last of ``rounds`` rounds."""
    await upgrade_engine(container.engine())
    school = await school_of(container)
    counter = StatementCounter.attach(container.engine())
    counted: dict[str, list[str]] = {}
    for number in range(1, rounds + 1):
        for step in STEPS:
            counter.reset()
            await step.act(school, number)
            counted[step.kind] = list(counter.statements)
    counter.detach()
    return counted


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def counted(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, list[str]]]:
    folder = tmp_path_factory.mktemp("budget")
    container = recorded_container(f"sqlite+aiosqlite:///{folder / 'zavhoz.db'}")
    yield await counted_rounds(container, rounds=2)
    await container.engine().dispose()


@pytest.mark.parametrize(("kind", "budget"), [(step.kind, step.budget) for step in STEPS])
def test_each_kind_of_update_stays_within_its_statement_budget(
    counted: dict[str, list[str]], kind: str, budget: int
) -> None:
    statements = counted[kind]
    listing = "\n".join(f"  {n}. {line}" for n, line in enumerate(statements, 1))
    assert len(statements) <= budget, (
        f"{kind!r} ran {len(statements)} statements, budget {budget}:\n{listing}"
    )


def test_the_counted_round_really_ran_the_workflow(counted: dict[str, list[str]]) -> None:
    """A step that silently did nothing would pass its budget: the writes must be there."""
    for kind in ("submit", "take", "done"):
        assert any(line.startswith(("INSERT", "UPDATE")) for line in counted[kind]), kind
