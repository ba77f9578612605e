"""The read side: my requests, the queue, search, the card, places and people."""

from typing import Any

import pytest

from tests.unit.application.support import Desk
from tests.unit.builders import user
from tests.unit.conftest import ADMIN, ADMIN2, EXECUTOR, EXECUTOR2, STAFF, STAFF2
from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import MAX_PAGE_SIZE, Page, PageRequest
from zavhoz.application.queries.list_users import ListUsers
from zavhoz.application.queries.my_requests import GetMyRequests
from zavhoz.application.queries.open_at import GetOpenRequestsAt
from zavhoz.application.queries.queue import GetQueue
from zavhoz.application.queries.recent_locations import GetRecentLocations
from zavhoz.application.queries.request_card import GetRequestCard
from zavhoz.application.queries.search import SearchRequests
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import FIRST_ORG, RequestId, RoomCode, UserId
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, UserState
from zavhoz.domain.workflow import Action

FIRST = PageRequest()


def ids(page: Page[Any]) -> list[int]:
    return [item.id for item in page.items]


# --- paging ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("offset", "limit", "expected"),
    [(0, 5, (0, 5)), (-3, 5, (0, 5)), (10, 0, (10, 1)), (0, 1000, (0, MAX_PAGE_SIZE))],
)
def test_a_page_request_is_clamped(offset: int, limit: int, expected: tuple[int, int]) -> None:
    page = PageRequest(offset, limit)

    assert (page.offset, page.limit) == expected


# --- my requests ----------------------------------------------------------------------------


async def my(build: Any, viewer: int = STAFF, page: PageRequest = FIRST, **kw: Any) -> Page[Any]:
    result: Page[Any] = await build(GetMyRequests)(UserId(viewer), page, **kw)
    return result


async def test_my_requests_when_there_are_none(build: Any) -> None:
    page = await my(build)

    assert (page.items, page.total, page.has_next, page.has_previous) == ((), 0, False, False)


async def test_my_requests_exactly_one_page(desk: Desk, build: Any) -> None:
    made = [(await desk.create(STAFF)).id for _ in range(5)]

    page = await my(build)

    assert ids(page) == made[::-1]
    assert (page.total, page.has_next, page.has_previous) == (5, False, False)


async def test_my_requests_newest_first_five_a_page(desk: Desk, build: Any) -> None:
    made = [(await desk.create(STAFF)).id for _ in range(7)]
    await desk.create(STAFF2)

    first = await my(build)
    second = await my(build, page=PageRequest(5))
    beyond = await my(build, page=PageRequest(10))

    assert ids(first) == made[:1:-1]
    assert (first.total, first.has_next, first.has_previous) == (7, True, False)
    assert ids(second) == made[1::-1]
    assert (second.has_next, second.has_previous) == (False, True)
    assert (beyond.items, beyond.total, beyond.has_next, beyond.has_previous) == (
        (),
        7,
        False,
        True,
    )


async def test_my_active_requests_hide_finished_ones(desk: Desk, build: Any) -> None:
    by_status = {s: await desk.in_status(s) for s in Status}

    everything = await my(build, page=PageRequest(0, 10))
    active = await my(build, page=PageRequest(0, 10), active_only=True)

    assert set(ids(everything)) == set(by_status.values())
    assert ids(active) == sorted(
        (by_status[s] for s in (Status.OPEN, Status.IN_PROGRESS, Status.ON_HOLD)), reverse=True
    )


async def test_a_blocked_viewer_sees_no_list(desk: Desk, build: Any) -> None:
    await desk.create(STAFF)
    desk.db.users[UserId(STAFF)].state = UserState.BLOCKED

    with pytest.raises(NotPermitted) as refused:
        await my(build)

    assert refused.value.reason == "user_is_blocked"


# --- queue ----------------------------------------------------------------------------------


async def queue(build: Any, viewer: int = EXECUTOR, query: QueueFilter | None = None, **kw: Any):
    result: Page[Any] = await build(GetQueue)(
        UserId(viewer), query or QueueFilter(), PageRequest(0, 20), **kw
    )
    return result


async def test_staff_have_no_queue(desk: Desk, build: Any) -> None:
    await desk.create(STAFF)

    with pytest.raises(NotPermitted) as refused:
        await queue(build, STAFF)

    assert refused.value.reason == "executors_only"


async def test_the_queue_shows_what_is_still_to_do(desk: Desk, build: Any) -> None:
    by_status = {s: await desk.in_status(s) for s in Status}

    page = await queue(build, ADMIN)

    assert set(ids(page)) == {
        by_status[Status.OPEN],
        by_status[Status.IN_PROGRESS],
        by_status[Status.ON_HOLD],
    }
    assert page.total == 3


async def test_the_queue_is_most_urgent_first(desk: Desk, build: Any) -> None:
    held = await desk.in_status(Status.ON_HOLD)
    medium = (await desk.create(STAFF)).id
    urgent = (await desk.create(STAFF, priority=Priority.HIGH)).id
    urgent_too = (await desk.create(STAFF2, priority=Priority.HIGH)).id
    working = await desk.in_status(Status.IN_PROGRESS)
    low = (await desk.create(STAFF, priority=Priority.LOW)).id
    desk.clock.advance(hours=5)  # Monday 17:00 Moscow: the high ones missed "take within 4 h"

    page = await queue(build)

    assert ids(page) == [urgent, urgent_too, medium, low, working, held]


async def test_the_queue_puts_overdue_first_even_behind_lower_numbers(
    desk: Desk, build: Any
) -> None:
    early_low = (await desk.create(STAFF, priority=Priority.LOW)).id
    desk.clock.advance(days=1)
    late_high = (await desk.create(STAFF, priority=Priority.HIGH)).id
    desk.clock.advance(hours=5)

    page = await queue(build)

    assert ids(page) == [late_high, early_low]
    assert desk.request(late_high).is_overdue(desk.clock.now())
    assert not desk.request(early_low).is_overdue(desk.clock.now())


@pytest.mark.parametrize(
    ("query", "kw", "expected"),
    [
        (QueueFilter(), {}, ["held", "working", "plumbing", "high", "admins", "fresh"]),
        (QueueFilter(statuses=frozenset({Status.ON_HOLD})), {}, ["held"]),
        (
            QueueFilter(statuses=frozenset({Status.COMPLETED, Status.OPEN})),
            {},
            ["done", "plumbing", "high", "fresh"],
        ),
        (QueueFilter(priority=Priority.HIGH), {}, ["high"]),
        (QueueFilter(category=Category.PLUMBING), {}, ["plumbing"]),
        (QueueFilter(), {"mine": True}, ["working", "held"]),
        (QueueFilter(), {"overdue": True}, ["high"]),
        (QueueFilter(assignee=UserId(ADMIN)), {}, ["admins"]),
        (QueueFilter(assignee=UserId(EXECUTOR2)), {}, []),
        (QueueFilter(priority=Priority.HIGH, category=Category.PLUMBING), {}, []),
    ],
)
async def test_the_queue_filters(
    desk: Desk, build: Any, query: QueueFilter, kw: dict[str, bool], expected: list[str]
) -> None:
    named = {
        "held": await desk.in_status(Status.ON_HOLD),
        "working": await desk.in_status(Status.IN_PROGRESS),
        "done": await desk.in_status(Status.COMPLETED),
        "plumbing": (await desk.create(STAFF2, category=Category.PLUMBING)).id,
        "high": (await desk.create(STAFF, priority=Priority.HIGH)).id,
        "admins": await desk.in_status(Status.IN_PROGRESS, worker=ADMIN),
    }
    desk.clock.advance(hours=5)  # Monday 17:00 Moscow: "high" missed "take within 4 hours"
    named["fresh"] = (await desk.create(STAFF)).id
    names = {rid: name for name, rid in named.items()}

    page = await queue(build, EXECUTOR, query, **kw)

    assert sorted(names[i] for i in ids(page)) == sorted(expected)
    assert page.total == len(expected)


# --- search ---------------------------------------------------------------------------------


async def search(build: Any, text: str, viewer: int = EXECUTOR) -> Page[Any]:
    result: Page[Any] = await build(SearchRequests)(UserId(viewer), text, PageRequest(0, 20))
    return result


@pytest.mark.parametrize("text", ["142", "#142", "№142", " № 142 ", "# 142"])
async def test_search_by_number(desk: Desk, build: Any, text: str) -> None:
    desk.db.last_request_id = 140
    await desk.create(STAFF)
    wanted = await desk.in_status(Status.CANCELLED)
    await desk.create(STAFF)
    for request in desk.db.requests.values():
        request.number = request.id  # a school that counted to 143 before organizations

    page = await search(build, text)

    assert wanted == 142
    assert ids(page) == [142]
    assert page.total == 1


async def test_search_by_a_number_that_does_not_exist(desk: Desk, build: Any) -> None:
    await desk.create(STAFF)

    page = await search(build, "№77")

    assert (page.items, page.total, page.has_next) == ((), 0, False)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("ДВЕРЬ", {"door", "door_done"}),
        ("дверь 305", {"door", "door_done"}),
        ("Дверь   СПОРТЗАЛ", set()),
        ("каб. 305", {"door", "door_done"}),
        ("спортзал", {"tap"}),
        ("течёт КРАН", {"tap"}),
        ("кран дверь", set()),
        ("лампа", set()),
    ],
)
async def test_search_by_words(desk: Desk, build: Any, text: str, expected: set[str]) -> None:
    named = {
        "door": (await desk.create(STAFF)).id,
        "door_done": await desk.in_status(Status.COMPLETED),
        "tap": (
            await desk.create(STAFF2, location="Спортзал", description="Течёт кран\nв душевой")
        ).id,
    }
    names = {rid: name for name, rid in named.items()}

    page = await search(build, text)

    assert {names[i] for i in ids(page)} == expected
    assert page.total == len(expected)


async def test_staff_may_not_search(desk: Desk, build: Any) -> None:
    await desk.create(STAFF)

    with pytest.raises(NotPermitted):
        await search(build, "1", STAFF)


# --- request card ---------------------------------------------------------------------------


async def card(build: Any, viewer: int, rid: RequestId) -> Any:
    return await build(GetRequestCard)(UserId(viewer), rid)


async def noted_request(desk: Desk, author: int = STAFF) -> RequestId:
    rid = await desk.in_status(Status.IN_PROGRESS, author=author, watchers=(STAFF2,))
    await desk.comment(rid, EXECUTOR, "Буду в 15:00")
    await desk.note(rid, EXECUTOR, "Замок китайский, менять целиком")
    return rid


@pytest.mark.parametrize(
    ("viewer", "sees_notes"),
    [(STAFF, False), (STAFF2, False), (EXECUTOR, True), (EXECUTOR2, True), (ADMIN, True)],
)
async def test_internal_notes_are_shown_to_executors_only(
    desk: Desk, build: Any, viewer: int, sees_notes: bool
) -> None:
    rid = await noted_request(desk)

    shown = await card(build, viewer, rid)

    kinds = [e.kind.value for e in shown.history]
    assert kinds[:4] == ["created", "watcher_added", "taken", "comment_added"]
    assert len(kinds) == (5 if sees_notes else 4)
    assert any(e.is_internal for e in shown.history) is sees_notes
    assert shown.request.id == rid


@pytest.mark.parametrize("author", [EXECUTOR2, ADMIN])
async def test_internal_notes_are_hidden_from_an_author_who_is_an_executor_or_admin(
    desk: Desk, build: Any, author: int
) -> None:
    rid = await noted_request(desk, author=author)

    for_author = await card(build, author, rid)
    for_colleague = await card(build, ADMIN2, rid)

    assert not any(e.is_internal for e in for_author.history)
    assert [e.is_internal for e in for_colleague.history].count(True) == 1


async def test_a_stranger_may_not_see_the_card(desk: Desk, build: Any) -> None:
    rid = await desk.in_status(Status.OPEN)

    with pytest.raises(NotPermitted) as refused:
        await card(build, STAFF2, rid)

    assert refused.value.reason == "not_a_participant"
    await desk.watch(rid, STAFF2)
    assert (await card(build, STAFF2, rid)).request.id == rid


async def test_a_missing_request_has_no_card(build: Any) -> None:
    with pytest.raises(NotFound):
        await card(build, ADMIN, RequestId(404))


@pytest.mark.parametrize(
    ("status", "viewer", "expected"),
    [
        (Status.OPEN, STAFF, {Action.CANCEL, Action.COMMENT, Action.ADD_ATTACHMENT}),
        (
            Status.OPEN,
            EXECUTOR2,
            {
                Action.TAKE,
                Action.COMMENT,
                Action.INTERNAL_NOTE,
                Action.ADD_ATTACHMENT,
                Action.WATCH,
            },
        ),
        (
            Status.OPEN,
            ADMIN,
            {
                Action.TAKE,
                Action.ASSIGN,
                Action.REJECT,
                Action.CANCEL,
                Action.CHANGE_PRIORITY,
                Action.COMMENT,
                Action.INTERNAL_NOTE,
                Action.ADD_ATTACHMENT,
                Action.WATCH,
            },
        ),
        (Status.OPEN, STAFF2, set()),
        (Status.IN_PROGRESS, STAFF, {Action.COMMENT, Action.ADD_ATTACHMENT}),
        (
            Status.IN_PROGRESS,
            EXECUTOR,
            {
                Action.HOLD,
                Action.COMPLETE,
                Action.COMMENT,
                Action.INTERNAL_NOTE,
                Action.ADD_ATTACHMENT,
            },
        ),
        (
            Status.ON_HOLD,
            EXECUTOR2,
            {Action.COMMENT, Action.INTERNAL_NOTE, Action.ADD_ATTACHMENT, Action.WATCH},
        ),
        (Status.COMPLETED, STAFF, {Action.REOPEN, Action.CONFIRM, Action.RATE, Action.COMMENT}),
        (Status.CANCELLED, STAFF, set()),
        (Status.REJECTED, ADMIN, set()),
    ],
)
async def test_the_card_offers_what_the_viewer_may_do_now(
    desk: Desk, build: Any, status: Status, viewer: int, expected: set[Action]
) -> None:
    rid = await desk.in_status(status)
    if viewer == STAFF2:
        await desk.watch(rid, STAFF2)

    shown = await card(build, viewer, rid)

    assert shown.actions == expected


async def test_the_card_stops_offering_what_was_done_once(desk: Desk, build: Any) -> None:
    rid = await desk.in_status(Status.COMPLETED)
    await desk.rate(rid, 5)
    await desk.confirm(rid)

    shown = await card(build, STAFF, rid)

    assert shown.actions == {Action.COMMENT}


async def test_the_card_says_when_the_request_is_late(desk: Desk, build: Any) -> None:
    rid = (await desk.create(STAFF, priority=Priority.HIGH)).id
    respond_by = desk.request(rid).respond_by

    on_time = await card(build, ADMIN, rid)
    desk.clock.set(respond_by)
    at_the_deadline = await card(build, ADMIN, rid)
    desk.clock.advance(minutes=1)
    late = await card(build, ADMIN, rid)
    await desk.take(rid)
    await desk.hold(rid)
    on_hold = await card(build, ADMIN, rid)

    assert on_time.missed_deadline is None
    assert at_the_deadline.missed_deadline is None
    assert late.missed_deadline == respond_by
    assert on_hold.missed_deadline is None


# --- places ---------------------------------------------------------------------------------


async def test_open_requests_at_a_room_or_a_typed_place(desk: Desk, build: Any) -> None:
    desk.db.rooms[FIRST_ORG, RoomCode("305")] = Room.create("305", "Кабинет 305")
    by_room = (await desk.create(STAFF, room_code=RoomCode("305"))).id
    typed = (await desk.create(STAFF2, location="кабинет 305")).id
    elsewhere = (await desk.create(STAFF, location="Спортзал")).id
    done = await desk.in_status(Status.COMPLETED)  # at "Каб. 305", finished
    await desk.cancel(typed_too := (await desk.create(STAFF, location="КАБИНЕТ 305")).id)
    at = build(GetOpenRequestsAt)

    by_code = await at("Холл", RoomCode("305"))
    by_text = await at("  КАБИНЕТ   305 ")
    short_name = await at("каб. 305")

    assert [r.id for r in by_code] == [by_room]
    assert [r.id for r in by_text] == [by_room, typed]
    assert [r.id for r in short_name] == [by_room, typed]  # one room, however it is spelled
    assert desk.request(by_room).location == "Кабинет 305"
    assert {elsewhere, done, typed_too}.isdisjoint(r.id for r in by_text)


async def test_a_request_filed_in_an_unknown_room_is_refused(desk: Desk) -> None:
    with pytest.raises(NotFound):
        await desk.create(STAFF, room_code=RoomCode("nowhere"))

    assert desk.db.requests == {}
    assert desk.db.outbox == []


async def test_recent_locations_newest_first_without_repeats(desk: Desk, build: Any) -> None:
    for place in ["Каб. 305", "Спортзал", "Каб. 305", "Столовая", "Актовый зал"]:
        await desk.create(STAFF, location=place)
    await desk.create(STAFF2, location="Библиотека")
    recent = build(GetRecentLocations)

    assert await recent(UserId(STAFF)) == ["Актовый зал", "Столовая", "Каб. 305", "Спортзал"]
    assert await recent(UserId(STAFF), 2) == ["Актовый зал", "Столовая"]
    assert await recent(UserId(EXECUTOR)) == []


# --- people ---------------------------------------------------------------------------------


async def test_admins_list_people_by_state(desk: Desk, build: Any) -> None:
    desk.db.users[UserId(401)] = user(401, state=UserState.PENDING)
    desk.db.users[UserId(402)] = user(402, state=UserState.PENDING)
    desk.db.users[UserId(STAFF2)].state = UserState.BLOCKED
    people = build(ListUsers)

    everyone = await people(UserId(ADMIN), PageRequest(0, 50))
    pending = await people(UserId(ADMIN), PageRequest(0, 50), UserState.PENDING)
    blocked = await people(UserId(ADMIN), PageRequest(0, 50), UserState.BLOCKED)
    paged = await people(UserId(ADMIN), PageRequest(5, 5))

    assert ids(everyone) == [STAFF, STAFF2, EXECUTOR, EXECUTOR2, ADMIN, ADMIN2, 401, 402]
    assert ids(pending) == [401, 402]
    assert ids(blocked) == [STAFF2]
    assert (ids(paged), paged.total, paged.has_next, paged.has_previous) == (
        [ADMIN2, 401, 402],
        8,
        False,
        True,
    )


@pytest.mark.parametrize(
    ("viewer", "change", "reason"),
    [
        (EXECUTOR, None, "admins_only"),
        (STAFF, None, "admins_only"),
        (ADMIN2, UserState.BLOCKED, "user_is_blocked"),
    ],
)
async def test_only_admins_list_people(
    desk: Desk, build: Any, viewer: int, change: UserState | None, reason: str
) -> None:
    if change is not None:
        desk.db.users[UserId(viewer)].state = change

    with pytest.raises(NotPermitted) as refused:
        await build(ListUsers)(UserId(viewer), FIRST)

    assert refused.value.reason == reason
    assert desk.db.users[UserId(EXECUTOR)].role is Role.EXECUTOR


async def test_the_card_names_the_people_in_it(desk: Desk, build: Any) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS)
    card = await build(GetRequestCard)(UserId(ADMIN), rid)
    assert set(card.names) == {STAFF, EXECUTOR}
    assert card.names[UserId(STAFF)] == f"user{STAFF}"
