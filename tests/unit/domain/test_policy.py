"""The core's answer to "may this person do this now, and if not, why": the use case's own error."""

from collections.abc import Callable
from datetime import timedelta

import pytest

from tests.unit.builders import CALENDAR, MONDAY_NOON_MSK, request_in, user
from zavhoz.domain.catalog import Status
from zavhoz.domain.errors import AlreadyTaken, AlreadyYours, DomainError, NotPermitted
from zavhoz.domain.policy import why_not
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User, UserState
from zavhoz.domain.workflow import Action

AUTHOR, STAFF2 = user(101), user(102)
WORKER, EXECUTOR2 = user(201, Role.EXECUTOR), user(202, Role.EXECUTOR)
ADMIN = user(301, Role.ADMIN)
BLOCKED = user(203, Role.EXECUTOR, UserState.BLOCKED)
LATER = MONDAY_NOON_MSK + timedelta(hours=1)

Do = Callable[[Request, User], object]
DOING: dict[Action, Do] = {
    Action.TAKE: lambda r, a: r.take(a, LATER),
    Action.HOLD: lambda r, a: r.hold(a, "Ждём запчасти", LATER),
    Action.RESUME: lambda r, a: r.resume(a, LATER, CALENDAR),
    Action.COMPLETE: lambda r, a: r.complete(a, "Заменил замок", (), LATER),
    Action.REJECT: lambda r, a: r.reject(a, "Не наша зона", LATER),
    Action.CANCEL: lambda r, a: r.cancel(a, "", LATER),
    Action.REOPEN: lambda r, a: r.reopen(a, "Всё так же", LATER, CALENDAR),
    Action.CONFIRM: lambda r, a: r.confirm(a, LATER),
    Action.RATE: lambda r, a: r.rate(a, 4, "", LATER),
    Action.COMMENT: lambda r, a: r.comment(a, "Ключ у вахтёра", LATER),
    Action.INTERNAL_NOTE: lambda r, a: r.comment(a, "Заметка", LATER, internal=True),
}


def described(error: DomainError | None) -> object:
    """Errors compare by identity: their kind and fields instead."""
    return None if error is None else (type(error), str(error))


def raised(action: Action, request: Request, actor: User) -> DomainError | None:
    try:
        DOING[action](request, actor)
    except DomainError as error:
        return error
    return None


@pytest.mark.parametrize("action", list(DOING))
@pytest.mark.parametrize("status", list(Status))
@pytest.mark.parametrize("actor", [AUTHOR, STAFF2, WORKER, EXECUTOR2, ADMIN, BLOCKED])
def test_the_answer_is_the_error_the_action_itself_raises(
    action: Action, status: Status, actor: User
) -> None:
    request = request_in(status, AUTHOR, WORKER, ADMIN)

    answer = why_not(actor, action, request, LATER)

    assert described(answer) == described(raised(action, request, actor))


def test_a_taken_request_says_whose_it_is() -> None:
    request = request_in(Status.IN_PROGRESS, AUTHOR, WORKER, ADMIN)

    assert described(why_not(WORKER, Action.TAKE, request, LATER)) == described(AlreadyYours())
    assert described(why_not(EXECUTOR2, Action.TAKE, request, LATER)) == described(
        AlreadyTaken(WORKER.id)
    )


def test_once_only_actions_say_they_were_done() -> None:
    request = request_in(Status.COMPLETED, AUTHOR, WORKER, ADMIN)
    request.rate(AUTHOR, 5, "", LATER)
    request.confirm(AUTHOR, LATER)

    rate, confirm = (why_not(AUTHOR, a, request, LATER) for a in (Action.RATE, Action.CONFIRM))
    assert described(rate) == described(NotPermitted("rate", "already_rated"))
    assert described(confirm) == described(NotPermitted("confirm", "already_confirmed"))
