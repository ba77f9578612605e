"""SCALE.md's statement budgets, counted through the production dispatcher on a SQLite file.

One admin, one executor and one staff member, as a school has. The first round registers everyone
and fills the caches; the second round is counted, as a running bot would serve it.
"""

from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path

import attrs
import pytest
import pytest_asyncio
from dependency_injector import providers

from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.sqlalchemy.counting import StatementCounter
from zavhoz.adapters.persistence.sqlalchemy.migrations import upgrade_engine
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.middlewares.throttling import ThrottlingMiddleware
from zavhoz.adapters.telegram.testing import Person, RecordingSession, World
from zavhoz.application.use_cases.register_user import RegisterUserCommand
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role
from zavhoz.main.container import Container, build_container
from zavhoz.main.settings import Settings

STAFF_ID, EXECUTOR_ID, ADMIN_ID = 101, 201, 9001
WIZARD_OR_MENU, PAGE_OR_CARD, CHANGE = 0, 3, 8


@attrs.frozen
class School:
    staff: Person
    executor: Person
    admin: Person


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


def production_container(folder: Path) -> Container:
    """As `zavhoz run` builds it, with recorded replies, virtual pacing and no throttling."""
    settings = Settings(
        bot_token="42:TEST",  # type: ignore[arg-type]
        database_url=f"sqlite+aiosqlite:///{folder / 'zavhoz.db'}",
        admin_ids=str(ADMIN_ID),  # type: ignore[arg-type]
    )
    container = build_container(settings)
    clock = FakeClock()

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    container.clock.override(providers.Object(clock))
    container.sleep.override(providers.Object(sleep))
    container.session.override(providers.Object(RecordingSession()))
    container.dispatcher.add_kwargs(throttling=ThrottlingMiddleware(rate=1e9, burst=10**9))
    return container


async def executor_registered(container: Container, user_id: int) -> None:
    command = RegisterUserCommand(user_id=UserId(user_id), name="Иван")
    await container.services().register_user(command)
    async with container.uow_factory()() as uow:
        user = await uow.users.get(UserId(user_id))
        assert user is not None
        user.role = Role.EXECUTOR
        await uow.users.save(user)
        await uow.commit()


async def school_of(container: Container) -> School:
    await upgrade_engine(container.engine())
    await container.bootstrap_admins()()
    await executor_registered(container, EXECUTOR_ID)
    session = container.session()
    assert isinstance(session, RecordingSession)
    world = World(container.dispatcher(), container.bot(), session)
    return School(
        world.person(STAFF_ID, "Анна"), world.person(EXECUTOR_ID, "Иван"), world.person(ADMIN_ID)
    )


async def counted_rounds(container: Container, rounds: int) -> dict[str, list[str]]:
    """The statements of each kind of update in the last of ``rounds`` rounds."""
    school = await school_of(container)
    for person in (school.admin, school.executor, school.staff):
        await person.send("/start")
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
    container = production_container(tmp_path_factory.mktemp("budget"))
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
