"""One contract for every persistence backend: memory, SQLite and PostgreSQL behave alike."""

import asyncio
from datetime import UTC, datetime, timedelta, timezone

import pytest

from tests.integration.conftest import ALL_BACKENDS
from tests.unit.builders import CALENDAR, MONDAY_NOON_MSK, photo, user
from zavhoz.adapters.clock import FakeClock
from zavhoz.application.filters import QueueFilter, search_words
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.paging import PageRequest
from zavhoz.application.ports import UnitOfWork, UnitOfWorkFactory
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.take_request import TakeRequest, TakeRequestCommand
from zavhoz.domain.catalog import ACTIVE_STATUSES, Category, Priority, Status
from zavhoz.domain.errors import AlreadyTaken, ConcurrentUpdate
from zavhoz.domain.events import EventKind
from zavhoz.domain.ids import FIRST_ORG, RequestId, RoomCode, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, User, UserState

MEMORY, _, POSTGRES = ALL_BACKENDS
BIG_ID = 2**40 + 7
AUTHOR, OTHER, WORKER, WORKER2, BOSS = (
    user(BIG_ID),
    user(2),
    user(3, Role.EXECUTOR),
    user(4, Role.EXECUTOR),
    user(5, Role.ADMIN),
)
PEOPLE = (AUTHOR, OTHER, WORKER, WORKER2, BOSS)


async def seed_people(factory: UnitOfWorkFactory, people: tuple[User, ...] = PEOPLE) -> None:
    async with factory() as uow:
        for person in people:
            await uow.users.add(person)
        await uow.commit()


def draft(
    author: User = AUTHOR,
    *,
    location: str = "Каб. 305",
    description: str = "Не закрывается дверь в кабинет",
    priority: Priority = Priority.MEDIUM,
    category: Category = Category.DOORS_LOCKS_SECURITY,
    at: datetime = MONDAY_NOON_MSK,
    key: str | None = None,
    room: RoomCode | None = None,
) -> Request:
    return Request.create(
        author=author,
        location=location,
        category=category,
        description=description,
        priority=priority,
        now=at,
        calendar=CALENDAR,
        idempotency_key=key,
        room_code=room,
        attachments=[photo(1)],
    )


async def store(uow: UnitOfWork, request: Request) -> Request:
    events = request.pull_events()
    await uow.requests.add(request)
    await uow.history.append(request.id, events)
    return request


async def stored(factory: UnitOfWorkFactory, *requests: Request) -> list[Request]:
    async with factory() as uow:
        for request in requests:
            await store(uow, request)
        await uow.commit()
    return list(requests)


async def change(factory: UnitOfWorkFactory, number: RequestId, act: object) -> Request:
    async with factory() as uow:
        request = await uow.requests.get(number)
        assert request is not None
        act(request)  # type: ignore[operator]
        events = request.pull_events()
        await uow.requests.save(request)
        await uow.history.append(request.id, events)
        await uow.commit()
    return request


# --- users ------------------------------------------------------------------------------------


async def test_users_round_trip_with_64_bit_ids(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    async with uow_factory() as uow:
        found = await uow.users.get(UserId(BIG_ID))
        assert found is not None
        found.name, found.language, found.reachable = "Анна", "ru", False
        await uow.users.save(found)
        await uow.commit()
    async with uow_factory() as uow:
        again = await uow.users.get(UserId(BIG_ID))
        assert again is not None
        assert (again.id, again.name, again.language, again.reachable) == (
            BIG_ID,
            "Анна",
            "ru",
            False,
        )
        assert again.created_at == MONDAY_NOON_MSK
        assert await uow.users.get(UserId(999)) is None


async def test_with_role_lists_active_people_of_those_roles(uow_factory: UnitOfWorkFactory) -> None:
    blocked_admin = user(6, Role.ADMIN, UserState.BLOCKED)
    await seed_people(uow_factory, (*PEOPLE, blocked_admin))
    async with uow_factory() as uow:
        admins = await uow.users.with_role([Role.ADMIN], [FIRST_ORG])
        workers = await uow.users.with_role([Role.EXECUTOR, Role.ADMIN], [FIRST_ORG])
    assert [u.id for u in admins] == [5]
    assert [u.id for u in workers] == [3, 4, 5]


async def test_users_page_by_state(uow_factory: UnitOfWorkFactory) -> None:
    pending = [user(10 + i, state=UserState.PENDING) for i in range(3)]
    await seed_people(uow_factory, (*PEOPLE, *pending))
    async with uow_factory() as uow:
        first = await uow.users.page_by_state(UserState.PENDING, PageRequest(0, 2))
        second = await uow.users.page_by_state(UserState.PENDING, PageRequest(2, 2))
        beyond = await uow.users.page_by_state(None, PageRequest(50, 5))
    assert [u.id for u in first.items] == [10, 11]
    assert (first.total, first.has_next, first.has_previous) == (3, True, False)
    assert [u.id for u in second.items] == [12]
    assert not second.has_next
    assert beyond.items == ()
    assert beyond.total == len(PEOPLE) + 3


# --- requests ---------------------------------------------------------------------------------


async def test_requests_get_numbers_in_order_and_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    first, second = await stored(uow_factory, draft(), draft(description="Течёт кран в туалете"))
    assert (first.id, second.id) == (1, 2)
    async with uow_factory() as uow:
        loaded = await uow.requests.get(first.id)
        assert await uow.requests.get(RequestId(77)) is None
    assert loaded is not None
    for field in ("location", "title", "description", "priority", "status", "attachments"):
        assert getattr(loaded, field) == getattr(first, field)
    assert (loaded.respond_by, loaded.resolve_by) == (first.respond_by, first.resolve_by)
    assert loaded.sla_checkpoints == first.sla_checkpoints
    assert loaded.next_alert_at == first.next_alert_at
    assert loaded.author == BIG_ID


async def test_saved_changes_persist(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    (request,) = await stored(uow_factory, draft())
    later = MONDAY_NOON_MSK + timedelta(hours=1)
    await change(uow_factory, request.id, lambda r: r.take(WORKER, later))
    await change(uow_factory, request.id, lambda r: r.hold(WORKER, "Ждём запчасти", later))
    await change(uow_factory, request.id, lambda r: r.watch(OTHER, later))
    async with uow_factory() as uow:
        loaded = await uow.requests.get(request.id)
        history = await uow.history.of(request.id)
    assert loaded is not None
    assert (loaded.status, loaded.assignee, loaded.taken_at) == (Status.ON_HOLD, 3, later)
    assert loaded.hold_started_at == later
    assert loaded.watchers == {OTHER.id}
    assert loaded.version == 4
    assert [e.kind for e in history] == ["created", "taken", "put_on_hold", "watcher_added"]
    assert history[2].payload == {"reason": "Ждём запчасти"}
    assert history[0].attachments == (photo(1),)


async def test_with_history_reads_a_request_and_its_events_at_once(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_people(uow_factory)
    (request,) = await stored(uow_factory, draft())
    await change(uow_factory, request.id, lambda r: r.take(WORKER, MONDAY_NOON_MSK))
    async with uow_factory(read_only=True) as uow:
        found = await uow.queries.with_history(request.id)
        missing = await uow.queries.with_history(RequestId(77))
    assert found is not None
    assert missing is None
    loaded, history = found
    assert (loaded.id, loaded.status, loaded.version) == (request.id, Status.IN_PROGRESS, 2)
    assert [e.kind for e in history] == ["created", "taken"]
    assert history[0].attachments == (photo(1),)
    assert history[1].actor == WORKER.id


async def test_timestamps_keep_their_moment_whatever_the_zone(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_people(uow_factory)
    vladivostok = datetime(2026, 3, 2, 18, 30, 15, 123456, tzinfo=timezone(timedelta(hours=10)))
    (request,) = await stored(uow_factory, draft(at=vladivostok))
    async with uow_factory() as uow:
        loaded = await uow.requests.get(request.id)
    assert loaded is not None
    assert loaded.created_at == vladivostok
    assert loaded.created_at.utcoffset() is not None


# SQLite serialises writers at BEGIN IMMEDIATE, so two open writers cannot interleave there;
# its side of the race is covered by test_two_executors_take_at_once_exactly_one_wins.
@pytest.mark.parametrize("uow_factory", [MEMORY, POSTGRES], indirect=True)
async def test_a_stale_save_is_refused(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    (request,) = await stored(uow_factory, draft())
    async with uow_factory() as first, uow_factory() as second:
        mine = await first.requests.get(request.id)
        theirs = await second.requests.get(request.id)
        assert mine is not None
        assert theirs is not None
        mine.take(WORKER, MONDAY_NOON_MSK)
        await first.requests.save(mine)
        await first.commit()
        theirs.take(WORKER2, MONDAY_NOON_MSK)
        with pytest.raises(ConcurrentUpdate):
            await theirs_saved(second, theirs)


async def theirs_saved(uow: UnitOfWork, request: Request) -> None:
    await uow.requests.save(request)
    await uow.commit()


async def test_idempotency_key_finds_the_first_request(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    (request,) = await stored(uow_factory, draft(key="draft-1"))
    async with uow_factory() as uow:
        found = await uow.requests.by_idempotency_key(AUTHOR.id, "draft-1")
        assert await uow.requests.by_idempotency_key(OTHER.id, "draft-1") is None
        assert await uow.requests.by_idempotency_key(AUTHOR.id, "draft-2") is None
    assert found is not None
    assert found.id == request.id


async def test_a_second_request_with_the_same_key_is_refused(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_people(uow_factory)
    await stored(uow_factory, draft(key="draft-1"))
    with pytest.raises(ConcurrentUpdate):
        await stored(uow_factory, draft(key="draft-1"))
    await stored(uow_factory, draft(OTHER, key="draft-1"))


async def test_due_for_sla_in_order_of_the_next_alert(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    low, high, medium = await stored(
        uow_factory,
        draft(priority=Priority.LOW),
        draft(priority=Priority.HIGH),
        draft(priority=Priority.MEDIUM),
    )
    async with uow_factory() as uow:
        later = MONDAY_NOON_MSK + timedelta(days=1)
        due_tomorrow = await uow.requests.due_for_sla(later, 10)
        first_only = await uow.requests.due_for_sla(later, 1)
        none_yet = await uow.requests.due_for_sla(MONDAY_NOON_MSK, 10)
    assert [r.id for r in due_tomorrow] == [high.id, medium.id]
    assert [r.id for r in first_only] == [high.id]
    assert none_yet == []
    assert low.next_alert_at is not None
    assert low.next_alert_at > later


# --- history, rooms, outbox -------------------------------------------------------------------


async def test_rooms_upsert_and_list(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.rooms.upsert(Room.create("305", "Каб. 305", "Главный", "3"))
        await uow.rooms.upsert(Room.create("gym", "Спортзал"))
        await uow.commit()
    async with uow_factory() as uow:
        await uow.rooms.upsert(Room.create("305", "Кабинет физики", "Главный", "3"))
        await uow.commit()
    async with uow_factory() as uow:
        rooms = await uow.rooms.all(FIRST_ORG)
        assert await uow.rooms.get(FIRST_ORG, RoomCode("none")) is None
    assert [(r.code, r.name) for r in rooms] == [("305", "Кабинет физики"), ("gym", "Спортзал")]


def message(key: str, recipient: int = 5) -> OutboxMessage:
    return OutboxMessage(
        recipient=UserId(recipient),
        template="request_created",
        params={"request_id": 1, "title": "Дверь", "internal": False},
        dedupe_key=key,
        request_id=None,
        attachments=(photo(2),),
        created_at=MONDAY_NOON_MSK,
    )


async def test_outbox_skips_a_dedupe_key_seen_before(uow_factory: UnitOfWorkFactory) -> None:
    async with uow_factory() as uow:
        await uow.outbox.add([message("a"), message("b"), message("a")])
        await uow.commit()
    async with uow_factory() as uow:
        await uow.outbox.add([message("b"), message("c", recipient=BIG_ID)])
        await uow.commit()
    async with uow_factory() as uow:
        pending = await uow.outbox.pending(10)
    assert [m.dedupe_key for m in pending] == ["a", "b", "c"]
    assert pending[0] == message("a")
    assert pending[2].recipient == BIG_ID


async def test_nothing_is_kept_without_commit(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    async with uow_factory() as uow:
        await store(uow, draft())
        await uow.outbox.add([message("a")])
        await uow.rooms.upsert(Room.create("gym", "Спортзал"))
    async with uow_factory() as uow:
        assert await uow.requests.get(RequestId(1)) is None
        assert await uow.history.of(RequestId(1)) == []
        assert await uow.outbox.pending(10) == []
        assert await uow.rooms.all(FIRST_ORG) == []


# --- queries ----------------------------------------------------------------------------------


async def test_by_author_newest_first_with_paging(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    mine = await stored(uow_factory, *[draft() for _ in range(6)], draft(OTHER))
    await change(uow_factory, mine[0].id, lambda r: r.cancel(AUTHOR, "", MONDAY_NOON_MSK))
    async with uow_factory() as uow:
        everything = frozenset(Status)
        first = await uow.queries.by_author(AUTHOR.id, everything, PageRequest(0, 5))
        last = await uow.queries.by_author(AUTHOR.id, everything, PageRequest(5, 5))
        active = await uow.queries.by_author(AUTHOR.id, ACTIVE_STATUSES, PageRequest(0, 10))
        beyond = await uow.queries.by_author(AUTHOR.id, everything, PageRequest(10, 5))
    assert [r.id for r in first.items] == [6, 5, 4, 3, 2]
    assert (first.total, first.has_next) == (6, True)
    assert [r.id for r in last.items] == [1]
    assert (last.has_next, last.has_previous) == (False, True)
    assert [r.id for r in active.items] == [6, 5, 4, 3, 2]
    assert (beyond.items, beyond.total) == ((), 6)


async def test_queue_is_ordered_by_urgency(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    low, high, medium, held = await stored(
        uow_factory,
        draft(priority=Priority.LOW),
        draft(priority=Priority.HIGH),
        draft(priority=Priority.MEDIUM),
        draft(priority=Priority.HIGH),
    )
    await change(uow_factory, held.id, lambda r: r.take(WORKER, MONDAY_NOON_MSK))
    await change(uow_factory, held.id, lambda r: r.hold(WORKER, "Ждём", MONDAY_NOON_MSK))
    async with uow_factory() as uow:
        page = await uow.queries.queue(QueueFilter(), MONDAY_NOON_MSK, PageRequest(0, 10))
    assert [r.id for r in page.items] == [high.id, medium.id, low.id, held.id]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        (QueueFilter(priority=Priority.HIGH), [2]),
        (QueueFilter(category=Category.PLUMBING), [3]),
        (QueueFilter(assignee=UserId(3)), [4]),
        (QueueFilter(statuses=frozenset({Status.IN_PROGRESS})), [4]),
        (QueueFilter(statuses=frozenset({Status.CANCELLED})), [5]),
        (QueueFilter(words=search_words("ДВЕРЬ")), [2, 1, 4]),
        (QueueFilter(words=search_words("кран туалет")), [3]),
        (QueueFilter(words=search_words("кран спортзал")), []),
        (QueueFilter(words=search_words("50%")), [1]),
        (QueueFilter(words=search_words("_")), []),
        (QueueFilter(words=search_words("спортзал")), [4]),
    ],
)
async def test_queue_filters(
    uow_factory: UnitOfWorkFactory, query: QueueFilter, expected: list[int]
) -> None:
    await seed_people(uow_factory)
    await stored(
        uow_factory,
        draft(priority=Priority.LOW, description="Дверь закрыта на 50% хода"),
        draft(priority=Priority.HIGH, description="Сломана дверь"),
        draft(category=Category.PLUMBING, description="Течёт кран в туалете"),
        draft(location="Спортзал", description="Дверь скрипит"),
        draft(description="Уже не нужно"),
    )
    await change(uow_factory, RequestId(4), lambda r: r.take(WORKER, MONDAY_NOON_MSK))
    await change(uow_factory, RequestId(5), lambda r: r.cancel(AUTHOR, "", MONDAY_NOON_MSK))
    async with uow_factory() as uow:
        page = await uow.queries.queue(query, MONDAY_NOON_MSK, PageRequest(0, 10))
    assert [r.id for r in page.items] == expected
    assert page.total == len(expected)


async def test_queue_overdue_filter(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    high, low = await stored(
        uow_factory, draft(priority=Priority.HIGH), draft(priority=Priority.LOW)
    )
    later = high.respond_by + timedelta(minutes=1)
    async with uow_factory() as uow:
        late = await uow.queries.queue(QueueFilter(overdue_at=later), later, PageRequest(0, 10))
    assert [r.id for r in late.items] == [high.id]
    assert low.respond_by > later


async def test_open_at_by_room_or_location_in_any_case(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    async with uow_factory() as uow:
        await uow.rooms.upsert(Room.create("gym", "Спортзал"))
        await uow.commit()
    await stored(
        uow_factory,
        draft(location="Спортзал", room=RoomCode("gym")),
        draft(location="СПОРТЗАЛ"),
        draft(location="Столовая"),
        draft(location="спортзал"),
    )
    await change(uow_factory, RequestId(4), lambda r: r.cancel(AUTHOR, "", MONDAY_NOON_MSK))
    async with uow_factory() as uow:
        by_text = await uow.queries.open_at("спортзал", None)
        by_room = await uow.queries.open_at("Зал №1", RoomCode("gym"))
    assert [r.id for r in by_text] == [1, 2]
    assert [r.id for r in by_room] == [1]


async def test_open_at_finds_a_room_typed_as_free_text(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    async with uow_factory() as uow:
        await uow.rooms.upsert(Room.create("r305", "Кабинет 305"))
        await uow.commit()
    await stored(
        uow_factory,
        draft(location="Каб. 305"),
        draft(location="кабинет 305"),
        draft(location="305"),
        draft(location="Каб. 3051"),
        draft(location="Каб. 305, 3 этаж"),
        draft(location="Кабинет 305", room=RoomCode("r305")),
        draft(location="КАБ.305"),
    )
    await change(uow_factory, RequestId(7), lambda r: r.cancel(AUTHOR, "", MONDAY_NOON_MSK))
    async with uow_factory() as uow:
        by_room = await uow.queries.open_at("Кабинет 305", RoomCode("r305"))
        by_text = await uow.queries.open_at("305", None)
        literal = await uow.queries.open_at("Каб. 305, 3 этаж", None)
    assert [r.id for r in by_room] == [1, 2, 3, 6]
    assert [r.id for r in by_text] == [1, 2, 3, 6]
    assert [r.id for r in literal] == [5]


async def test_recent_locations_newest_first_without_repeats(
    uow_factory: UnitOfWorkFactory,
) -> None:
    await seed_people(uow_factory)
    places = ["Каб. 305", "Спортзал", "Каб. 305", "Столовая", "Актовый зал"]
    await stored(uow_factory, *[draft(location=p) for p in places], draft(OTHER, location="Двор"))
    async with uow_factory() as uow:
        recent = await uow.queries.recent_locations(AUTHOR.id, 3)
    assert recent == ["Актовый зал", "Столовая", "Каб. 305"]


async def test_digest_counts(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    monday = MONDAY_NOON_MSK
    first, second, third = await stored(
        uow_factory, draft(at=monday), draft(at=monday), draft(at=monday, priority=Priority.HIGH)
    )
    await change(uow_factory, first.id, lambda r: r.take(WORKER, monday))
    await change(uow_factory, first.id, lambda r: r.complete(WORKER, "Готово", (), monday))
    await change(uow_factory, second.id, lambda r: r.take(WORKER, monday))
    tuesday = datetime(2026, 1, 13, 5, 0, tzinfo=UTC)
    async with uow_factory() as uow:
        since, here = monday - timedelta(hours=12), frozenset({FIRST_ORG})
        counts = await uow.queries.digest(since, tuesday, tuesday, here)
    assert (counts.new, counts.completed, counts.in_progress, counts.overdue) == (3, 1, 1, 1)
    assert third.respond_by < tuesday


# --- use cases over real storage --------------------------------------------------------------


async def test_two_executors_take_at_once_exactly_one_wins(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    (request,) = await stored(uow_factory, draft())
    take = TakeRequest(uow_factory, FakeClock(MONDAY_NOON_MSK), WorkflowSettings())
    outcomes = await asyncio.gather(
        take(TakeRequestCommand(actor_id=WORKER.id, request_id=request.id)),
        take(TakeRequestCommand(actor_id=WORKER2.id, request_id=request.id)),
        return_exceptions=True,
    )
    winners = [o for o in outcomes if isinstance(o, Request)]
    losers = [o for o in outcomes if isinstance(o, AlreadyTaken)]
    assert len(winners) == 1
    assert len(losers) == 1
    assert losers[0].assignee == winners[0].assignee
    async with uow_factory() as uow:
        history = await uow.history.of(request.id)
    assert [e.kind for e in history].count(EventKind.TAKEN) == 1


async def test_workload_counts_work_in_hand_per_assignee(uow_factory: UnitOfWorkFactory) -> None:
    await seed_people(uow_factory)
    first, second, third, _ = await stored(uow_factory, draft(), draft(), draft(), draft())
    for number, worker in ((first.id, WORKER), (second.id, WORKER), (third.id, WORKER2)):
        await change(uow_factory, number, lambda r, w=worker: r.take(w, MONDAY_NOON_MSK))
    await change(uow_factory, second.id, lambda r: r.hold(WORKER, "Ждём", MONDAY_NOON_MSK))
    await change(
        uow_factory, third.id, lambda r: r.complete(WORKER2, "Готово", (), MONDAY_NOON_MSK)
    )
    async with uow_factory() as uow:
        assert await uow.queries.workload() == {WORKER.id: 2}
