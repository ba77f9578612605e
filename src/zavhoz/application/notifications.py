"""The notification table of DOMAIN.md: who hears of which event.

Beyond the table, following "the author is told at every step": the assignee also hears of a
hold, resume or rejection someone else made, and author and watchers hear of a cancellation.
A public comment reaches the whole conversation: the author, the assignee and everyone who
commented publicly before (so the admin who asked hears the author's answer); the admins too
when the author writes and nobody is assigned.
"""

from collections.abc import Callable, Iterable

import attrs

from zavhoz.domain.events import EventKind, HistoryEvent
from zavhoz.domain.ids import UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import User

LOW_RATING = 2


@attrs.frozen
class Audience:
    """The people a rule may name besides the request's own participants."""

    admins: tuple[UserId, ...]
    executors: tuple[UserId, ...] = ()
    talkers: tuple[UserId, ...] = ()
    """Who commented publicly on the request before and may still see it."""


Addressees = list[tuple[UserId, str]]
Rule = Callable[[HistoryEvent, Request, Audience], Addressees]


def _to(ids: Iterable[UserId | None], template: str) -> Addressees:
    return [(user_id, template) for user_id in ids if user_id is not None]


def _author_and_watchers(template: str) -> Rule:
    return lambda event, request, _: _to([request.author, *sorted(request.watchers)], template)


def _everyone_involved(template: str) -> Rule:
    """Author, watchers and the assignee: a change the person working on it did not make."""
    return lambda event, request, _: _to(
        [request.author, *sorted(request.watchers), request.assignee], template
    )


def _cancelled(event: HistoryEvent, request: Request, audience: Audience) -> Addressees:
    people = [request.author, *sorted(request.watchers), request.assignee, *audience.admins]
    return _to(people, "request_cancelled")


def _assignee_and_admins(template: str) -> Rule:
    return lambda event, request, audience: _to([request.assignee, *audience.admins], template)


def _created(event: HistoryEvent, request: Request, audience: Audience) -> Addressees:
    return _to([*audience.admins, *audience.executors], "request_created")


def _assigned(event: HistoryEvent, request: Request, audience: Audience) -> Addressees:
    people = _author_and_watchers("request_assigned")(event, request, audience)
    return _to([request.assignee], "request_assigned_to_you") + people


def _reassigned(event: HistoryEvent, request: Request, audience: Audience) -> Addressees:
    previous = event.payload.get("previous")
    old = UserId(previous) if isinstance(previous, int) else None
    return _to([request.assignee], "request_assigned_to_you") + _to(
        [request.author, old], "request_reassigned"
    )


def _completed(event: HistoryEvent, request: Request, audience: Audience) -> Addressees:
    return _to([request.author], "request_completed") + _to(
        sorted(request.watchers), "request_completed_watcher"
    )


def _comment(event: HistoryEvent, request: Request, audience: Audience) -> Addressees:
    if event.is_internal:
        people = [request.assignee, *audience.admins]
        return _to((p for p in people if p != request.author), "internal_note_added")
    people = [request.author, request.assignee, *audience.talkers]
    if request.assignee is None and event.actor == request.author:
        people += audience.admins
    return _to(people, "comment_added")


def _rated(event: HistoryEvent, request: Request, audience: Audience) -> Addressees:
    """A low rating, with what went wrong, to the admins and to whoever did the work."""
    low = request.rating is not None and request.rating <= LOW_RATING
    return _to([*audience.admins, request.assignee], "low_rating") if low else []


_RULES: dict[EventKind, Rule] = {
    EventKind.CREATED: _created,
    EventKind.TAKEN: _author_and_watchers("request_taken"),
    EventKind.ASSIGNED: _assigned,
    EventKind.REASSIGNED: _reassigned,
    EventKind.PUT_ON_HOLD: _everyone_involved("request_on_hold"),
    EventKind.RESUMED: _everyone_involved("request_resumed"),
    EventKind.COMPLETED: _completed,
    EventKind.REJECTED: _everyone_involved("request_rejected"),
    EventKind.CANCELLED: _cancelled,
    EventKind.REOPENED: _assignee_and_admins("request_reopened"),
    EventKind.COMMENT_ADDED: _comment,
    EventKind.RATED: _rated,
}


def addressees(event: HistoryEvent, request: Request, audience: Audience) -> Addressees:
    """Who is told of ``event``, with which template: once each, never the actor."""
    rule = _RULES.get(event.kind)
    found = rule(event, request, audience) if rule else []
    seen: set[UserId] = set()
    result: Addressees = []
    for user_id, template in found:
        if user_id != event.actor and user_id not in seen:
            seen.add(user_id)
            result.append((user_id, template))
    return result


def audience_of(admins: Iterable[User], executors: Iterable[User]) -> Audience:
    return Audience(tuple(u.id for u in admins), tuple(u.id for u in executors))
