"""Every use case on a request: its happy path, its refusals, and what a refusal leaves behind."""

from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest

from tests.unit.application.support import Desk, Snapshot
from tests.unit.builders import photo
from tests.unit.conftest import ADMIN, ADMIN2, EXECUTOR, EXECUTOR2, STAFF, STAFF2
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.take_request import TakeRequest, TakeRequestCommand
from zavhoz.domain.attachments import MAX_ATTACHMENTS
from zavhoz.domain.catalog import Priority, Status
from zavhoz.domain.errors import (
    ChangedMeanwhile,
    DomainError,
    NotFound,
    NotPermitted,
    TransitionNotAllowed,
    ValidationFailed,
)
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import UserState

Act = Callable[[Desk, RequestId], Awaitable[Any]]

# --- happy paths ----------------------------------------------------------------------------


async def test_take_makes_the_executor_the_assignee(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)
    desk.clock.advance(hours=1)

    returned = await desk.take(rid, EXECUTOR)

    stored = desk.request(rid)
    assert (stored.status, stored.assignee, stored.taken_at) == (
        Status.IN_PROGRESS,
        EXECUTOR,
        desk.clock.now(),
    )
    assert returned.assignee == EXECUTOR
    assert stored.version == 2
    assert desk.kinds(rid) == ["created", "taken"]
    assert desk.db.history[rid][-1].actor == EXECUTOR


async def test_assign_gives_the_request_to_the_target(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)

    await desk.assign(rid, EXECUTOR2, ADMIN)

    stored = desk.request(rid)
    assert (stored.status, stored.assignee) == (Status.IN_PROGRESS, EXECUTOR2)
    event = desk.db.history[rid][-1]
    assert (event.kind, event.actor, event.payload["assignee"]) == ("assigned", ADMIN, EXECUTOR2)


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.ON_HOLD])
async def test_reassign_keeps_the_status(desk: Desk, status: Status) -> None:
    rid = await desk.in_status(status)

    await desk.reassign(rid, ADMIN2, ADMIN)

    stored = desk.request(rid)
    assert (stored.status, stored.assignee) == (status, ADMIN2)
    event = desk.db.history[rid][-1]
    assert (event.kind, event.payload["previous"], event.payload["assignee"]) == (
        "reassigned",
        EXECUTOR,
        ADMIN2,
    )


async def test_hold_and_resume_pause_the_resolve_deadline(desk: Desk) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS)
    before = desk.request(rid).resolve_by

    await desk.hold(rid, EXECUTOR, "Ждём запчасти")
    assert desk.request(rid).status is Status.ON_HOLD
    assert desk.request(rid).due_at is None
    desk.clock.advance(hours=2)  # Monday 14:00 Moscow: two working hours on hold
    await desk.resume(rid, ADMIN)

    stored = desk.request(rid)
    assert stored.status is Status.IN_PROGRESS
    assert stored.resolve_by == before + timedelta(hours=2)
    assert desk.kinds(rid)[-2:] == ["put_on_hold", "resumed"]
    assert desk.db.history[rid][-2].payload["reason"] == "Ждём запчасти"


async def test_complete_records_report_and_photos(desk: Desk) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS)

    await desk.complete(rid, EXECUTOR, report="Заменили кран", photos=(photo(1), photo(2)))

    stored = desk.request(rid)
    assert (stored.status, stored.completed_at) == (Status.COMPLETED, desk.clock.now())
    event = desk.db.history[rid][-1]
    assert event.kind == "completed"
    assert event.payload["report"] == "Заменили кран"
    assert event.attachments == (photo(1), photo(2))


async def test_complete_when_photos_are_required(desk: Desk, settings: WorkflowSettings) -> None:
    strict = WorkflowSettings(admin_ids=settings.admin_ids, require_completion_photo=True)
    rid = await desk.in_status(Status.IN_PROGRESS)
    before = Snapshot.of(desk.db)

    with pytest.raises(ValidationFailed) as refused:
        await desk.complete(rid, EXECUTOR, settings=strict)

    assert (refused.value.field, refused.value.rule) == ("photos", "required")
    assert Snapshot.of(desk.db) == before
    await desk.complete(rid, EXECUTOR, photos=(photo(),), settings=strict)
    assert desk.request(rid).status is Status.COMPLETED


@pytest.mark.parametrize(
    ("status", "act", "expected"),
    [
        (Status.OPEN, lambda d, r: d.reject(r, ADMIN), Status.REJECTED),
        (Status.IN_PROGRESS, lambda d, r: d.reject(r, ADMIN), Status.REJECTED),
        (Status.ON_HOLD, lambda d, r: d.reject(r, ADMIN), Status.REJECTED),
        (Status.OPEN, lambda d, r: d.cancel(r, STAFF, "Сами починили"), Status.CANCELLED),
        (Status.OPEN, lambda d, r: d.cancel(r, ADMIN), Status.CANCELLED),
    ],
)
async def test_reject_and_cancel_close_the_request(
    desk: Desk, status: Status, act: Act, expected: Status
) -> None:
    rid = await desk.in_status(status)
    desk.clock.advance(minutes=5)

    await act(desk, rid)

    stored = desk.request(rid)
    assert (stored.status, stored.closed_at) == (expected, desk.clock.now())
    assert stored.next_alert_at is None
    assert desk.kinds(rid)[-1] == expected.value


async def test_cancel_keeps_an_optional_reason(desk: Desk) -> None:
    silent, explained = await desk.in_status(Status.OPEN), await desk.in_status(Status.OPEN)

    await desk.cancel(silent)
    await desk.cancel(explained, reason="Сами починили")

    assert desk.db.history[silent][-1].payload["reason"] is None
    assert desk.db.history[explained][-1].payload["reason"] == "Сами починили"


async def test_reopen_within_a_week_returns_to_the_same_assignee(desk: Desk) -> None:
    rid = await desk.in_status(Status.COMPLETED)
    desk.clock.advance(days=7)

    await desk.reopen(rid, STAFF, "Снова течёт")

    stored = desk.request(rid)
    assert (stored.status, stored.assignee, stored.completed_at) == (
        Status.IN_PROGRESS,
        EXECUTOR,
        None,
    )
    assert desk.db.history[rid][-1].payload["reason"] == "Снова течёт"


async def test_confirm_and_rate(desk: Desk) -> None:
    rid = await desk.in_status(Status.COMPLETED)

    await desk.confirm(rid)
    await desk.rate(rid, 5, feedback="Спасибо!")

    stored = desk.request(rid)
    assert stored.status is Status.COMPLETED
    assert stored.confirmed_at == desk.clock.now()
    assert (stored.rating, stored.feedback) == (5, "Спасибо!")
    assert desk.kinds(rid)[-2:] == ["confirmed", "rated"]


async def test_change_priority_recomputes_the_deadlines(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)
    medium = desk.request(rid)

    await desk.change_priority(rid, Priority.HIGH)

    high = desk.request(rid)
    assert high.priority is Priority.HIGH
    assert high.respond_by < medium.respond_by
    assert high.resolve_by < medium.resolve_by
    assert dict(desk.db.history[rid][-1].payload) == {"priority": "high", "previous": "medium"}


async def test_a_comment_is_kept_in_history(desk: Desk) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS)

    await desk.comment(rid, EXECUTOR, "  Буду   в 15:00 ", attachments=(photo(4),))
    await desk.note(rid, EXECUTOR, "Нужен новый смеситель")

    public, internal = desk.db.history[rid][-2:]
    assert (public.payload["text"], public.is_internal, public.attachments) == (
        "Буду в 15:00",
        False,
        (photo(4),),
    )
    assert (internal.payload["text"], internal.is_internal) == ("Нужен новый смеситель", True)
    assert desk.request(rid).status is Status.IN_PROGRESS


@pytest.mark.parametrize("actor", [STAFF, EXECUTOR2])
async def test_add_attachment(desk: Desk, actor: int) -> None:
    rid = await desk.in_status(Status.IN_PROGRESS)

    await desk.attach(rid, actor, photo(9))

    assert desk.request(rid).attachments == [photo(9)]
    event = desk.db.history[rid][-1]
    assert (event.kind, event.actor, event.attachments) == ("attachment_added", actor, (photo(9),))


async def test_the_eleventh_attachment_is_refused(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)
    for n in range(MAX_ATTACHMENTS):
        await desk.attach(rid, STAFF, photo(n))
    before = Snapshot.of(desk.db)

    with pytest.raises(ValidationFailed):
        await desk.attach(rid, STAFF, photo(99))

    assert Snapshot.of(desk.db) == before
    assert len(desk.request(rid).attachments) == MAX_ATTACHMENTS


async def test_watch_once_then_nothing_more(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)

    await desk.watch(rid, STAFF2)
    after_first = Snapshot.of(desk.db)
    again = await desk.watch(rid, STAFF2)

    assert desk.request(rid).watchers == {STAFF2}
    assert desk.kinds(rid) == ["created", "watcher_added"]
    assert Snapshot.of(desk.db) == after_first
    assert again.watchers == {STAFF2}


# --- refusals -------------------------------------------------------------------------------

REFUSALS = [
    # (status, forged action, error, reason or (field, rule))
    (Status.OPEN, lambda d, r: d.take(r, STAFF2), NotPermitted, "executors_only"),
    (Status.OPEN, lambda d, r: d.assign(r, EXECUTOR, EXECUTOR), NotPermitted, "admins_only"),
    (Status.OPEN, lambda d, r: d.assign(r, STAFF2, ADMIN), ValidationFailed, "assignee"),
    (Status.IN_PROGRESS, lambda d, r: d.assign(r, EXECUTOR2), TransitionNotAllowed, None),
    (
        Status.IN_PROGRESS,
        lambda d, r: d.reassign(r, EXECUTOR2, EXECUTOR),
        NotPermitted,
        "admins_only",
    ),
    (Status.IN_PROGRESS, lambda d, r: d.reassign(r, EXECUTOR, ADMIN), ValidationFailed, "assignee"),
    (Status.IN_PROGRESS, lambda d, r: d.reassign(r, STAFF, ADMIN), ValidationFailed, "assignee"),
    (Status.OPEN, lambda d, r: d.reassign(r, EXECUTOR, ADMIN), TransitionNotAllowed, None),
    (Status.IN_PROGRESS, lambda d, r: d.hold(r, EXECUTOR2), NotPermitted, "assignee_or_admin_only"),
    (Status.IN_PROGRESS, lambda d, r: d.hold(r, STAFF), NotPermitted, "assignee_or_admin_only"),
    (Status.IN_PROGRESS, lambda d, r: d.hold(r, EXECUTOR, "?"), ValidationFailed, "reason"),
    (Status.ON_HOLD, lambda d, r: d.resume(r, EXECUTOR2), NotPermitted, "assignee_or_admin_only"),
    (
        Status.IN_PROGRESS,
        lambda d, r: d.complete(r, EXECUTOR2),
        NotPermitted,
        "assignee_or_admin_only",
    ),
    (Status.IN_PROGRESS, lambda d, r: d.complete(r, STAFF), NotPermitted, "assignee_or_admin_only"),
    (Status.ON_HOLD, lambda d, r: d.complete(r, EXECUTOR), TransitionNotAllowed, None),
    (Status.IN_PROGRESS, lambda d, r: d.complete(r, EXECUTOR, "ok"), ValidationFailed, "report"),
    (Status.OPEN, lambda d, r: d.reject(r, EXECUTOR), NotPermitted, "admins_only"),
    (Status.OPEN, lambda d, r: d.reject(r, STAFF), NotPermitted, "admins_only"),
    (Status.COMPLETED, lambda d, r: d.reject(r, ADMIN), TransitionNotAllowed, None),
    (Status.OPEN, lambda d, r: d.cancel(r, STAFF2), NotPermitted, "author_or_admin_only"),
    (Status.OPEN, lambda d, r: d.cancel(r, EXECUTOR), NotPermitted, "author_or_admin_only"),
    (Status.IN_PROGRESS, lambda d, r: d.cancel(r, STAFF), TransitionNotAllowed, None),
    (Status.COMPLETED, lambda d, r: d.reopen(r, ADMIN), NotPermitted, "author_only"),
    (Status.COMPLETED, lambda d, r: d.reopen(r, STAFF, ""), ValidationFailed, "reason"),
    (Status.COMPLETED, lambda d, r: d.confirm(r, EXECUTOR), NotPermitted, "author_only"),
    (Status.IN_PROGRESS, lambda d, r: d.confirm(r, STAFF), TransitionNotAllowed, None),
    (Status.COMPLETED, lambda d, r: d.rate(r, 5, ADMIN), NotPermitted, "author_only"),
    (Status.COMPLETED, lambda d, r: d.rate(r, 6), ValidationFailed, "rating"),
    (Status.COMPLETED, lambda d, r: d.rate(r, 0), ValidationFailed, "rating"),
    (Status.IN_PROGRESS, lambda d, r: d.rate(r, 5), TransitionNotAllowed, None),
    (
        Status.OPEN,
        lambda d, r: d.change_priority(r, Priority.HIGH, EXECUTOR),
        NotPermitted,
        "admins_only",
    ),
    (Status.OPEN, lambda d, r: d.change_priority(r, Priority.MEDIUM), ValidationFailed, "priority"),
    (
        Status.COMPLETED,
        lambda d, r: d.change_priority(r, Priority.HIGH),
        TransitionNotAllowed,
        None,
    ),
    (Status.IN_PROGRESS, lambda d, r: d.comment(r, STAFF2), NotPermitted, "participants_only"),
    (Status.IN_PROGRESS, lambda d, r: d.comment(r, STAFF, "   "), ValidationFailed, "comment"),
    (Status.IN_PROGRESS, lambda d, r: d.note(r, STAFF), NotPermitted, "executors_only"),
    (Status.CANCELLED, lambda d, r: d.comment(r, STAFF), TransitionNotAllowed, None),
    (Status.REJECTED, lambda d, r: d.note(r, ADMIN), TransitionNotAllowed, None),
    (Status.OPEN, lambda d, r: d.attach(r, STAFF2), NotPermitted, "participants_only"),
    (Status.COMPLETED, lambda d, r: d.attach(r, STAFF), TransitionNotAllowed, None),
    (Status.OPEN, lambda d, r: d.watch(r, STAFF), NotPermitted, "author_is_notified"),
    (Status.COMPLETED, lambda d, r: d.watch(r, STAFF2), TransitionNotAllowed, None),
    (Status.OPEN, lambda d, r: d.take(r, 999), NotFound, None),
    (Status.OPEN, lambda d, r: d.assign(r, 999), NotFound, None),
    (Status.OPEN, lambda d, r: d.take(RequestId(r + 100)), NotFound, None),
]


@pytest.mark.parametrize(("status", "act", "error", "reason"), REFUSALS)
async def test_a_refused_action_changes_nothing(
    desk: Desk, status: Status, act: Act, error: type[DomainError], reason: str | None
) -> None:
    rid = await desk.in_status(status)
    before = Snapshot.of(desk.db)

    with pytest.raises(error) as refused:
        await act(desk, rid)

    if isinstance(refused.value, NotPermitted):
        assert refused.value.reason == reason
    if isinstance(refused.value, ValidationFailed):
        assert refused.value.field == reason
    assert Snapshot.of(desk.db) == before


@pytest.mark.parametrize(
    ("status", "act"),
    [
        (Status.OPEN, lambda d, r: d.cancel(r, STAFF)),
        (Status.OPEN, lambda d, r: d.take(r, EXECUTOR2)),
        (Status.COMPLETED, lambda d, r: d.rate(r, 5, STAFF)),
    ],
)
@pytest.mark.parametrize("state", [UserState.BLOCKED, UserState.PENDING])
async def test_an_inactive_actor_is_refused(
    desk: Desk, status: Status, act: Act, state: UserState
) -> None:
    rid = await desk.in_status(status)
    for person in (STAFF, EXECUTOR2):
        desk.db.users[UserId(person)].state = state
    before = Snapshot.of(desk.db)

    with pytest.raises(NotPermitted) as refused:
        await act(desk, rid)

    assert refused.value.reason == f"user_is_{state.value}"
    assert Snapshot.of(desk.db) == before


@pytest.mark.parametrize("state", [UserState.BLOCKED, UserState.PENDING])
async def test_assign_needs_an_active_target(desk: Desk, state: UserState) -> None:
    rid = await desk.in_status(Status.OPEN)
    desk.db.users[UserId(EXECUTOR2)].state = state
    before = Snapshot.of(desk.db)

    with pytest.raises(ValidationFailed) as refused:
        await desk.assign(rid, EXECUTOR2)

    assert refused.value.rule == "not_an_active_executor"
    assert Snapshot.of(desk.db) == before


@pytest.mark.parametrize(
    ("act", "reason"),
    [
        (lambda d, r: d.confirm(r), "already_confirmed"),
        (lambda d, r: d.rate(r, 4), "already_rated"),
    ],
)
async def test_confirm_and_rate_only_once(desk: Desk, act: Act, reason: str) -> None:
    rid = await desk.in_status(Status.COMPLETED)
    await act(desk, rid)
    before = Snapshot.of(desk.db)

    with pytest.raises(NotPermitted) as refused:
        await act(desk, rid)

    assert refused.value.reason == reason
    assert Snapshot.of(desk.db) == before


async def test_reopen_after_a_week_is_refused(desk: Desk) -> None:
    rid = await desk.in_status(Status.COMPLETED)
    desk.clock.advance(days=7, seconds=1)
    before = Snapshot.of(desk.db)

    with pytest.raises(NotPermitted) as refused:
        await desk.reopen(rid)

    assert refused.value.reason == "reopen_window_closed"
    assert Snapshot.of(desk.db) == before


async def test_reopen_after_confirmation_is_refused(desk: Desk) -> None:
    rid = await desk.in_status(Status.COMPLETED)
    await desk.confirm(rid)
    before = Snapshot.of(desk.db)

    with pytest.raises(NotPermitted):
        await desk.reopen(rid)

    assert Snapshot.of(desk.db) == before


# --- acting from a card one saw ----------------------------------------------------------------


async def test_acting_on_the_version_one_saw_acts(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)
    take = desk.build(TakeRequest, settings=desk.settings)

    await take(TakeRequestCommand(actor_id=UserId(EXECUTOR), request_id=rid), seen=1)

    assert desk.request(rid).assignee == EXECUTOR


async def test_a_card_that_changed_since_it_was_seen_is_refused_untouched(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)
    await desk.take(rid, EXECUTOR)
    before = Snapshot.of(desk.db)
    take = desk.build(TakeRequest, settings=desk.settings)

    with pytest.raises(ChangedMeanwhile) as caught:
        await take(TakeRequestCommand(actor_id=UserId(EXECUTOR2), request_id=rid), seen=1)

    assert (caught.value.request_id, caught.value.seen) == (rid, 1)
    assert Snapshot.of(desk.db) == before


async def test_a_card_one_may_not_see_is_refused_before_its_version(desk: Desk) -> None:
    rid = await desk.in_status(Status.OPEN)
    take = desk.build(TakeRequest, settings=desk.settings)

    with pytest.raises(NotPermitted) as caught:
        await take(TakeRequestCommand(actor_id=UserId(STAFF2), request_id=rid), seen=99)

    assert (caught.value.action, caught.value.reason) == ("view", "not_a_participant")
