"""The notification table of DOMAIN.md, row by row, through the real use cases.

Every row asserts the exact set of (recipient, template) written to the outbox: who is told and,
by the exactness of the set, who is not. The request is filed by STAFF and watched by STAFF2;
EXECUTOR works on it; EXECUTOR2 is a bystander executor; ADMIN and ADMIN2 are the admins.
"""

from collections.abc import Awaitable, Callable
from typing import Any

import pytest

from tests.unit.application.support import Desk, Told
from tests.unit.builders import photo
from tests.unit.conftest import ADMIN, ADMIN2, EXECUTOR, EXECUTOR2, STAFF, STAFF2
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.catalog import Priority, Status
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role, UserState

Act = Callable[[Desk, RequestId], Awaitable[Any]]


def row(name: str, status: Status, act: Act, expected: Told, *, author: int = STAFF) -> Any:
    return pytest.param(status, author, act, expected, id=name)


def each(people: tuple[int, ...], template: str) -> Told:
    return {(p, template) for p in people}


ADMINS = (ADMIN, ADMIN2)
AUTHOR_AND_WATCHER = (STAFF, STAFF2)

TABLE = [
    row(
        "taken",
        Status.OPEN,
        lambda d, r: d.take(r, EXECUTOR),
        each(AUTHOR_AND_WATCHER, "request_taken"),
    ),
    row(
        "taken by an admin",
        Status.OPEN,
        lambda d, r: d.take(r, ADMIN),
        each(AUTHOR_AND_WATCHER, "request_taken"),
    ),
    row(
        "assigned",
        Status.OPEN,
        lambda d, r: d.assign(r, EXECUTOR, ADMIN),
        {(EXECUTOR, "request_assigned_to_you")} | each(AUTHOR_AND_WATCHER, "request_assigned"),
    ),
    row(
        "assigned to another admin",
        Status.OPEN,
        lambda d, r: d.assign(r, ADMIN2, ADMIN),
        {(ADMIN2, "request_assigned_to_you")} | each(AUTHOR_AND_WATCHER, "request_assigned"),
    ),
    row(
        "assigned by an admin to themselves",
        Status.OPEN,
        lambda d, r: d.assign(r, ADMIN, ADMIN),
        each(AUTHOR_AND_WATCHER, "request_assigned"),
    ),
    row(
        "reassigned",
        Status.IN_PROGRESS,
        lambda d, r: d.reassign(r, EXECUTOR2, ADMIN),
        {
            (EXECUTOR2, "request_assigned_to_you"),
            (STAFF, "request_reassigned"),
            (EXECUTOR, "request_reassigned"),
        },
    ),
    row(
        "reassigned on hold to the acting admin",
        Status.ON_HOLD,
        lambda d, r: d.reassign(r, ADMIN, ADMIN),
        {(STAFF, "request_reassigned"), (EXECUTOR, "request_reassigned")},
    ),
    row(
        "put on hold",
        Status.IN_PROGRESS,
        lambda d, r: d.hold(r, EXECUTOR),
        each(AUTHOR_AND_WATCHER, "request_on_hold"),
    ),
    row(
        "put on hold by an admin",
        Status.IN_PROGRESS,
        lambda d, r: d.hold(r, ADMIN),
        each((*AUTHOR_AND_WATCHER, EXECUTOR), "request_on_hold"),
    ),
    row(
        "resumed",
        Status.ON_HOLD,
        lambda d, r: d.resume(r, EXECUTOR),
        each(AUTHOR_AND_WATCHER, "request_resumed"),
    ),
    row(
        "completed",
        Status.IN_PROGRESS,
        lambda d, r: d.complete(r, EXECUTOR),
        {(STAFF, "request_completed"), (STAFF2, "request_completed_watcher")},
    ),
    row(
        "completed by an admin",
        Status.IN_PROGRESS,
        lambda d, r: d.complete(r, ADMIN),
        {(STAFF, "request_completed"), (STAFF2, "request_completed_watcher")},
    ),
    row(
        "rejected while open",
        Status.OPEN,
        lambda d, r: d.reject(r, ADMIN),
        each(AUTHOR_AND_WATCHER, "request_rejected"),
    ),
    row(
        "rejected on hold",
        Status.ON_HOLD,
        lambda d, r: d.reject(r, ADMIN2),
        each((*AUTHOR_AND_WATCHER, EXECUTOR), "request_rejected"),
    ),
    row(
        "cancelled by the author",
        Status.OPEN,
        lambda d, r: d.cancel(r, STAFF),
        each((*ADMINS, STAFF2), "request_cancelled"),
    ),
    row(
        "cancelled by an admin",
        Status.OPEN,
        lambda d, r: d.cancel(r, ADMIN),
        each((ADMIN2, *AUTHOR_AND_WATCHER), "request_cancelled"),
    ),
    row(
        "reopened",
        Status.COMPLETED,
        lambda d, r: d.reopen(r, STAFF),
        {(EXECUTOR, "request_reopened")} | each(ADMINS, "request_reopened"),
    ),
    row(
        "author comments, assignee hears",
        Status.IN_PROGRESS,
        lambda d, r: d.comment(r, STAFF),
        {(EXECUTOR, "comment_added")},
    ),
    row(
        "author comments, nobody assigned: admins hear",
        Status.OPEN,
        lambda d, r: d.comment(r, STAFF),
        each(ADMINS, "comment_added"),
    ),
    row(
        "assignee comments, author hears",
        Status.ON_HOLD,
        lambda d, r: d.comment(r, EXECUTOR),
        {(STAFF, "comment_added")},
    ),
    row(
        "admin comments, author and assignee hear",
        Status.IN_PROGRESS,
        lambda d, r: d.comment(r, ADMIN),
        {(STAFF, "comment_added"), (EXECUTOR, "comment_added")},
    ),
    row(
        "another executor comments",
        Status.IN_PROGRESS,
        lambda d, r: d.comment(r, EXECUTOR2),
        {(STAFF, "comment_added"), (EXECUTOR, "comment_added")},
    ),
    row(
        "executor comments on an open request",
        Status.OPEN,
        lambda d, r: d.comment(r, EXECUTOR2),
        {(STAFF, "comment_added")},
    ),
    row(
        "author comments after completion",
        Status.COMPLETED,
        lambda d, r: d.comment(r, STAFF),
        {(EXECUTOR, "comment_added")},
    ),
    row(
        "internal note by the assignee",
        Status.IN_PROGRESS,
        lambda d, r: d.note(r, EXECUTOR),
        each(ADMINS, "internal_note_added"),
    ),
    row(
        "internal note by an admin",
        Status.IN_PROGRESS,
        lambda d, r: d.note(r, ADMIN),
        {(EXECUTOR, "internal_note_added"), (ADMIN2, "internal_note_added")},
    ),
    row(
        "internal note by a bystander executor",
        Status.ON_HOLD,
        lambda d, r: d.note(r, EXECUTOR2),
        {(EXECUTOR, "internal_note_added")} | each(ADMINS, "internal_note_added"),
    ),
    row(
        "internal note on an open request",
        Status.OPEN,
        lambda d, r: d.note(r, EXECUTOR),
        each(ADMINS, "internal_note_added"),
    ),
    row(
        "internal note when the author is an admin",
        Status.IN_PROGRESS,
        lambda d, r: d.note(r, EXECUTOR),
        {(ADMIN2, "internal_note_added")},
        author=ADMIN,
    ),
    row(
        "internal note by an admin author's colleague",
        Status.IN_PROGRESS,
        lambda d, r: d.note(r, ADMIN2),
        {(EXECUTOR, "internal_note_added")},
        author=ADMIN,
    ),
    row(
        "internal note when the author is the assignee",
        Status.IN_PROGRESS,
        lambda d, r: d.note(r, ADMIN),
        {(ADMIN2, "internal_note_added")},
        author=EXECUTOR,
    ),
    row(
        "internal note when the author is a bystander executor",
        Status.IN_PROGRESS,
        lambda d, r: d.note(r, EXECUTOR),
        each(ADMINS, "internal_note_added"),
        author=EXECUTOR2,
    ),
    row(
        "rating 1: admins and the assignee",
        Status.COMPLETED,
        lambda d, r: d.rate(r, 1),
        each((*ADMINS, EXECUTOR), "low_rating"),
    ),
    row(
        "rating 2: admins and the assignee",
        Status.COMPLETED,
        lambda d, r: d.rate(r, 2),
        each((*ADMINS, EXECUTOR), "low_rating"),
    ),
    row("rating 3", Status.COMPLETED, lambda d, r: d.rate(r, 3), set()),
    row("rating 4", Status.COMPLETED, lambda d, r: d.rate(r, 4), set()),
    row("rating 5", Status.COMPLETED, lambda d, r: d.rate(r, 5), set()),
    row("confirmed", Status.COMPLETED, lambda d, r: d.confirm(r), set()),
    row(
        "priority changed",
        Status.IN_PROGRESS,
        lambda d, r: d.change_priority(r, Priority.HIGH),
        set(),
    ),
    row("attachment added", Status.OPEN, lambda d, r: d.attach(r, STAFF), set()),
    row("another watcher", Status.OPEN, lambda d, r: d.watch(r, EXECUTOR2), set()),
]


@pytest.mark.parametrize(("status", "author", "act", "expected"), TABLE)
async def test_the_notification_table(
    desk: Desk, status: Status, author: int, act: Act, expected: Told
) -> None:
    watchers = () if author == STAFF2 else (STAFF2,)
    rid = await desk.in_status(status, author=author, watchers=watchers)
    mark = desk.mark()

    await act(desk, rid)

    assert desk.told_since(mark) == expected
    assert all(m.request_id == rid for m in desk.since(mark))


@pytest.mark.parametrize(
    ("status", "earlier", "writer", "expected"),
    [
        pytest.param(
            Status.IN_PROGRESS, (ADMIN,), STAFF, {EXECUTOR, ADMIN}, id="the admin who asked"
        ),
        pytest.param(
            Status.OPEN, (EXECUTOR2,), STAFF, {EXECUTOR2, *ADMINS}, id="asked, nobody assigned"
        ),
        pytest.param(
            Status.IN_PROGRESS, (ADMIN, ADMIN2), EXECUTOR, {STAFF, *ADMINS}, id="everyone in it"
        ),
        pytest.param(
            Status.IN_PROGRESS, (EXECUTOR2, STAFF), ADMIN, {STAFF, EXECUTOR, EXECUTOR2}, id="joined"
        ),
        pytest.param(Status.IN_PROGRESS, (), STAFF, {EXECUTOR}, id="nobody asked"),
    ],
)
async def test_a_public_comment_reaches_the_whole_conversation(
    desk: Desk, status: Status, earlier: tuple[int, ...], writer: int, expected: set[int]
) -> None:
    rid = await desk.in_status(status, author=STAFF, watchers=(STAFF2,))
    for person in earlier:
        await desk.comment(rid, person, "Вопрос")
    mark = desk.mark()

    await desk.comment(rid, writer, "Ответ")

    assert desk.told_since(mark) == each(tuple(expected), "comment_added")


async def test_internal_notes_do_not_join_the_conversation(desk: Desk) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS, author=STAFF)
    await desk.note(rid, EXECUTOR2)
    mark = desk.mark()

    await desk.comment(rid, STAFF, "Ответ")

    assert desk.told_since(mark) == {(EXECUTOR, "comment_added")}


async def test_who_may_no_longer_see_the_request_leaves_the_conversation(desk: Desk) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS, author=STAFF)
    await desk.comment(rid, EXECUTOR2, "Вопрос")
    await desk.comment(rid, ADMIN2, "Вопрос")
    desk.db.users[UserId(EXECUTOR2)].role = Role.STAFF
    desk.db.users[UserId(ADMIN2)].state = UserState.BLOCKED
    mark = desk.mark()

    await desk.comment(rid, STAFF, "Ответ")

    assert desk.told_since(mark) == {(EXECUTOR, "comment_added")}


@pytest.mark.parametrize(
    ("author", "notify_executors", "expected"),
    [
        pytest.param(STAFF, False, each(ADMINS, "request_created"), id="admins"),
        pytest.param(
            STAFF,
            True,
            each((*ADMINS, EXECUTOR, EXECUTOR2), "request_created"),
            id="admins and executors when configured",
        ),
        pytest.param(
            EXECUTOR,
            True,
            each((*ADMINS, EXECUTOR2), "request_created"),
            id="not the executor who filed it",
        ),
        pytest.param(ADMIN, False, {(ADMIN2, "request_created")}, id="not the admin who filed it"),
    ],
)
async def test_a_new_request_is_announced(
    desk: Desk, settings: WorkflowSettings, author: int, notify_executors: bool, expected: Told
) -> None:
    config = WorkflowSettings(admin_ids=settings.admin_ids, notify_executors=notify_executors)

    created = await desk.create(author, settings=config)

    assert desk.told_since(0) == expected
    assert {m.request_id for m in desk.db.outbox} == {created.id}
    assert {m.params["title"] for m in desk.db.outbox} == {created.title}


@pytest.mark.parametrize(
    ("silenced", "state"),
    [(STAFF2, UserState.BLOCKED), (STAFF2, UserState.PENDING), (STAFF, UserState.BLOCKED)],
)
async def test_blocked_or_pending_people_hear_nothing(
    desk: Desk, silenced: int, state: UserState
) -> None:
    rid = await desk.in_status(Status.OPEN, watchers=(STAFF2,))
    desk.db.users[UserId(silenced)].state = state
    mark = desk.mark()

    await desk.take(rid, EXECUTOR)

    assert desk.told_since(mark) == {
        (p, "request_taken") for p in AUTHOR_AND_WATCHER if p != silenced
    }


async def test_a_blocked_admin_or_assignee_hears_nothing(desk: Desk) -> None:
    rid = await desk.in_status(Status.COMPLETED)
    desk.db.users[UserId(ADMIN2)].state = UserState.BLOCKED
    desk.db.users[UserId(EXECUTOR)].state = UserState.BLOCKED
    mark = desk.mark()

    await desk.reopen(rid)

    assert desk.told_since(mark) == {(ADMIN, "request_reopened")}


async def test_a_demoted_admin_no_longer_hears_what_admins_hear(desk: Desk) -> None:
    desk.db.users[UserId(ADMIN2)].role = Role.EXECUTOR

    await desk.create(STAFF)

    assert desk.told_since(0) == {(ADMIN, "request_created")}


async def test_messages_carry_the_request_and_the_event_payload(desk: Desk) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS, watchers=(STAFF2,))

    mark = desk.mark()
    await desk.hold(rid, EXECUTOR, reason="  Ждём   запчасти  ")
    (on_hold, _) = sorted(desk.since(mark), key=lambda m: m.recipient)
    assert on_hold.recipient == STAFF
    assert on_hold.request_id == rid
    assert on_hold.params["reason"] == "Ждём запчасти"
    assert on_hold.params["actor"] == EXECUTOR
    assert on_hold.params["request_id"] == rid
    assert on_hold.params["status"] == "on_hold"
    assert on_hold.params["location"] == "Каб. 305"
    assert on_hold.created_at == desk.clock.now()

    await desk.resume(rid)
    mark = desk.mark()
    await desk.comment(rid, STAFF, "Когда\nпридёте?", attachments=(photo(3),))
    (comment,) = desk.since(mark)
    assert comment.params["text"] == "Когда\nпридёте?"
    assert comment.params["internal"] is False
    assert comment.attachments == (photo(3),)

    mark = desk.mark()
    photos = (photo(1), photo(2))
    await desk.complete(rid, EXECUTOR, report="Заменили замок", photos=photos)
    completed = {m.recipient: m for m in desk.since(mark)}
    assert set(completed) == {STAFF, STAFF2}
    for message in completed.values():
        assert message.params["report"] == "Заменили замок"
        assert message.attachments == photos
        assert message.request_id == rid


async def test_rejection_and_reopening_carry_the_reason(desk: Desk) -> None:
    rejected = await desk.in_status(Status.OPEN)
    mark = desk.mark()
    await desk.reject(rejected, ADMIN, reason="Не наша зона")
    assert {m.params["reason"] for m in desk.since(mark)} == {"Не наша зона"}

    reopened = await desk.in_status(Status.COMPLETED)
    mark = desk.mark()
    await desk.reopen(reopened, reason="Снова капает")
    assert {m.params["reason"] for m in desk.since(mark)} == {"Снова капает"}


async def test_a_low_rating_carries_score_and_feedback(desk: Desk) -> None:
    rid = await desk.in_status(Status.COMPLETED)
    mark = desk.mark()

    await desk.rate(rid, 1, feedback="Так и течёт")

    assert {(m.params["rating"], m.params["feedback"]) for m in desk.since(mark)} == {
        (1, "Так и течёт")
    }


async def test_dedupe_keys_are_unique_per_event_and_recipient(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN, watchers=(STAFF2,))
    await desk.comment(rid, STAFF, "Первый вопрос")
    await desk.comment(rid, STAFF, "Второй вопрос")
    await desk.take(rid)
    await desk.hold(rid)
    await desk.resume(rid)
    await desk.hold(rid)
    await desk.resume(rid)
    await desk.complete(rid)
    await desk.reopen(rid)
    await desk.complete(rid)
    await desk.rate(rid, 2)
    other = await desk.in_status(Status.OPEN)

    keys = [m.dedupe_key for m in desk.db.outbox]
    assert len(keys) == len(set(keys))
    to_admin = [m for m in desk.db.outbox if m.recipient == ADMIN and m.template == "comment_added"]
    assert len(to_admin) == 2
    assert [m.template for m in desk.db.outbox if m.recipient == STAFF2].count(
        "request_on_hold"
    ) == 2
    assert {m.request_id for m in desk.db.outbox} == {rid, other}
    assert all(str(m.request_id) in m.dedupe_key for m in desk.db.outbox)
    assert all(m.recipient != m.params["actor"] for m in desk.db.outbox)
