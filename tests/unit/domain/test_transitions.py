"""The state machine of DOMAIN.md, row by row, and who may fire each row.

The expected table and permission matrix are written out here from DOMAIN.md on purpose, so a
change to ``workflow.TRANSITIONS`` or to the policy has to be matched by a change to this file.
"""

from datetime import timedelta

import pytest

from tests.unit.builders import CALENDAR, MONDAY_NOON_MSK, photo, request_in, user
from zavhoz.domain.catalog import Priority, Status
from zavhoz.domain.errors import AlreadyTaken, AlreadyYours, NotPermitted, TransitionNotAllowed
from zavhoz.domain.events import EventKind
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User, UserState
from zavhoz.domain.workflow import TRANSITIONS, Action, allowed_actions, next_status

OPEN, IN_PROGRESS, ON_HOLD = Status.OPEN, Status.IN_PROGRESS, Status.ON_HOLD
COMPLETED, REJECTED, CANCELLED = Status.COMPLETED, Status.REJECTED, Status.CANCELLED
LATER = MONDAY_NOON_MSK + timedelta(hours=1)

ACTORS: dict[str, User] = {
    "author": user(101),
    "other_staff": user(102),
    "assignee": user(201, Role.EXECUTOR),
    "other_executor": user(202, Role.EXECUTOR),
    "admin": user(301, Role.ADMIN),
    "blocked_admin": user(302, Role.ADMIN, UserState.BLOCKED),
    "pending": user(103, state=UserState.PENDING),
}
AUTHOR, ASSIGNEE, OTHER_EXECUTOR, ADMIN = (
    ACTORS["author"],
    ACTORS["assignee"],
    ACTORS["other_executor"],
    ACTORS["admin"],
)

# DOMAIN.md "State machine", plus the extra actions of the implementation (confirm, internal
# note, add attachment, watch).
EXPECTED_TRANSITIONS: dict[tuple[Status, Action], Status] = {
    (OPEN, Action.TAKE): IN_PROGRESS,
    (OPEN, Action.ASSIGN): IN_PROGRESS,
    (IN_PROGRESS, Action.REASSIGN): IN_PROGRESS,
    (ON_HOLD, Action.REASSIGN): ON_HOLD,
    (IN_PROGRESS, Action.HOLD): ON_HOLD,
    (ON_HOLD, Action.RESUME): IN_PROGRESS,
    (IN_PROGRESS, Action.COMPLETE): COMPLETED,
    (OPEN, Action.REJECT): REJECTED,
    (IN_PROGRESS, Action.REJECT): REJECTED,
    (ON_HOLD, Action.REJECT): REJECTED,
    (OPEN, Action.CANCEL): CANCELLED,
    (COMPLETED, Action.REOPEN): IN_PROGRESS,
    (COMPLETED, Action.CONFIRM): COMPLETED,
    (COMPLETED, Action.RATE): COMPLETED,
    (OPEN, Action.CHANGE_PRIORITY): OPEN,
    (IN_PROGRESS, Action.CHANGE_PRIORITY): IN_PROGRESS,
    (ON_HOLD, Action.CHANGE_PRIORITY): ON_HOLD,
    **{(s, Action.COMMENT): s for s in (OPEN, IN_PROGRESS, ON_HOLD, COMPLETED)},
    **{(s, Action.INTERNAL_NOTE): s for s in (OPEN, IN_PROGRESS, ON_HOLD, COMPLETED)},
    **{(s, Action.ADD_ATTACHMENT): s for s in (OPEN, IN_PROGRESS, ON_HOLD)},
    **{(s, Action.WATCH): s for s in (OPEN, IN_PROGRESS, ON_HOLD)},
}

EVERYONE_WHO_WORKS = {"assignee", "other_executor", "admin"}

# Who may fire each action (DOMAIN.md "Roles" and the "who" column), and the reason given to
# everybody else who is active. Blocked and pending users are refused for their state.
MAY: dict[Action, tuple[set[str], str]] = {
    Action.TAKE: (EVERYONE_WHO_WORKS, "executors_only"),
    Action.ASSIGN: ({"admin"}, "admins_only"),
    Action.REASSIGN: ({"admin"}, "admins_only"),
    Action.HOLD: ({"assignee", "admin"}, "assignee_or_admin_only"),
    Action.RESUME: ({"assignee", "admin"}, "assignee_or_admin_only"),
    Action.COMPLETE: ({"assignee", "admin"}, "assignee_or_admin_only"),
    Action.REJECT: ({"admin"}, "admins_only"),
    Action.CANCEL: ({"author", "admin"}, "author_or_admin_only"),
    Action.REOPEN: ({"author"}, "author_only"),
    Action.CONFIRM: ({"author"}, "author_only"),
    Action.RATE: ({"author"}, "author_only"),
    Action.CHANGE_PRIORITY: ({"admin"}, "admins_only"),
    Action.COMMENT: ({"author", *EVERYONE_WHO_WORKS}, "participants_only"),
    Action.INTERNAL_NOTE: (EVERYONE_WHO_WORKS, "executors_only"),
    Action.ADD_ATTACHMENT: ({"author", *EVERYONE_WHO_WORKS}, "participants_only"),
    Action.WATCH: ({"other_staff", *EVERYONE_WHO_WORKS}, "author_is_notified"),
}
STATE_REFUSALS = {"blocked_admin": "user_is_blocked", "pending": "user_is_pending"}

EVENT_OF = {
    Action.TAKE: EventKind.TAKEN,
    Action.ASSIGN: EventKind.ASSIGNED,
    Action.REASSIGN: EventKind.REASSIGNED,
    Action.HOLD: EventKind.PUT_ON_HOLD,
    Action.RESUME: EventKind.RESUMED,
    Action.COMPLETE: EventKind.COMPLETED,
    Action.REJECT: EventKind.REJECTED,
    Action.CANCEL: EventKind.CANCELLED,
    Action.REOPEN: EventKind.REOPENED,
    Action.CONFIRM: EventKind.CONFIRMED,
    Action.RATE: EventKind.RATED,
    Action.CHANGE_PRIORITY: EventKind.PRIORITY_CHANGED,
    Action.COMMENT: EventKind.COMMENT_ADDED,
    Action.INTERNAL_NOTE: EventKind.COMMENT_ADDED,
    Action.ADD_ATTACHMENT: EventKind.ATTACHMENT_ADDED,
    Action.WATCH: EventKind.WATCHER_ADDED,
}

# An actor the permission matrix lets fire the action, to reach the state-machine check.
CAPABLE = {
    Action.TAKE: "other_executor",
    Action.ASSIGN: "admin",
    Action.REASSIGN: "admin",
    Action.HOLD: "admin",
    Action.RESUME: "admin",
    Action.COMPLETE: "admin",
    Action.REJECT: "admin",
    Action.CANCEL: "author",
    Action.REOPEN: "author",
    Action.CONFIRM: "author",
    Action.RATE: "author",
    Action.CHANGE_PRIORITY: "admin",
    Action.COMMENT: "author",
    Action.INTERNAL_NOTE: "assignee",
    Action.ADD_ATTACHMENT: "author",
    Action.WATCH: "other_staff",
}


def perform(request: Request, action: Action, actor: User) -> None:
    """Fire ``action`` with valid arguments, so only the actor and the status can refuse it."""
    match action:
        case Action.TAKE:
            request.take(actor, LATER)
        case Action.ASSIGN:
            request.assign(actor, ASSIGNEE, LATER)
        case Action.REASSIGN:
            request.reassign(actor, OTHER_EXECUTOR, LATER)
        case Action.HOLD:
            request.hold(actor, "Ждём запчасти", LATER)
        case Action.RESUME:
            request.resume(actor, LATER, CALENDAR)
        case Action.COMPLETE:
            request.complete(actor, "Заменили замок", (), LATER)
        case Action.REJECT:
            request.reject(actor, "Не наша зона", LATER)
        case Action.CANCEL:
            request.cancel(actor, "", LATER)
        case Action.REOPEN:
            request.reopen(actor, "Снова не закрывается", LATER, CALENDAR)
        case Action.CONFIRM:
            request.confirm(actor, LATER)
        case Action.RATE:
            request.rate(actor, 5, "", LATER)
        case Action.CHANGE_PRIORITY:
            request.change_priority(actor, Priority.HIGH, LATER, CALENDAR)
        case Action.COMMENT:
            request.comment(actor, "Когда придёте?", LATER)
        case Action.INTERNAL_NOTE:
            request.comment(actor, "Замок на складе", LATER, internal=True)
        case Action.ADD_ATTACHMENT:
            request.add_attachment(actor, photo(7), LATER)
        case Action.WATCH:
            request.watch(actor, LATER)


def in_status(status: Status) -> Request:
    return request_in(status, AUTHOR, ASSIGNEE, ADMIN)


def rejected_while(status: Status) -> Request:
    """A request rejected after somebody took it, so it still has an assignee."""
    request = in_status(status)
    request.reject(ADMIN, "Не наша зона", MONDAY_NOON_MSK)
    request.pull_events()
    return request


def assert_unchanged(request: Request, status: Status, version: int) -> None:
    assert request.status is status
    assert request.version == version
    assert request.pull_events() == []


ROWS = sorted(EXPECTED_TRANSITIONS, key=lambda row: (list(Status).index(row[0]), row[1]))
MATRIX = [
    pytest.param(status, action, name, id=f"{status}-{action}-{name}")
    for status, action in ROWS
    for name in ACTORS
]
NO_ROW = [
    pytest.param(status, action, id=f"{status}-{action}")
    for status in Status
    for action in Action
    if (status, action) not in EXPECTED_TRANSITIONS
    # "take" of a request somebody has is answered "already yours" / "already taken" instead
    and not (action is Action.TAKE and status in (IN_PROGRESS, ON_HOLD))
]


def test_the_transition_table_is_the_one_in_domain_md() -> None:
    assert TRANSITIONS == EXPECTED_TRANSITIONS


@pytest.mark.parametrize(("status", "action", "name"), MATRIX)
def test_each_row_is_allowed_exactly_for_the_roles_that_may_fire_it(
    status: Status, action: Action, name: str
) -> None:
    request = in_status(status)
    version = request.version
    allowed, reason = MAY[action]
    if name in STATE_REFUSALS:
        reason = STATE_REFUSALS[name]

    if name in allowed:
        perform(request, action, ACTORS[name])
        assert request.status is EXPECTED_TRANSITIONS[(status, action)]
        events = request.pull_events()
        assert [(e.kind, e.actor) for e in events] == [(EVENT_OF[action], ACTORS[name].id)]
        assert request.version == version + 1
    else:
        with pytest.raises(NotPermitted) as refused:
            perform(request, action, ACTORS[name])
        assert (refused.value.action, refused.value.reason) == (action.value, reason)
        assert_unchanged(request, status, version)


@pytest.mark.parametrize(("status", "action"), NO_ROW)
def test_an_action_without_a_row_for_the_status_is_not_allowed(
    status: Status, action: Action
) -> None:
    request = in_status(status)
    version = request.version

    with pytest.raises(TransitionNotAllowed) as refused:
        perform(request, action, ACTORS[CAPABLE[action]])

    assert (refused.value.status, refused.value.action) == (status.value, action.value)
    assert_unchanged(request, status, version)


@pytest.mark.parametrize("taken_in", [IN_PROGRESS, ON_HOLD])
@pytest.mark.parametrize("action", list(Action))
def test_a_request_rejected_after_it_was_taken_accepts_nothing(
    taken_in: Status, action: Action
) -> None:
    request = rejected_while(taken_in)
    version = request.version
    assert request.assignee == ASSIGNEE.id

    with pytest.raises(TransitionNotAllowed) as refused:
        perform(request, action, ACTORS[CAPABLE[action]])

    assert (refused.value.status, refused.value.action) == (REJECTED.value, action.value)
    assert_unchanged(request, REJECTED, version)


@pytest.mark.parametrize("status", [COMPLETED, REJECTED])
@pytest.mark.parametrize("name", ["assignee", "other_executor", "admin"])
def test_take_of_a_request_that_is_no_longer_active_is_not_allowed(
    status: Status, name: str
) -> None:
    request = in_status(COMPLETED) if status is COMPLETED else rejected_while(IN_PROGRESS)

    with pytest.raises(TransitionNotAllowed) as refused:
        request.take(ACTORS[name], LATER)

    assert refused.value.status == status.value
    assert request.assignee == ASSIGNEE.id


@pytest.mark.parametrize("status", [REJECTED, CANCELLED])
def test_final_states_have_no_rows(status: Status) -> None:
    assert status.is_final
    assert allowed_actions(status) == frozenset()
    for action in Action:
        with pytest.raises(TransitionNotAllowed):
            next_status(status, action)


@pytest.mark.parametrize("status", [IN_PROGRESS, ON_HOLD])
def test_take_by_the_assignee_is_already_yours_and_records_nothing(status: Status) -> None:
    request = in_status(status)
    version = request.version

    with pytest.raises(AlreadyYours):
        request.take(ASSIGNEE, LATER)

    assert request.assignee == ASSIGNEE.id
    assert_unchanged(request, status, version)


@pytest.mark.parametrize("status", [IN_PROGRESS, ON_HOLD])
@pytest.mark.parametrize("name", ["other_executor", "admin"])
def test_take_of_a_request_somebody_has_names_who_has_it(status: Status, name: str) -> None:
    request = in_status(status)
    version = request.version

    with pytest.raises(AlreadyTaken) as refused:
        request.take(ACTORS[name], LATER)

    assert refused.value.assignee == ASSIGNEE.id
    assert request.assignee == ASSIGNEE.id
    assert_unchanged(request, status, version)


def test_two_executors_taking_at_once_exactly_one_wins_and_the_other_is_told_who() -> None:
    request = in_status(OPEN)

    request.take(ASSIGNEE, LATER)
    with pytest.raises(AlreadyTaken) as loser:
        request.take(OTHER_EXECUTOR, LATER)

    assert loser.value.assignee == ASSIGNEE.id
    assert [(e.kind, e.actor) for e in request.pull_events()] == [(EventKind.TAKEN, ASSIGNEE.id)]


def test_a_double_tap_on_take_records_one_event() -> None:
    request = in_status(OPEN)

    request.take(ASSIGNEE, LATER)
    with pytest.raises(AlreadyYours):
        request.take(ASSIGNEE, LATER)

    assert [e.kind for e in request.pull_events()] == [EventKind.TAKEN]
