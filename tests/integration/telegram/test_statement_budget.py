"""SCALE.md's statement budgets, counted through the production dispatcher on a SQLite file.

One admin, one executor and one staff member, as a school has. The first round registers everyone
and fills the caches; the second round is counted, as a running bot would serve it.
"""

from collections.abc import AsyncIterator, Awaitable, Callable

import pytest
import pytest_asyncio

from zavhoz.adapters.persistence.sqlalchemy.counting import StatementCounter
from zavhoz.adapters.persistence.sqlalchemy.migrations import upgrade_engine
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.main.container import Container
from zavhoz.main.testing import School, recorded_container, school_of

WIZARD_OR_MENU, PAGE_OR_CARD, CHANGE = 0, 3, 8


Action = Callable[[School, int], Awaitable[object]]

STEPS: list[tuple[str, Action, int]] = [
    ("new", lambda s, n: s.staff.send("📝 Новая заявка"), WIZARD_OR_MENU),
    ("room", lambda s, n: s.staff.send(f"Каб. {300 + n}"), WIZARD_OR_MENU),
    ("category", lambda s, n: s.staff.press("Сантехника"), WIZARD_OR_MENU),
    ("description", lambda s, n: s.staff.send("Течёт кран в туалете"), WIZARD_OR_MENU),
    ("priority", lambda s, n: s.staff.press("Обычный"), WIZARD_OR_MENU),
    ("skip", lambda s, n: s.staff.press("Пропустить"), WIZARD_OR_MENU),
    ("submit", lambda s, n: s.staff.press("Отправить"), CHANGE),
    ("my list", lambda s, n: s.staff.send("📋 Мои заявки"), PAGE_OR_CARD),
    (
        "open card",
        lambda s, n: s.executor.press_data(CardCb(id=n, action="open", v=1).pack()),
        PAGE_OR_CARD,
    ),
    ("take", lambda s, n: s.executor.press("Взять"), CHANGE),
    ("complete button", lambda s, n: s.executor.press("Выполнено"), PAGE_OR_CARD),
    ("report text", lambda s, n: s.executor.send("Заменили прокладку"), WIZARD_OR_MENU),
    ("done", lambda s, n: s.executor.press("Готово"), CHANGE),
    ("/start", lambda s, n: s.staff.send("/start"), WIZARD_OR_MENU),
    ("/my", lambda s, n: s.staff.send("/my"), PAGE_OR_CARD),
    ("/queue", lambda s, n: s.admin.send("/queue"), PAGE_OR_CARD),
]
"""(kind, what a person does, statements allowed); ``n`` is the round, also the request's id."""


async def counted_rounds(container: Container, rounds: int) -> dict[str, list[str]]:
    """The statements of each kind of update in the last of ``rounds`` rounds."""
    await upgrade_engine(container.engine())
    school = await school_of(container)
    counter = StatementCounter.attach(container.engine())
    counted: dict[str, list[str]] = {}
    for number in range(1, rounds + 1):
        for kind, action, _ in STEPS:
            counter.reset()
            await action(school, number)
            counted[kind] = list(counter.statements)
    counter.detach()
    return counted


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def counted(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[dict[str, list[str]]]:
    folder = tmp_path_factory.mktemp("budget")
    container = recorded_container(f"sqlite+aiosqlite:///{folder / 'zavhoz.db'}")
    yield await counted_rounds(container, rounds=2)
    await container.engine().dispose()


@pytest.mark.parametrize(("kind", "budget"), [(kind, budget) for kind, _, budget in STEPS])
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
