"""A member of several organizations sees where they are and switches; the core refuses a
switch to where they are no active member, however the button was made."""

import attrs
import pytest

from tests.integration.telegram.test_org_isolation import SCHOOL_A, SCHOOL_B, district
from tests.unit.builders import user
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.callbacks import OrgCb
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.domain.ids import FIRST_ORG, OrgId, UserId
from zavhoz.domain.organizations import Membership
from zavhoz.domain.users import Role, UserState

TWO_HATS = 888


def member(db: MemoryDatabase, org: OrgId, role: Role, state: UserState = UserState.ACTIVE) -> None:
    pid = UserId(TWO_HATS)
    db.memberships[pid, org] = Membership(person=pid, organization=org, role=role, state=state)


@pytest.fixture
def person(db: MemoryDatabase, world: World) -> Person:
    """Staff in school A (acting there now) and the executor of school B."""
    district(db)
    pid = UserId(TWO_HATS)
    db.users[pid] = attrs.evolve(user(TWO_HATS, name="Вера"), organization=SCHOOL_A)
    member(db, SCHOOL_A, Role.STAFF)
    member(db, SCHOOL_B, Role.EXECUTOR)
    return world.person(TWO_HATS, "Вера")


async def test_start_says_where_one_is_and_offers_to_switch(person: Person) -> None:
    await person.send("/start")

    assert person.last.text == "🏫 Вы сейчас в организации «Школа А» (сотрудник)."
    assert person.buttons() == ["🏫 Школа А · сменить"]
    assert "🛠 Очередь" not in person.menu()


async def test_switching_takes_the_role_there_and_its_menu(
    person: Person, db: MemoryDatabase
) -> None:
    await person.send("/start")

    await person.press("сменить")
    assert person.last.text.startswith("🏫 Выберите организацию.")
    assert person.buttons() == ["✅ Школа А · сотрудник", "Школа Б · исполнитель"]
    await person.press("Школа Б")

    assert "🏫 Теперь вы в организации «Школа Б» (исполнитель)." in person.texts
    assert "🛠 Очередь" in person.menu()
    assert db.users[UserId(TWO_HATS)].organization == SCHOOL_B
    await person.send("/start")
    assert person.last.text == "🏫 Вы сейчас в организации «Школа Б» (исполнитель)."


async def test_one_organization_shows_no_switch(world: World, db: MemoryDatabase) -> None:
    district(db)
    alone = world.person(301, "user301")

    await alone.send("/start")

    assert alone.last.text.startswith("Здравствуйте, user301!")
    assert not any("сменить" in button for button in alone.buttons())


@pytest.mark.parametrize(
    ("org", "state"),
    [(SCHOOL_B, UserState.PENDING), (SCHOOL_B, UserState.BLOCKED), (FIRST_ORG, None)],
)
async def test_a_forged_switch_where_one_is_no_active_member_is_refused(
    person: Person, db: MemoryDatabase, org: OrgId, state: UserState | None
) -> None:
    if state is not None:
        member(db, org, Role.EXECUTOR, state)
    before = dict(db.memberships)

    alert = await person.press_data(OrgCb(action="to", id=org).pack())

    assert alert == "Вы не состоите в этой организации."
    assert db.users[UserId(TWO_HATS)].organization == SCHOOL_A
    assert db.memberships == before


async def test_the_list_shows_only_active_memberships(person: Person, db: MemoryDatabase) -> None:
    member(db, FIRST_ORG, Role.ADMIN, UserState.PENDING)
    await person.send("/start")

    await person.press("сменить")

    assert person.buttons() == ["✅ Школа А · сотрудник", "Школа Б · исполнитель"]


async def test_choosing_the_current_one_changes_nothing(person: Person, db: MemoryDatabase) -> None:
    alert = await person.press_data(OrgCb(action="to", id=SCHOOL_A).pack())

    assert alert == "Вы уже в этой организации."
    assert db.users[UserId(TWO_HATS)].organization == SCHOOL_A


async def test_the_switch_speaks_english(person: Person, db: MemoryDatabase, world: World) -> None:
    english = world.person(TWO_HATS, "Вера", language="en")

    await english.send("/start")
    await english.press("switch")
    await english.press("Школа Б")

    assert "🏫 You are now in «Школа Б» (technician)." in english.texts
