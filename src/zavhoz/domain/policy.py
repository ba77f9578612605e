"""Who may do what to which request. A pure function of actor, action and request."""

from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from zavhoz.domain.errors import (
    DomainError,
    NotPermitted,
    TransitionNotAllowed,
)
from zavhoz.domain.users import User
from zavhoz.domain.workflow import TRANSITIONS, Action

if TYPE_CHECKING:
    from zavhoz.domain.request import Request

Rule = Callable[[User, "Request"], bool]


def _is_author(actor: User, request: "Request") -> bool:
    return actor.id == request.author


def _is_assignee(actor: User, request: "Request") -> bool:
    return actor.id == request.assignee


def _is_executor(actor: User, _: "Request") -> bool:
    return actor.is_executor


def _is_admin(actor: User, _: "Request") -> bool:
    return actor.is_admin


def _any_of(*rules: Rule) -> Rule:
    return lambda actor, request: any(rule(actor, request) for rule in rules)


_RULES: dict[Action, tuple[Rule, str]] = {
    Action.TAKE: (_is_executor, "executors_only"),
    Action.ASSIGN: (_is_admin, "admins_only"),
    Action.REASSIGN: (_is_admin, "admins_only"),
    Action.REJECT: (_is_admin, "admins_only"),
    Action.CHANGE_PRIORITY: (_is_admin, "admins_only"),
    Action.HOLD: (_any_of(_is_assignee, _is_admin), "assignee_or_admin_only"),
    Action.RESUME: (_any_of(_is_assignee, _is_admin), "assignee_or_admin_only"),
    Action.COMPLETE: (_any_of(_is_assignee, _is_admin), "assignee_or_admin_only"),
    Action.CANCEL: (_any_of(_is_author, _is_admin), "author_or_admin_only"),
    Action.REOPEN: (_is_author, "author_only"),
    Action.CONFIRM: (_is_author, "author_only"),
    Action.RATE: (_is_author, "author_only"),
    Action.COMMENT: (_any_of(_is_author, _is_assignee, _is_executor), "participants_only"),
    Action.INTERNAL_NOTE: (_is_executor, "executors_only"),
    Action.ADD_ATTACHMENT: (_any_of(_is_author, _is_executor), "participants_only"),
    Action.WATCH: (lambda actor, request: not _is_author(actor, request), "author_is_notified"),
}


def refusal(actor: User, action: Action, request: "Request") -> str | None:
    """Why ``actor`` may not do ``action`` to ``request``, or ``None`` when they may."""
    if not actor.is_active:
        return f"user_is_{actor.state.value}"
    rule, reason = _RULES[action]
    return None if rule(actor, request) else reason


def ensure_permitted(actor: User, action: Action, request: "Request") -> None:
    reason = refusal(actor, action, request)
    if reason is not None:
        raise NotPermitted(action.value, reason)


def can_view(viewer: User, request: "Request") -> bool:
    if not viewer.is_active:
        return False
    return viewer.is_executor or viewer.id == request.author or viewer.id in request.watchers


NOT_ADMITTED = {
    Action.RATE: "already_rated",
    Action.CONFIRM: "already_confirmed",
    Action.REOPEN: "reopen_window_closed",
}
"""Why a once-only or time-bound action is not admitted any more."""


def why_not(actor: User, action: Action, request: "Request", now: datetime) -> DomainError | None:
    """The error the use case would raise for ``action`` now, or ``None`` when it would act."""
    reason = refusal(actor, action, request)
    if reason is not None:
        return NotPermitted(action.value, reason)
    taken = request.taken_error(actor) if action is Action.TAKE else None
    if taken is not None:
        return taken
    if (request.status, action) not in TRANSITIONS:
        return TransitionNotAllowed(request.status.value, action.value)
    if not request.admits(action, actor, now):
        return NotPermitted(action.value, NOT_ADMITTED.get(action, "default"))
    return None


def refusals(actor: User, request: "Request", now: datetime) -> dict[Action, DomainError]:
    """Every action ``actor`` may not do to ``request`` now, with why."""
    found = {action: why_not(actor, action, request, now) for action in Action}
    return {action: error for action, error in found.items() if error is not None}


def available_actions(actor: User, request: "Request", now: datetime) -> frozenset[Action]:
    """What the card may offer ``actor`` right now; the use case checks again when pressed."""
    return frozenset(set(Action) - set(refusals(actor, request, now)))
