"""Storing what a change recorded: the request, its history and its outbox messages, together.

A message carries what its push needs as it was at the time: the request's fields (its ``number``
for people, its ``request_id`` for the buttons) and the names of the people it speaks of (the
writer of a comment, who took it, whose it is).
"""

from collections.abc import Iterable, Sequence
from datetime import datetime

import attrs

from zavhoz.application.messages import OutboxMessage
from zavhoz.application.notifications import Audience, addressees, audience_of
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.transaction import reaching
from zavhoz.domain.events import EventKind, HistoryEvent, PayloadValue
from zavhoz.domain.ids import OrgId, RequestId, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User

Names = dict[UserId, str]


async def may_be_told(uow: UnitOfWork, user_id: UserId) -> bool:
    """Blocked and pending people hear nothing; unreachable ones are skipped at delivery."""
    user = await uow.users.get(user_id)
    return user is not None and user.is_active


@attrs.define
class _People:
    """The people one change speaks of and to, each read once: the admins first, at one go."""

    uow: UnitOfWork
    audience: Audience
    known: dict[UserId, User | None]

    @classmethod
    async def load(cls, uow: UnitOfWork, settings: WorkflowSettings, org: OrgId) -> "_People":
        """Admins, and executors where they hear of new requests, whose role reaches ``org``."""
        admins = await reaching(uow, org, Role.ADMIN)
        executors = await reaching(uow, org, Role.EXECUTOR) if settings.notify_executors else []
        known: dict[UserId, User | None] = {u.id: u for u in (*admins, *executors)}
        return cls(uow, audience_of(admins, executors), known)

    async def get(self, user_id: UserId) -> User | None:
        if user_id not in self.known:
            self.known[user_id] = await self.uow.users.get(user_id)
        return self.known[user_id]

    async def may_be_told(self, user_id: UserId) -> bool:
        user = await self.get(user_id)
        return user is not None and user.is_active

    async def names(self, ids: Iterable[UserId | None]) -> Names:
        found = [await self.get(user_id) for user_id in dict.fromkeys(ids) if user_id]
        return {person.id: person.name for person in found if person is not None}

    async def talkers(self, request: Request) -> tuple[UserId, ...]:
        """Who wrote public comments on ``request`` and may still see it: the conversation."""
        history = await self.uow.history.of(request.id)
        writers = sorted({e.actor for e in history if _is_public_comment(e)})
        found = [await self.get(user_id) for user_id in writers]
        return tuple(p.id for p in found if p is not None and _sees(p, request))


async def record_changes(
    uow: UnitOfWork, request: Request, settings: WorkflowSettings, *, new: bool = False
) -> None:
    events = request.pull_events()
    await (uow.requests.add(request) if new else uow.requests.save(request))
    await uow.history.append(request.id, events)
    people = await _People.load(uow, settings, request.organization)
    audience = people.audience
    if any(_is_public_comment(event) for event in events):
        audience = attrs.evolve(audience, talkers=await people.talkers(request))
    names = await people.names([request.author, request.assignee, *(e.actor for e in events)])
    first_version = request.version - len(events) + 1
    for version, event in enumerate(events, start=first_version):
        params = _event_params(request, event, names)
        await uow.outbox.add(await _messages(people, request, event, audience, version, params))


def _is_public_comment(event: HistoryEvent) -> bool:
    return event.kind is EventKind.COMMENT_ADDED and not event.is_internal


def _sees(person: User, request: Request) -> bool:
    return person.is_active and (person.is_executor or person.id == request.author)


def _event_params(request: Request, event: HistoryEvent, names: Names) -> dict[str, PayloadValue]:
    people = {
        "actor_name": names.get(event.actor),
        "author_name": names.get(request.author),
        "assignee_name": names.get(request.assignee) if request.assignee else None,
    }
    return request_params(request) | dict(event.payload) | {"actor": event.actor} | people


async def _messages(
    people: _People,
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
            organization=request.organization,
            attachments=event.attachments,
            created_at=event.at,
        )
        for user_id, template in addressees(event, request, audience)
        if await people.may_be_told(user_id)
    ]


def request_params(request: Request) -> dict[str, PayloadValue]:
    due = request.due_at
    return {
        "request_id": request.id,
        "number": request.number,
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
