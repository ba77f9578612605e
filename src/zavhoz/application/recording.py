"""Storing what a change recorded: the request, its history and its outbox messages, together.

A message carries what its push needs as it was at the time: the request's fields and the names of
the people it speaks of (the writer of a comment, who took it, whose it is).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

import attrs

from zavhoz.application.messages import OutboxMessage
from zavhoz.application.notifications import Audience, addressees, audience_of
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.events import EventKind, HistoryEvent, PayloadValue
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User

Names = dict[UserId, str]


async def load_audience(uow: UnitOfWork, settings: WorkflowSettings) -> Audience:
    admins = await uow.users.with_role([Role.ADMIN])
    executors = await uow.users.with_role([Role.EXECUTOR]) if settings.notify_executors else []
    return audience_of(admins, executors)


async def may_be_told(uow: UnitOfWork, user_id: UserId) -> bool:
    """Blocked and pending people hear nothing; unreachable ones are skipped at delivery."""
    user = await uow.users.get(user_id)
    return user is not None and user.is_active


async def record_changes(
    uow: UnitOfWork, request: Request, settings: WorkflowSettings, *, new: bool = False
) -> None:
    events = request.pull_events()
    await (uow.requests.add(request) if new else uow.requests.save(request))
    await uow.history.append(request.id, events)
    audience = await load_audience(uow, settings)
    if any(_is_public_comment(event) for event in events):
        audience = attrs.evolve(audience, talkers=await _talkers(uow, request))
    names = await _names(uow, [request.author, request.assignee, *(e.actor for e in events)])
    first_version = request.version - len(events) + 1
    for version, event in enumerate(events, start=first_version):
        params = _event_params(request, event, names)
        await uow.outbox.add(await _messages(uow, request, event, audience, version, params))


def _is_public_comment(event: HistoryEvent) -> bool:
    return event.kind is EventKind.COMMENT_ADDED and not event.is_internal


async def _talkers(uow: UnitOfWork, request: Request) -> tuple[UserId, ...]:
    """Who wrote public comments on ``request`` and may still see it: the conversation."""
    writers = {e.actor for e in await uow.history.of(request.id) if _is_public_comment(e)}
    people = [await uow.users.get(user_id) for user_id in sorted(writers)]
    return tuple(p.id for p in people if p is not None and _sees(p, request))


def _sees(person: User, request: Request) -> bool:
    return person.is_active and (person.is_executor or person.id == request.author)


async def _names(uow: UnitOfWork, ids: Iterable[UserId | None]) -> Names:
    people = [await uow.users.get(user_id) for user_id in dict.fromkeys(ids) if user_id]
    return {person.id: person.name for person in people if person is not None}


def _event_params(request: Request, event: HistoryEvent, names: Names) -> dict[str, PayloadValue]:
    people = {
        "actor_name": names.get(event.actor),
        "author_name": names.get(request.author),
        "assignee_name": names.get(request.assignee) if request.assignee else None,
    }
    return request_params(request) | dict(event.payload) | {"actor": event.actor} | people


async def _messages(
    uow: UnitOfWork,
    request: Request,
    event: HistoryEvent,
    audience: Audience,
    version: int,
    params: dict[str, PayloadValue],
) -> list[OutboxMessage]:
    return [
        OutboxMessage(
            recipient=user_id,
            template=template,
            params=params,
            dedupe_key=f"request:{request.id}:v{version}:{template}:{user_id}",
            request_id=request.id,
            attachments=event.attachments,
            created_at=event.at,
        )
        for user_id, template in addressees(event, request, audience)
        if await may_be_told(uow, user_id)
    ]


def request_params(request: Request) -> dict[str, PayloadValue]:
    due = request.due_at
    return {
        "request_id": request.id,
        "title": request.title,
        "location": request.location,
        "category": request.category.value,
        "priority": request.priority.value,
        "status": request.status.value,
        "author": request.author,
        "assignee": request.assignee,
        "due": due.isoformat() if due is not None else None,
        "version": request.version,
    }


def messages_to(
    recipients: Sequence[UserId],
    template: str,
    params: dict[str, PayloadValue],
    dedupe_prefix: str,
    now: datetime,
    request_id: RequestId | None = None,
) -> list[OutboxMessage]:
    """One message per recipient, for notices that no history event causes (SLA, digest, users)."""
    return [
        OutboxMessage(
            recipient=user_id,
            template=template,
            params=params,
            dedupe_key=f"{dedupe_prefix}:{template}:{user_id}",
            request_id=request_id,
            created_at=now,
        )
        for user_id in recipients
    ]
