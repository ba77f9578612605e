"""An invite link ``/start join_<token>``: the person joins the school, waits for its admin, or
is told why the link lets nobody in; what the bot says matches what is stored."""

from datetime import timedelta
from typing import Any

import pytest

from tests.integration.telegram.test_org_isolation import SCHOOL_A, SCHOOL_B, district
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.telegram.services import Services, build_services
from zavhoz.adapters.telegram.testing import World
from zavhoz.application.settings import RegistrationMode, WorkflowSettings
from zavhoz.domain.ids import FIRST_ORG, OrgId, UserId
from zavhoz.domain.organizations import Invite, Membership
from zavhoz.domain.users import Role, UserState
from zavhoz.main.settings import EnvironmentOrgSettings, Settings

NEWCOMER = 777
TOKEN = "Invite-to-school_A"
STAFF_MENU = ["📝 Новая заявка", "📋 Мои заявки", "ℹ️ Помощь"]


@pytest.fixture
def services(db: MemoryDatabase, clock: FakeClock, workflow: WorkflowSettings) -> Services:
    """Each school's own settings count (school B approves its newcomers)."""
    district(db)
    db.organizations[SCHOOL_B].settings["registration"] = "approval"
    environment = EnvironmentOrgSettings(
        Settings.model_validate({"registration": workflow.registration.value})
    )
    return build_services(memory_uow_factory(db), clock, workflow, environment)


def invite(
    db: MemoryDatabase,
    clock: FakeClock,
    org: OrgId = SCHOOL_A,
    *,
    token: str = TOKEN,
    role: Role = Role.STAFF,
    **fields: Any,
) -> str:
    db.invites[token] = Invite(
        token=token, organization=org, role=role, created_at=clock.now(), **fields
    )
    return token


def membership(db: MemoryDatabase, org: OrgId) -> Membership | None:
    return db.memberships.get((UserId(NEWCOMER), org))


async def test_a_newcomer_joins_the_school_and_gets_its_menu(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    person = world.person(NEWCOMER, "Олег")

    await person.send(f"/start join_{invite(db, clock)}")

    assert "✅ Вы вступили в организацию «Школа А» (сотрудник)." in person.texts
    assert person.menu() == STAFF_MENU
    assert membership(db, SCHOOL_A) == Membership(
        person=UserId(NEWCOMER), organization=SCHOOL_A, role=Role.STAFF
    )
    assert db.users[UserId(NEWCOMER)].organization == SCHOOL_A


async def test_an_executors_invite_gives_the_executors_menu(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    person = world.person(NEWCOMER, "Олег")

    await person.send(f"/start join_{invite(db, clock, role=Role.EXECUTOR)}")

    assert "✅ Вы вступили в организацию «Школа А» (исполнитель)." in person.texts
    assert "🛠 Очередь" in person.menu()
    assert membership(db, SCHOOL_A).role is Role.EXECUTOR  # type: ignore[union-attr]


async def test_a_school_that_approves_newcomers_makes_them_wait(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    person = world.person(NEWCOMER, "Олег")

    await person.send(f"/start join_{invite(db, clock, SCHOOL_B)}")

    assert person.last.text == (
        "📨 Заявка на вступление в организацию «Школа Б» отправлена. "
        "Администратор её рассмотрит, и мы сообщим, когда доступ откроется."
    )
    assert membership(db, SCHOOL_B).state is UserState.PENDING  # type: ignore[union-attr]
    assert db.users[UserId(NEWCOMER)].organization == FIRST_ORG, "not acting there yet"


@pytest.mark.parametrize("registration", [RegistrationMode.APPROVAL])
async def test_someone_awaiting_approval_here_may_still_open_an_invite(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    """Pending at the first organization, the link is not turned away at the door."""
    person = world.person(NEWCOMER, "Олег")

    await person.send(f"/start join_{invite(db, clock, SCHOOL_B)}")

    assert person.last.text.startswith("📨 Заявка на вступление в организацию «Школа Б»")
    assert membership(db, SCHOOL_B).state is UserState.PENDING  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("fields", "said"),
    [
        ({"revoked": True}, "Это приглашение отозвано. Попросите у администратора новую ссылку."),
        (
            {"expires_at": "past"},
            "Срок действия приглашения истёк. Попросите у администратора новую ссылку.",
        ),
    ],
)
async def test_a_revoked_or_expired_link_lets_nobody_in(
    world: World, db: MemoryDatabase, clock: FakeClock, fields: dict[str, Any], said: str
) -> None:
    if fields.get("expires_at") == "past":
        fields = {"expires_at": clock.now() - timedelta(minutes=1)}
    person = world.person(NEWCOMER, "Олег")

    await person.send(f"/start join_{invite(db, clock, **fields)}")

    assert person.last.text == said
    assert membership(db, SCHOOL_A) is None
    assert db.users[UserId(NEWCOMER)].organization == FIRST_ORG


@pytest.mark.parametrize("token", ["Nobody-ever-made-this", "short", "bad*chars&<b>"])
async def test_an_unknown_link_says_so(world: World, db: MemoryDatabase, token: str) -> None:
    person = world.person(NEWCOMER, "Олег")

    await person.send(f"/start join_{token}")

    assert person.last.text == "Приглашение не найдено. Попросите у администратора новую ссылку."
    assert person.menu() == STAFF_MENU, "still registered as before, with the menu"
    assert [org for person, org in db.memberships if person == NEWCOMER] == [FIRST_ORG]


async def test_a_member_opening_the_link_again_is_told_so(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    person = world.person(NEWCOMER, "Олег")
    token = invite(db, clock)
    await person.send(f"/start join_{token}")

    await person.send(f"/start join_{token}")

    assert "Вы уже состоите в организации «Школа А» (сотрудник)." in person.texts
    assert membership(db, SCHOOL_A).state is UserState.ACTIVE  # type: ignore[union-attr]


async def test_someone_blocked_in_the_school_is_not_let_back_in(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    person = world.person(NEWCOMER, "Олег")
    token = invite(db, clock)
    await person.send("/start")
    pid = UserId(NEWCOMER)
    blocked = Membership(
        person=pid, organization=SCHOOL_A, role=Role.STAFF, state=UserState.BLOCKED
    )
    db.memberships[pid, SCHOOL_A] = blocked

    await person.send(f"/start join_{token}")

    assert person.last.text == (
        "Доступ в эту организацию для вас закрыт. Обратитесь к её администратору."
    )
    assert membership(db, SCHOOL_A) == blocked


async def test_the_link_speaks_english_to_an_english_speaker(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    person = world.person(NEWCOMER, "Oleg", language="en")

    await person.send(f"/start join_{invite(db, clock, SCHOOL_B)}")
    await person.send("/start join_Nobody-ever-made-this")

    assert person.texts[-2].startswith("📨 Your request to join «Школа Б» has been sent.")
    assert person.texts[-1] == (
        "This invitation was not found. Ask the administrator for a new link."
    )


async def test_someone_blocked_where_they_are_is_still_turned_away(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    person = world.person(NEWCOMER, "Олег")
    await person.send("/start")
    pid = UserId(NEWCOMER)
    db.users[pid].state = UserState.BLOCKED

    await person.send(f"/start join_{invite(db, clock)}")

    assert person.last.text == "Доступ к боту закрыт. Обратитесь к администратору."
    assert membership(db, SCHOOL_A) is None


@pytest.mark.parametrize("registration", [RegistrationMode.APPROVAL])
async def test_someone_awaiting_approval_here_joins_an_open_school_and_works_there(
    world: World, db: MemoryDatabase, clock: FakeClock
) -> None:
    db.organizations[SCHOOL_A].settings["registration"] = "open"
    person = world.person(NEWCOMER, "Олег")

    await person.send(f"/start join_{invite(db, clock)}")
    await person.send("📋 Мои заявки")

    assert "✅ Вы вступили в организацию «Школа А» (сотрудник)." in person.texts
    assert person.last.text.startswith("У вас пока нет заявок.")
    assert db.users[UserId(NEWCOMER)].organization == SCHOOL_A
    assert membership(db, FIRST_ORG).state is UserState.PENDING  # type: ignore[union-attr]
