"""Two schools under a district, one bot: a school's people never reach the other school.

Whatever they press or type — a forged button with the other school's request id, its number
in the search, a room's QR code of the other school — the request does not exist for them and
nothing stored changes. The district's crew works in both schools through the same buttons.
"""

import copy
from typing import Any

import attrs
import pytest

from tests.integration.telegram._requests import numbers_in, visible
from tests.unit.builders import user
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.adapters.telegram.callbacks import CardCb, WizardCb
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import Person, World
from zavhoz.application.use_cases.create_request import CreateRequestCommand
from zavhoz.domain.catalog import Category, Status
from zavhoz.domain.ids import FIRST_ORG, OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.organizations import Membership, Organization
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role

SCHOOL_A, SCHOOL_B = OrgId(2), OrgId(3)
STAFF_A, EXEC_A, STAFF_B, CREW = 301, 302, 303, 304
NO_REQUEST = "Такой заявки нет."


def district(db: MemoryDatabase) -> None:
    """The first organization is the district; schools A and B are below it."""
    db.organizations[FIRST_ORG] = Organization(id=FIRST_ORG, slug="district", name="Район")
    for org, slug, name in ((SCHOOL_A, "school-a", "Школа А"), (SCHOOL_B, "school-b", "Школа Б")):
        db.organizations[org] = Organization(id=org, slug=slug, name=name, parent=FIRST_ORG)
    for person, org, role in (
        (STAFF_A, SCHOOL_A, Role.STAFF),
        (EXEC_A, SCHOOL_A, Role.EXECUTOR),
        (STAFF_B, SCHOOL_B, Role.STAFF),
        (CREW, FIRST_ORG, Role.EXECUTOR),
    ):
        pid = UserId(person)
        db.users[pid] = attrs.evolve(user(person, role), organization=org)
        db.memberships[pid, org] = Membership(person=pid, organization=org, role=role)


@pytest.fixture
def people(db: MemoryDatabase, world: World) -> dict[int, Person]:
    district(db)
    return {pid: world.person(pid, f"user{pid}") for pid in (STAFF_A, EXEC_A, STAFF_B, CREW)}


async def file(services: Services, author: int, text: str, place: str = "Каб. 305") -> Request:
    return await services.create_request(
        CreateRequestCommand(
            author_id=UserId(author),
            location=place,
            category=Category.DOORS_LOCKS_SECURITY,
            description=text,
        )
    )


@pytest.fixture
async def school_b(services: Services, people: Any) -> list[Request]:
    """School B's two requests (№1 and №2 there); school A has only its №1."""
    await file(services, STAFF_A, "Не закрывается дверь в школе А")
    return [
        await file(services, STAFF_B, "Течёт кран в школе Б"),
        await file(services, STAFF_B, "Не горит свет в школе Б"),
    ]


def snapshot(db: MemoryDatabase) -> Any:
    return copy.deepcopy(
        (
            {rid: attrs.asdict(request) for rid, request in db.requests.items()},
            {rid: list(events) for rid, events in db.history.items()},
            list(db.outbox),
            dict(db.memberships),
        )
    )


def card(request: Request, action: str = "open", arg: str = "") -> str:
    """A button's data as the card's keyboard packs it."""
    return CardCb(id=request.id, action=action, v=request.version, arg=arg).pack()


async def test_the_schools_number_their_requests_apart(
    db: MemoryDatabase, school_b: list[Request]
) -> None:
    numbers = sorted((r.organization, r.number) for r in db.requests.values())
    assert numbers == [(SCHOOL_A, 1), (SCHOOL_B, 1), (SCHOOL_B, 2)]


@pytest.mark.parametrize("who", [STAFF_A, EXEC_A])
@pytest.mark.parametrize(
    ("action", "arg"),
    [
        ("open", ""),
        ("history", ""),
        ("files", ""),
        ("take", ""),
        ("assign", str(EXEC_A)),
        ("cancel", ""),
        ("reject", ""),
        ("comment", ""),
        ("change_priority", "high"),
    ],
)
async def test_a_forged_button_of_the_other_school_finds_nothing_and_changes_nothing(
    people: dict[int, Person],
    db: MemoryDatabase,
    school_b: list[Request],
    who: int,
    action: str,
    arg: str,
) -> None:
    person, target = people[who], school_b[0]
    before, seen = snapshot(db), len(person.screens)

    alert = await person.press_data(card(target, action, arg))
    await person.send("Будто бы причина или комментарий")

    assert alert == NO_REQUEST
    assert snapshot(db) == before
    assert all("школе Б" not in shown.text for shown in person.screens[seen:])


async def test_the_other_schools_number_is_not_found_by_search(
    people: dict[int, Person], school_b: list[Request]
) -> None:
    executor = people[EXEC_A]
    await executor.send("🛠 Очередь")
    await executor.press("🔍 Поиск")

    await executor.send("№2")

    assert executor.last.text == "Заявки №2 нет."


async def test_searching_a_number_both_schools_have_finds_ones_own(
    people: dict[int, Person], school_b: list[Request]
) -> None:
    executor = people[EXEC_A]
    await executor.send("🛠 Очередь")
    await executor.press("🔍 Поиск")

    await executor.send("1")

    assert "школе А" in visible(executor.last.text)
    assert "школе Б" not in visible(executor.last.text)


async def test_searching_words_of_the_other_school_finds_nothing(
    people: dict[int, Person], school_b: list[Request]
) -> None:
    executor = people[EXEC_A]
    await executor.send("🛠 Очередь")
    await executor.press("🔍 Поиск")

    await executor.send("кран")

    assert executor.last.text == "По запросу «кран» ничего не найдено."


async def test_the_queue_holds_only_ones_own_school(
    people: dict[int, Person], school_b: list[Request]
) -> None:
    executor = people[EXEC_A]

    await executor.send("🛠 Очередь")

    assert numbers_in(executor.last.text) == [1]
    assert "школе Б" not in visible(executor.last.text)


async def test_the_other_schools_room_code_is_unknown(
    people: dict[int, Person], db: MemoryDatabase, school_b: list[Request]
) -> None:
    db.rooms[SCHOOL_B, RoomCode("gym")] = attrs.evolve(
        Room.create("gym", "Спортзал Б"), organization=SCHOOL_B
    )
    staff = people[STAFF_A]

    await staff.send("/start room_gym")

    assert "Не нашёл помещение по этому QR-коду. Укажите место сами." in staff.texts
    assert all("Спортзал Б" not in text for text in staff.texts)


async def test_a_rooms_hint_shows_no_request_of_the_other_school_at_the_same_place(
    people: dict[int, Person], db: MemoryDatabase, services: Services
) -> None:
    """Both schools have a «Каб. 305»: school A's code lists only school A's requests there."""
    db.rooms[SCHOOL_A, RoomCode("305")] = attrs.evolve(
        Room.create("305", "Каб. 305"), organization=SCHOOL_A
    )
    await file(services, STAFF_B, "Течёт кран в школе Б")
    staff = people[STAFF_A]

    await staff.send("/start room_305")

    assert all("школе Б" not in visible(text) for text in staff.texts)
    assert all("№1" not in visible(text) for text in staff.texts)


async def test_the_district_crew_takes_requests_in_both_schools(
    people: dict[int, Person], db: MemoryDatabase, school_b: list[Request]
) -> None:
    crew = people[CREW]

    await crew.send("🛠 Очередь")
    assert len(crew.last.buttons) >= 3
    for request in db.requests.values():
        await crew.press_data(card(request))
        await crew.press("🙋 Взять")

    assert {r.status for r in db.requests.values()} == {Status.IN_PROGRESS}
    assert {r.assignee for r in db.requests.values()} == {UserId(CREW)}
    assert {r.organization for r in db.requests.values()} == {SCHOOL_A, SCHOOL_B}


async def test_a_school_executor_takes_in_their_school_only(
    people: dict[int, Person], db: MemoryDatabase, school_b: list[Request]
) -> None:
    executor = people[EXEC_A]
    own = next(r for r in db.requests.values() if r.organization == SCHOOL_A)

    await executor.press_data(card(own))
    await executor.press("🙋 Взять")
    alert = await executor.press_data(card(school_b[1], "take"))

    assert db.requests[own.id].assignee == UserId(EXEC_A)
    assert alert == NO_REQUEST
    assert db.requests[RequestId(school_b[1].id)].assignee is None


# --- the school beside the number ------------------------------------------------------------


async def test_the_crews_queue_names_each_requests_school(
    people: dict[int, Person], school_b: list[Request]
) -> None:
    crew = people[CREW]

    await crew.send("🛠 Очередь")

    lines = [line for line in visible(crew.last.text).splitlines() if line.startswith("№")]
    assert sorted(line.split(" · ")[:2] for line in lines) == [
        ["№1", "🏫 Школа А"],
        ["№1", "🏫 Школа Б"],
        ["№2", "🏫 Школа Б"],
    ]


async def test_the_crews_card_names_the_school(
    people: dict[int, Person], school_b: list[Request]
) -> None:
    crew = people[CREW]

    await crew.press_data(card(school_b[1]))

    assert visible(crew.last.text).splitlines()[:2] == ["Заявка №2 · 🆕 Новая", "🏫 Школа Б"]


async def test_within_ones_own_school_no_name_is_shown(
    people: dict[int, Person], db: MemoryDatabase, school_b: list[Request]
) -> None:
    executor, staff = people[EXEC_A], people[STAFF_A]
    own = next(r for r in db.requests.values() if r.organization == SCHOOL_A)

    await executor.send("🛠 Очередь")
    await executor.press_data(card(own))
    await staff.send("📋 Мои заявки")

    assert all("🏫" not in text for text in executor.texts + staff.texts)


async def test_a_forged_same_problem_of_the_other_school_subscribes_to_nothing(
    people: dict[int, Person], db: MemoryDatabase, school_b: list[Request]
) -> None:
    staff, target = people[STAFF_A], school_b[0]
    before = snapshot(db)

    alert = await staff.press_data(WizardCb(step="same", value=str(target.id)).pack())

    assert alert == NO_REQUEST
    assert snapshot(db) == before
    assert UserId(STAFF_A) not in db.requests[RequestId(target.id)].watchers


async def test_a_newcomer_of_the_district_watches_no_schools_request(
    world: World, db: MemoryDatabase, school_b: list[Request]
) -> None:
    newcomer = world.person(999, "Новичок")
    await newcomer.send("/start")
    target = school_b[0]

    alert = await newcomer.press_data(WizardCb(step="same", value=str(target.id)).pack())

    assert alert == NO_REQUEST
    assert UserId(999) not in db.requests[RequestId(target.id)].watchers
