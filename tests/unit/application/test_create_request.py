"""Filing a request: what is stored, what is announced, and what is refused."""

from datetime import timedelta
from typing import Any

import pytest

from tests.unit.application.support import Desk, Snapshot, msk
from tests.unit.builders import photo
from tests.unit.conftest import ADMIN, STAFF
from zavhoz.domain.attachments import MAX_ATTACHMENTS
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.errors import DomainError, NotFound, NotPermitted, ValidationFailed
from zavhoz.domain.ids import FIRST_ORG, RoomCode, UserId
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import UserState


async def test_a_request_is_stored_with_its_history_and_deadlines(desk: Desk) -> None:
    created = await desk.create(
        STAFF,
        location="  Каб.   305 ",
        category=Category.PLUMBING,
        description="Течёт кран в туалете\nна втором этаже",
        priority=Priority.HIGH,
        attachments=(photo(1),),
        key="draft-1",
    )

    stored = desk.request(created.id)
    assert created.id == 1
    assert (stored.author, stored.status, stored.assignee) == (STAFF, Status.OPEN, None)
    assert (stored.location, stored.title) == ("Каб. 305", "Течёт кран в туалете")
    assert stored.description == "Течёт кран в туалете\nна втором этаже"
    assert (stored.category, stored.priority) == (Category.PLUMBING, Priority.HIGH)
    assert stored.attachments == [photo(1)]
    assert stored.idempotency_key == "draft-1"
    assert stored.created_at == stored.updated_at == desk.clock.now()
    assert stored.respond_by == msk(12, 16)
    assert stored.resolve_by == msk(14, 16)  # 24 working hours: Mon 6 + Tue 10 + Wed 8
    assert stored.version == 1
    (event,) = desk.db.history[created.id]
    assert (event.kind, event.actor, event.at, event.attachments) == (
        "created",
        STAFF,
        desk.clock.now(),
        (photo(1),),
    )
    announced = desk.since(0)
    assert {m.attachments for m in announced} == {(photo(1),)}
    assert {m.params["priority"] for m in announced} == {"high"}


async def test_a_known_room_gives_the_place_its_name(desk: Desk) -> None:
    desk.db.rooms[FIRST_ORG, RoomCode("gym")] = Room.create("gym", "Спортзал", building="A")

    created = await desk.create(STAFF, location="что угодно", room_code=RoomCode("gym"))

    assert (desk.request(created.id).location, desk.request(created.id).room_code) == (
        "Спортзал",
        "gym",
    )


@pytest.mark.parametrize(
    ("kw", "error", "detail"),
    [
        ({"description": "Сломано"}, ValidationFailed, "description"),
        ({"description": " " * 20}, ValidationFailed, "description"),
        ({"description": "я" * 2001}, ValidationFailed, "description"),
        ({"location": "5"}, ValidationFailed, "location"),
        ({"location": "x" * 101}, ValidationFailed, "location"),
        (
            {"attachments": tuple(photo(n) for n in range(MAX_ATTACHMENTS + 1))},
            ValidationFailed,
            "attachments",
        ),
        ({"room_code": RoomCode("nowhere")}, NotFound, "room"),
    ],
)
async def test_a_bad_request_is_refused_and_stores_nothing(
    desk: Desk, kw: dict[str, Any], error: type[DomainError], detail: str
) -> None:
    before = Snapshot.of(desk.db)

    with pytest.raises(error) as refused:
        await desk.create(STAFF, **kw)

    assert getattr(refused.value, "field", getattr(refused.value, "entity", None)) == detail
    assert Snapshot.of(desk.db) == before
    assert desk.db.outbox == []


@pytest.mark.parametrize("state", [UserState.BLOCKED, UserState.PENDING])
async def test_an_inactive_person_files_nothing(desk: Desk, state: UserState) -> None:
    desk.db.users[UserId(STAFF)].state = state

    with pytest.raises(NotPermitted) as refused:
        await desk.create(STAFF)

    assert refused.value.reason == f"user_is_{state.value}"
    assert desk.db.requests == {}
    assert desk.db.outbox == []


async def test_a_stranger_files_nothing(desk: Desk) -> None:
    with pytest.raises(NotFound):
        await desk.create(999)

    assert desk.db.requests == {}


async def test_numbers_follow_one_another(desk: Desk) -> None:
    numbers = [(await desk.create(STAFF)).id for _ in range(3)]
    desk.clock.advance(timedelta(minutes=1))
    numbers.append((await desk.create(ADMIN)).id)

    assert numbers == [1, 2, 3, 4]
    assert sorted(desk.db.history) == numbers
