"""The bot as `zavhoz run` builds it, for benchmarks and tests: replies recorded, waits on a virtual
clock, throttling lifted, a school of one admin, one executor and one staff member, and the round
of updates they send, each with SCALE.md's statement budget."""

from collections.abc import Awaitable, Callable

import attrs
from dependency_injector import providers

from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.testing import Person, RecordingSession, World
from zavhoz.application.use_cases.register_user import RegisterUserCommand
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role
from zavhoz.main.container import Container, build_container
from zavhoz.main.settings import Settings

STAFF_ID, EXECUTOR_ID, ADMIN_ID = 101, 201, 9001


def recorded_container(database_url: str) -> Container:
    """Production's container; only the Bot API, the clock, the waits and the limiter differ."""
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        bot_token="42:TEST",  # type: ignore[arg-type]
        database_url=database_url,
        admin_ids=str(ADMIN_ID),  # type: ignore[arg-type]
        redis_url=None,
    )
    container = build_container(settings)
    clock = FakeClock()

    async def sleep(seconds: float) -> None:
        clock.advance(seconds=seconds)

    container.clock.override(providers.Object(clock))
    container.sleep.override(providers.Object(sleep))
    container.session.override(providers.Object(RecordingSession()))
    container.dispatcher.add_kwargs(throttling=Throttle(rate=1e9, burst=10**9))
    return container


@attrs.frozen
class School:
    staff: Person
    executor: Person
    admin: Person
    session: RecordingSession


async def school_of(container: Container) -> School:
    """The admin from ``ZAVHOZ_ADMIN_IDS``, an executor an admin promoted, a staff member; all
    past ``/start``. The database must be at the current schema."""
    await container.bootstrap_admins()()
    await _executor(container, UserId(EXECUTOR_ID))
    session = container.session()
    assert isinstance(session, RecordingSession)
    world = World(container.dispatcher(), container.bot(), session)
    people = (world.person(STAFF_ID, "Анна"), world.person(EXECUTOR_ID, "Иван"))
    school = School(*people, world.person(ADMIN_ID, "Ольга"), session)
    for person in (school.admin, school.executor, school.staff):
        await person.send("/start")
    return school


async def _executor(container: Container, user_id: UserId) -> None:
    await container.services().register_user(RegisterUserCommand(user_id=user_id, name="Иван"))
    async with container.uow_factory()() as uow:
        executor = await uow.users.get(user_id)
        assert executor is not None
        executor.role = Role.EXECUTOR
        await uow.users.save(executor)
        await uow.commit()


WIZARD_OR_MENU, PAGE_OR_CARD, CHANGE = 0, 3, 8
"""SCALE.md's statements per update: a step that changes nothing stored, a page or a card, and a
submit, take, complete or any card action."""

Action = Callable[[School, int], Awaitable[object]]


@attrs.frozen
class Step:
    kind: str
    act: Action
    budget: int


ROUND = (
    Step("new", lambda s, n: s.staff.send("📝 Новая заявка"), WIZARD_OR_MENU),
    Step("room", lambda s, n: s.staff.send(f"Каб. {300 + n % 50}"), WIZARD_OR_MENU),
    Step("category", lambda s, n: s.staff.press("Сантехника"), WIZARD_OR_MENU),
    Step("description", lambda s, n: s.staff.send("Течёт кран в туалете"), WIZARD_OR_MENU),
    Step("priority", lambda s, n: s.staff.press("Обычный"), WIZARD_OR_MENU),
    Step("skip", lambda s, n: s.staff.press("Пропустить"), WIZARD_OR_MENU),
    Step("submit", lambda s, n: s.staff.press("Отправить"), CHANGE),
    Step("my list", lambda s, n: s.staff.send("📋 Мои заявки"), PAGE_OR_CARD),
    Step("open card", lambda s, n: s.executor.press_data(_card(n)), PAGE_OR_CARD),
    Step("take", lambda s, n: s.executor.press("Взять"), CHANGE),
    Step("complete button", lambda s, n: s.executor.press("Выполнено"), PAGE_OR_CARD),
    Step("report text", lambda s, n: s.executor.send("Заменили прокладку"), WIZARD_OR_MENU),
    Step("done", lambda s, n: s.executor.press("Готово"), CHANGE),
)
"""A request's life in 13 updates: filed through the wizard, listed, taken and completed. ``n`` is
the round, and the number of the request it files (on a database the school started empty)."""


def _card(number: int) -> str:
    return CardCb(id=number, action="open", v=1).pack()
