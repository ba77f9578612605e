"""A room's QR code names its organization: a member reports there (switching to it first), a
stranger is offered to join it; the code printed before organizations still opens its room."""

import attrs
import pytest

from tests.integration.telegram.test_org_isolation import (
    EXEC_A,
    SCHOOL_A,
    SCHOOL_B,
    STAFF_A,
    district,
)
from tests.unit.builders import user
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.reports.qr import room_link, start_parameter
from zavhoz.adapters.telegram.callbacks import WizardCb
from zavhoz.adapters.telegram.room_links import RoomLink, parse_room_link
from zavhoz.adapters.telegram.services import Services, build_services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.ids import FIRST_ORG, OrgId, RoomCode, UserId
from zavhoz.domain.organizations import Membership
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, UserState
from zavhoz.main.settings import EnvironmentOrgSettings, Settings

GYM_B = attrs.evolve(Room.create("gym_2-b", "Спортзал"), organization=SCHOOL_B)
OFFER = (
    "🏫 «Спортзал» — помещение организации «Школа Б», а вы в ней не состоите. "
    "Вступите, чтобы сообщить о проблеме."
)
PLACE = "📍 Место: Спортзал"


@pytest.fixture
def services(db: MemoryDatabase, clock: FakeClock, workflow: WorkflowSettings) -> Services:
    district(db)
    db.rooms[SCHOOL_B, GYM_B.code] = GYM_B
    environment = EnvironmentOrgSettings(Settings.model_validate({}))
    return build_services(memory_uow_factory(db), clock, workflow, environment)


@pytest.fixture
def stranger(world: World) -> Person:
    """Staff of school A, nothing in school B."""
    return world.person(STAFF_A, f"user{STAFF_A}")


def link_of(room: Room) -> str:
    return f"/start {start_parameter(room)}"


def member(db: MemoryDatabase, person: int, org: OrgId, state: UserState) -> Membership:
    pid = UserId(person)
    found = Membership(person=pid, organization=org, role=Role.STAFF, state=state)
    db.memberships[pid, org] = found
    return found


# --- the link's format -------------------------------------------------------------------------


def test_a_schools_link_names_it_by_id_and_the_first_ones_stays_as_printed() -> None:
    first = Room.create("gym", "Спортзал")

    assert room_link("@zavhoz_bot", GYM_B) == "https://t.me/zavhoz_bot?start=r_3_gym_2-b"
    assert room_link("zavhoz_bot", first) == "https://t.me/zavhoz_bot?start=room_gym"


@pytest.mark.parametrize(
    "room",
    [
        GYM_B,
        Room.create("r_12_x", "Каб. 1"),
        attrs.evolve(Room.create("z" * 32, "Каб. 2"), organization=OrgId(10**12 - 1)),
    ],
)
def test_every_link_reads_back_to_its_room_within_telegrams_limit(room: Room) -> None:
    parameter = start_parameter(room)

    assert parse_room_link(parameter) == RoomLink(room.code, room.organization)
    assert len(parameter) <= 64


# --- who scans it ------------------------------------------------------------------------------


async def test_a_member_reports_there(world: World, db: MemoryDatabase) -> None:
    pupil = world.person(303, "user303")  # school B's staff

    await pupil.send(link_of(GYM_B))

    assert pupil.last.text.startswith(PLACE)
    assert db.users[UserId(303)].organization == SCHOOL_B


async def test_a_member_of_both_is_moved_to_the_rooms_school(
    stranger: Person, db: MemoryDatabase
) -> None:
    member(db, STAFF_A, SCHOOL_B, UserState.ACTIVE)

    await stranger.send(link_of(GYM_B))

    assert "🏫 Теперь вы в организации «Школа Б» (сотрудник)." in stranger.texts
    assert stranger.last.text.startswith(PLACE)
    assert db.users[UserId(STAFF_A)].organization == SCHOOL_B


async def test_a_stranger_is_offered_to_join_and_then_reports_there(
    stranger: Person, db: MemoryDatabase
) -> None:
    await stranger.send(link_of(GYM_B))
    assert stranger.last.text == OFFER
    assert stranger.buttons() == ["➕ Вступить в «Школа Б»"]
    assert (UserId(STAFF_A), SCHOOL_B) not in db.memberships

    await stranger.press("Вступить")

    assert "✅ Вы вступили в организацию «Школа Б» (сотрудник)." in stranger.texts
    assert stranger.last.text.startswith(PLACE)
    assert db.memberships[UserId(STAFF_A), SCHOOL_B].state is UserState.ACTIVE
    assert db.users[UserId(STAFF_A)].organization == SCHOOL_B


async def test_the_request_filed_from_the_joined_room_belongs_to_its_school(
    stranger: Person, db: MemoryDatabase
) -> None:
    await stranger.send(link_of(GYM_B))
    await stranger.press("Вступить")

    await stranger.press("Сантехника")
    await stranger.send("Течёт кран в раздевалке спортзала")
    await stranger.press("Обычный")
    await stranger.press("Пропустить")
    await stranger.press("Отправить")

    [filed] = db.requests.values()
    assert (filed.organization, filed.number, filed.room_code) == (SCHOOL_B, 1, GYM_B.code)
    assert filed.location == "Спортзал"


async def test_where_the_school_approves_newcomers_the_stranger_waits(
    stranger: Person, db: MemoryDatabase
) -> None:
    db.organizations[SCHOOL_B].settings["registration"] = "approval"
    await stranger.send(link_of(GYM_B))

    await stranger.press("Вступить")

    assert stranger.last.text.startswith("📨 Заявка на вступление в организацию «Школа Б»")
    assert db.memberships[UserId(STAFF_A), SCHOOL_B].state is UserState.PENDING
    assert db.users[UserId(STAFF_A)].organization == SCHOOL_A


async def test_someone_blocked_there_is_not_let_back_in(
    stranger: Person, db: MemoryDatabase
) -> None:
    blocked = member(db, STAFF_A, SCHOOL_B, UserState.BLOCKED)

    alert = await stranger.press_data(WizardCb(step="join", value=f"r_{SCHOOL_B}_gym_2-b").pack())

    assert alert == "Доступ закрыт."
    assert db.memberships[UserId(STAFF_A), SCHOOL_B] == blocked
    assert db.users[UserId(STAFF_A)].organization == SCHOOL_A


@pytest.mark.parametrize("parameter", [f"r_{SCHOOL_B}_nope", "r_999_gym_2-b"])
async def test_a_link_to_no_room_offers_nothing_and_joins_nothing(
    stranger: Person, db: MemoryDatabase, parameter: str
) -> None:
    before = dict(db.memberships)

    await stranger.send(f"/start {parameter}")
    alert = await stranger.press_data(WizardCb(step="join", value=parameter).pack())

    assert "Не нашёл помещение по этому QR-коду. Укажите место сами." in stranger.texts
    assert all("Школа Б" not in text for text in stranger.texts)
    assert alert == "Такого помещения нет в списке."
    assert db.memberships == before


async def test_the_code_printed_before_organizations_opens_the_first_ones_room(
    world: World, db: MemoryDatabase
) -> None:
    db.rooms[FIRST_ORG, RoomCode("hall")] = Room.create("hall", "Актовый зал")
    db.users[UserId(500)] = user(500, name="Гость")
    guest = world.person(500, "Гость")

    await guest.send("/start room_hall")

    assert guest.last.text.startswith("📍 Место: Актовый зал")


async def test_the_first_ones_code_offers_a_school_member_to_join_the_district(
    world: World, db: MemoryDatabase
) -> None:
    db.rooms[FIRST_ORG, RoomCode("hall")] = Room.create("hall", "Актовый зал")
    executor = world.person(EXEC_A, f"user{EXEC_A}")

    await executor.send("/start room_hall")

    assert executor.last.text.startswith("🏫 «Актовый зал» — помещение организации «Район»")
    assert db.users[UserId(EXEC_A)].organization == SCHOOL_A
