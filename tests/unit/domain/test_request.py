"""The request aggregate: creation, the rules of each action beyond the table, and its history."""

from datetime import timedelta

import pytest

from tests.unit.builders import CALENDAR, MONDAY_NOON_MSK, new_request, photo, request_in, user
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.errors import NotPermitted, TransitionNotAllowed, ValidationFailed
from zavhoz.domain.events import EventKind, HistoryEvent
from zavhoz.domain.ids import RoomCode
from zavhoz.domain.policy import available_actions, can_view
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User, UserState
from zavhoz.domain.workflow import Action

AUTHOR, STAFF2 = user(101), user(102)
WORKER, EXECUTOR2 = user(201, Role.EXECUTOR), user(202, Role.EXECUTOR)
ADMIN, ADMIN2 = user(301, Role.ADMIN), user(302, Role.ADMIN)
BLOCKED_EXECUTOR = user(203, Role.EXECUTOR, UserState.BLOCKED)
PENDING_EXECUTOR = user(204, Role.EXECUTOR, UserState.PENDING)
NOW = MONDAY_NOON_MSK
LATER = NOW + timedelta(hours=1)


def in_status(status: Status) -> Request:
    return request_in(status, AUTHOR, WORKER, ADMIN)


def photos(count: int) -> list[Attachment]:
    return [photo(n) for n in range(count)]


def only_event(request: Request) -> HistoryEvent:
    events = request.pull_events()
    assert len(events) == 1
    return events[0]


def refused(error: pytest.ExceptionInfo[ValidationFailed]) -> tuple[str, str]:
    return error.value.field, error.value.rule


# --- creation ---------------------------------------------------------------------------------


def test_a_new_request_is_open_normalised_and_recorded() -> None:
    request = Request.create(
        author=AUTHOR,
        location="  Каб.   305 ",
        category=Category.PLUMBING,
        description="Течёт кран\r\nв туалете на втором этаже",
        priority=Priority.HIGH,
        now=NOW,
        calendar=CALENDAR,
        attachments=photos(2),
        room_code=RoomCode("305"),
        idempotency_key="draft-7",
    )

    assert request.status is Status.OPEN
    assert request.author == AUTHOR.id
    assert request.assignee is None
    assert request.location == "Каб. 305"
    assert request.description == "Течёт кран\nв туалете на втором этаже"
    assert request.title == "Течёт кран"
    assert request.priority is Priority.HIGH
    assert request.room_code == "305"
    assert request.idempotency_key == "draft-7"
    assert request.created_at == request.updated_at == NOW
    assert request.version == 1
    event = only_event(request)
    assert (event.kind, event.actor, event.at) == (EventKind.CREATED, AUTHOR.id, NOW)
    assert event.attachments == tuple(photos(2))


def test_the_default_priority_is_medium() -> None:
    assert new_request(AUTHOR).priority is Priority.MEDIUM


@pytest.mark.parametrize("state", [UserState.BLOCKED, UserState.PENDING])
def test_only_an_active_user_may_file_a_request(state: UserState) -> None:
    with pytest.raises(NotPermitted) as error:
        new_request(user(105, state=state))
    assert (error.value.action, error.value.reason) == ("create", f"user_is_{state.value}")


@pytest.mark.parametrize("count", [9, 10, 11])
def test_a_new_request_takes_at_most_ten_attachments(count: int) -> None:
    def create() -> Request:
        return Request.create(
            author=AUTHOR,
            location="Каб. 305",
            category=Category.OTHER,
            description="Не закрывается дверь",
            priority=Priority.MEDIUM,
            now=NOW,
            calendar=CALENDAR,
            attachments=photos(count),
        )

    if count <= 10:
        assert len(create().attachments) == count
    else:
        with pytest.raises(ValidationFailed) as error:
            create()
        assert (error.value.field, error.value.rule, error.value.limit, error.value.actual) == (
            "attachments",
            "max_count",
            10,
            11,
        )


# --- take, assign, reassign -------------------------------------------------------------------


def test_taking_makes_the_actor_the_assignee() -> None:
    request = in_status(Status.OPEN)

    request.take(WORKER, LATER)

    assert (request.status, request.assignee, request.taken_at) == (
        Status.IN_PROGRESS,
        WORKER.id,
        LATER,
    )
    assert request.updated_at == LATER
    assert only_event(request).kind is EventKind.TAKEN


@pytest.mark.parametrize("target", [WORKER, ADMIN2], ids=["executor", "admin"])
def test_assigning_gives_the_request_to_an_active_executor_or_admin(target: User) -> None:
    request = in_status(Status.OPEN)

    request.assign(ADMIN, target, LATER)

    assert (request.status, request.assignee, request.taken_at) == (
        Status.IN_PROGRESS,
        target.id,
        LATER,
    )
    event = only_event(request)
    assert (event.kind, event.actor, event.payload["assignee"]) == (
        EventKind.ASSIGNED,
        ADMIN.id,
        target.id,
    )


@pytest.mark.parametrize(
    "target",
    [AUTHOR, BLOCKED_EXECUTOR, PENDING_EXECUTOR, user(303, Role.ADMIN, UserState.BLOCKED)],
    ids=["staff", "blocked-executor", "pending-executor", "blocked-admin"],
)
@pytest.mark.parametrize("action", ["assign", "reassign"])
def test_only_an_active_executor_can_be_given_a_request(target: User, action: str) -> None:
    request = in_status(Status.OPEN if action == "assign" else Status.IN_PROGRESS)
    status, assignee = request.status, request.assignee

    with pytest.raises(ValidationFailed) as error:
        getattr(request, action)(ADMIN, target, LATER)

    assert refused(error) == ("assignee", "not_an_active_executor")
    assert (request.status, request.assignee) == (status, assignee)
    assert request.pull_events() == []


@pytest.mark.parametrize("status", [Status.IN_PROGRESS, Status.ON_HOLD])
def test_reassigning_changes_the_assignee_and_keeps_the_status(status: Status) -> None:
    request = in_status(status)

    request.reassign(ADMIN, EXECUTOR2, LATER)

    assert (request.status, request.assignee) == (status, EXECUTOR2.id)
    event = only_event(request)
    assert event.kind is EventKind.REASSIGNED
    assert dict(event.payload) == {"assignee": EXECUTOR2.id, "previous": WORKER.id}


def test_reassigning_to_the_current_assignee_is_refused() -> None:
    request = in_status(Status.IN_PROGRESS)

    with pytest.raises(ValidationFailed) as error:
        request.reassign(ADMIN, WORKER, LATER)

    assert refused(error) == ("assignee", "same_assignee")
    assert request.pull_events() == []


# --- hold, resume, complete -------------------------------------------------------------------


def test_putting_on_hold_records_the_reason_and_resuming_records_nothing_else() -> None:
    request = in_status(Status.IN_PROGRESS)

    request.hold(WORKER, "  Ждём   запчасти ", LATER)
    hold = only_event(request)
    request.resume(WORKER, LATER + timedelta(hours=1), CALENDAR)
    resume = only_event(request)

    assert (hold.kind, dict(hold.payload)) == (EventKind.PUT_ON_HOLD, {"reason": "Ждём запчасти"})
    assert (resume.kind, dict(resume.payload)) == (EventKind.RESUMED, {})
    assert request.hold_started_at is None
    assert request.status is Status.IN_PROGRESS


def test_completing_records_the_report_and_photos() -> None:
    request = in_status(Status.IN_PROGRESS)

    request.complete(WORKER, "Заменили\r\nзамок", photos(3), LATER)

    assert (request.status, request.completed_at) == (Status.COMPLETED, LATER)
    event = only_event(request)
    assert (event.kind, event.payload["report"]) == (EventKind.COMPLETED, "Заменили\nзамок")
    assert event.attachments == tuple(photos(3))


def test_completing_needs_a_photo_when_photos_are_required() -> None:
    request = in_status(Status.IN_PROGRESS)

    with pytest.raises(ValidationFailed) as error:
        request.complete(WORKER, "Заменили замок", (), LATER, photo_required=True)

    assert refused(error) == ("photos", "required")
    assert request.status is Status.IN_PROGRESS
    request.complete(WORKER, "Заменили замок", photos(1), LATER, photo_required=True)
    assert request.status is Status.COMPLETED


@pytest.mark.parametrize(("count", "accepted"), [(10, True), (11, False)])
def test_completing_takes_at_most_ten_photos(count: int, accepted: bool) -> None:
    request = in_status(Status.IN_PROGRESS)
    if accepted:
        request.complete(WORKER, "Заменили замок", photos(count), LATER)
        assert request.status is Status.COMPLETED
    else:
        with pytest.raises(ValidationFailed) as error:
            request.complete(WORKER, "Заменили замок", photos(count), LATER)
        assert (error.value.rule, error.value.limit, error.value.actual) == ("max_count", 10, 11)
        assert request.status is Status.IN_PROGRESS


# --- reject, cancel ---------------------------------------------------------------------------


@pytest.mark.parametrize("status", [Status.OPEN, Status.IN_PROGRESS, Status.ON_HOLD])
def test_rejecting_closes_the_request_with_a_reason(status: Status) -> None:
    request = in_status(status)

    request.reject(ADMIN, "Не наша зона", LATER)

    assert (request.status, request.closed_at) == (Status.REJECTED, LATER)
    assert dict(only_event(request).payload) == {"reason": "Не наша зона"}


@pytest.mark.parametrize(
    ("reason", "recorded"), [("", None), ("  ", None), ("Сам починил", "Сам починил")]
)
def test_a_cancel_reason_is_optional(reason: str, recorded: str | None) -> None:
    request = in_status(Status.OPEN)

    request.cancel(AUTHOR, reason, LATER)

    assert (request.status, request.closed_at) == (Status.CANCELLED, LATER)
    assert dict(only_event(request).payload) == {"reason": recorded}


# --- after completion: reopen, confirm, rate --------------------------------------------------


@pytest.mark.parametrize(
    "after", [timedelta(minutes=1), timedelta(days=6, hours=23), timedelta(days=7)]
)
def test_the_author_may_reopen_within_seven_days_and_keeps_the_assignee(after: timedelta) -> None:
    request = in_status(Status.COMPLETED)
    assert request.completed_at == NOW

    request.reopen(AUTHOR, "Снова не закрывается", NOW + after, CALENDAR)

    assert (request.status, request.assignee, request.completed_at) == (
        Status.IN_PROGRESS,
        WORKER.id,
        None,
    )
    event = only_event(request)
    assert (event.kind, dict(event.payload)) == (
        EventKind.REOPENED,
        {"reason": "Снова не закрывается"},
    )


@pytest.mark.parametrize(
    "after", [timedelta(days=7, microseconds=1), timedelta(days=8), timedelta(days=30)]
)
def test_reopening_after_seven_days_is_refused(after: timedelta) -> None:
    request = in_status(Status.COMPLETED)

    with pytest.raises(NotPermitted) as error:
        request.reopen(AUTHOR, "Снова не закрывается", NOW + after, CALENDAR)

    assert (error.value.action, error.value.reason) == ("reopen", "reopen_window_closed")
    assert request.status is Status.COMPLETED
    assert request.pull_events() == []


def test_reopening_after_confirmation_is_refused() -> None:
    request = in_status(Status.COMPLETED)
    request.confirm(AUTHOR, LATER)

    with pytest.raises(NotPermitted) as error:
        request.reopen(AUTHOR, "Снова не закрывается", LATER, CALENDAR)

    assert error.value.reason == "reopen_window_closed"
    assert request.status is Status.COMPLETED


def test_confirming_is_recorded_once() -> None:
    request = in_status(Status.COMPLETED)

    request.confirm(AUTHOR, LATER)
    with pytest.raises(NotPermitted) as error:
        request.confirm(AUTHOR, LATER)

    assert error.value.reason == "already_confirmed"
    assert request.confirmed_at == LATER
    assert [e.kind for e in request.pull_events()] == [EventKind.CONFIRMED]


@pytest.mark.parametrize("score", [1, 2, 3, 4, 5])
def test_the_author_rates_from_one_to_five(score: int) -> None:
    request = in_status(Status.COMPLETED)

    request.rate(AUTHOR, score, "  Спасибо,  быстро! ", LATER)

    assert (request.rating, request.feedback) == (score, "Спасибо, быстро!")
    event = only_event(request)
    assert (event.kind, dict(event.payload)) == (
        EventKind.RATED,
        {"rating": score, "feedback": "Спасибо, быстро!"},
    )


def test_feedback_is_optional() -> None:
    request = in_status(Status.COMPLETED)
    request.rate(AUTHOR, 4, " \n ", LATER)
    assert request.feedback is None


@pytest.mark.parametrize("score", [-1, 0, 6, 10])
def test_a_rating_outside_one_to_five_is_refused(score: int) -> None:
    request = in_status(Status.COMPLETED)

    with pytest.raises(ValidationFailed) as error:
        request.rate(AUTHOR, score, "", LATER)

    assert (error.value.field, error.value.rule, error.value.actual) == ("rating", "range", score)
    assert request.rating is None


def test_a_request_is_rated_once() -> None:
    request = in_status(Status.COMPLETED)
    request.rate(AUTHOR, 2, "", LATER)

    with pytest.raises(NotPermitted) as error:
        request.rate(AUTHOR, 5, "Всё-таки хорошо", LATER)

    assert (error.value.action, error.value.reason) == ("rate", "already_rated")
    assert request.rating == 2


def test_a_rating_survives_a_reopen_and_cannot_be_given_twice() -> None:
    request = in_status(Status.COMPLETED)
    request.rate(AUTHOR, 1, "Не починили", LATER)
    request.reopen(AUTHOR, "Снова не закрывается", LATER, CALENDAR)
    request.complete(WORKER, "Поменяли петли", (), LATER)

    with pytest.raises(NotPermitted) as error:
        request.rate(AUTHOR, 5, "", LATER)

    assert error.value.reason == "already_rated"


# --- priority, comments, attachments, watchers ------------------------------------------------


def test_changing_priority_records_old_and_new() -> None:
    request = in_status(Status.OPEN)

    request.change_priority(ADMIN, Priority.LOW, LATER, CALENDAR)

    assert request.priority is Priority.LOW
    event = only_event(request)
    assert (event.kind, dict(event.payload)) == (
        EventKind.PRIORITY_CHANGED,
        {"priority": "low", "previous": "medium"},
    )


def test_changing_priority_to_the_same_one_is_refused() -> None:
    request = in_status(Status.OPEN)

    with pytest.raises(ValidationFailed) as error:
        request.change_priority(ADMIN, Priority.MEDIUM, LATER, CALENDAR)

    assert refused(error) == ("priority", "unchanged")
    assert request.pull_events() == []


@pytest.mark.parametrize(
    ("actor", "internal"),
    [(AUTHOR, False), (WORKER, False), (EXECUTOR2, True), (ADMIN, True)],
)
def test_a_comment_records_its_text_and_whether_it_is_internal(actor: User, internal: bool) -> None:
    request = in_status(Status.IN_PROGRESS)

    request.comment(actor, "Когда\r\nпридёте?", LATER, internal=internal, attachments=photos(2))

    event = only_event(request)
    assert (event.kind, event.actor) == (EventKind.COMMENT_ADDED, actor.id)
    assert dict(event.payload) == {"text": "Когда\nпридёте?", "internal": internal}
    assert event.is_internal is internal
    assert event.attachments == tuple(photos(2))


def test_the_author_cannot_write_internal_notes() -> None:
    request = in_status(Status.IN_PROGRESS)

    with pytest.raises(NotPermitted) as error:
        request.comment(AUTHOR, "Секрет", LATER, internal=True)

    assert (error.value.action, error.value.reason) == ("internal_note", "executors_only")


@pytest.mark.parametrize(("count", "accepted"), [(10, True), (11, False)])
def test_a_comment_takes_at_most_ten_attachments(count: int, accepted: bool) -> None:
    request = in_status(Status.OPEN)
    if accepted:
        request.comment(AUTHOR, "Вот фото", LATER, attachments=photos(count))
        assert len(only_event(request).attachments) == count
    else:
        with pytest.raises(ValidationFailed) as error:
            request.comment(AUTHOR, "Вот фото", LATER, attachments=photos(count))
        assert (error.value.field, error.value.rule, error.value.actual) == (
            "attachments",
            "max_count",
            11,
        )
        assert request.pull_events() == []


def test_a_request_holds_at_most_ten_attachments() -> None:
    request = in_status(Status.OPEN)
    for n in range(10):
        request.add_attachment(AUTHOR, photo(n), LATER)

    with pytest.raises(ValidationFailed) as error:
        request.add_attachment(WORKER, photo(10), LATER)

    assert (error.value.field, error.value.rule, error.value.limit, error.value.actual) == (
        "attachments",
        "max_count",
        10,
        11,
    )
    assert request.attachments == photos(10)
    events = request.pull_events()
    assert [e.kind for e in events] == [EventKind.ATTACHMENT_ADDED] * 10
    assert events[0].payload == {"file_kind": "photo"}


def test_watching_subscribes_once() -> None:
    request = in_status(Status.OPEN)
    version = request.version

    assert request.watch(STAFF2, LATER) is True
    assert request.watch(STAFF2, LATER) is False

    assert request.watchers == {STAFF2.id}
    assert [e.kind for e in request.pull_events()] == [EventKind.WATCHER_ADDED]
    assert request.version == version + 1


def test_the_author_is_told_anyway_and_cannot_watch() -> None:
    request = in_status(Status.OPEN)
    with pytest.raises(NotPermitted) as error:
        request.watch(AUTHOR, LATER)
    assert error.value.reason == "author_is_notified"


# --- history and versions ---------------------------------------------------------------------


def test_every_change_bumps_the_version_and_is_an_event_in_order() -> None:
    request = new_request(AUTHOR)
    request.take(WORKER, LATER)
    request.comment(WORKER, "Иду", LATER)
    request.hold(WORKER, "Ждём запчасти", LATER)
    request.resume(WORKER, LATER, CALENDAR)
    request.complete(WORKER, "Заменили замок", (), LATER)
    request.rate(AUTHOR, 5, "", LATER)

    events = request.pull_events()

    assert [e.kind for e in events] == [
        EventKind.CREATED,
        EventKind.TAKEN,
        EventKind.COMMENT_ADDED,
        EventKind.PUT_ON_HOLD,
        EventKind.RESUMED,
        EventKind.COMPLETED,
        EventKind.RATED,
    ]
    assert request.version == len(events)
    assert request.pull_events() == []


def test_a_refused_action_changes_nothing() -> None:
    request = in_status(Status.IN_PROGRESS)
    version, updated = request.version, request.updated_at

    with pytest.raises(ValidationFailed):
        request.hold(WORKER, "ок", LATER)
    with pytest.raises(TransitionNotAllowed):
        request.resume(WORKER, LATER, CALENDAR)

    assert (request.status, request.version, request.updated_at) == (
        Status.IN_PROGRESS,
        version,
        updated,
    )
    assert request.hold_started_at is None
    assert request.pull_events() == []


# --- what the card offers and who sees it -----------------------------------------------------


@pytest.mark.parametrize(
    ("status", "actor", "expected"),
    [
        (Status.OPEN, AUTHOR, {Action.CANCEL, Action.COMMENT, Action.ADD_ATTACHMENT}),
        (Status.OPEN, STAFF2, {Action.WATCH}),
        (
            Status.OPEN,
            WORKER,
            {
                Action.TAKE,
                Action.COMMENT,
                Action.INTERNAL_NOTE,
                Action.ADD_ATTACHMENT,
                Action.WATCH,
            },
        ),
        (
            Status.IN_PROGRESS,
            WORKER,
            {
                Action.HOLD,
                Action.COMPLETE,
                Action.COMMENT,
                Action.INTERNAL_NOTE,
                Action.ADD_ATTACHMENT,
            },
        ),
        (
            Status.IN_PROGRESS,
            ADMIN,
            {
                Action.REASSIGN,
                Action.HOLD,
                Action.COMPLETE,
                Action.REJECT,
                Action.CHANGE_PRIORITY,
                Action.COMMENT,
                Action.INTERNAL_NOTE,
                Action.ADD_ATTACHMENT,
                Action.WATCH,
            },
        ),
        (
            Status.COMPLETED,
            AUTHOR,
            {Action.REOPEN, Action.CONFIRM, Action.RATE, Action.COMMENT},
        ),
        (Status.COMPLETED, ADMIN, {Action.COMMENT, Action.INTERNAL_NOTE}),
        (Status.REJECTED, ADMIN, set()),
        (Status.OPEN, user(304, Role.ADMIN, UserState.BLOCKED), set()),
    ],
)
def test_the_card_offers_what_the_actor_may_do_now(
    status: Status, actor: User, expected: set[Action]
) -> None:
    assert available_actions(actor, in_status(status), LATER) == expected


def test_once_only_actions_disappear_from_the_card_once_done() -> None:
    request = in_status(Status.COMPLETED)
    request.rate(AUTHOR, 5, "", LATER)
    request.confirm(AUTHOR, LATER)

    assert available_actions(AUTHOR, request, LATER) == {Action.COMMENT}
    assert Action.REOPEN not in available_actions(
        AUTHOR, in_status(Status.COMPLETED), NOW + timedelta(days=8)
    )
    open_request = in_status(Status.OPEN)
    open_request.watch(STAFF2, LATER)
    assert available_actions(STAFF2, open_request, LATER) == set()


@pytest.mark.parametrize(
    ("viewer", "sees"),
    [
        (AUTHOR, True),
        (STAFF2, False),
        (WORKER, True),
        (EXECUTOR2, True),
        (ADMIN, True),
        (user(305, Role.ADMIN, UserState.BLOCKED), False),
        (user(106, state=UserState.PENDING), False),
    ],
)
def test_who_sees_a_request(viewer: User, sees: bool) -> None:
    assert can_view(viewer, in_status(Status.IN_PROGRESS)) is sees


def test_a_watcher_sees_the_request() -> None:
    request = in_status(Status.OPEN)
    request.watch(STAFF2, LATER)
    assert can_view(STAFF2, request)
