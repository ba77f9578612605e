"""Storing what a change recorded: the request, its history and its outbox messages, together."""

from collections.abc import Sequence
from datetime import datetime

from zavhoz.application.messages import OutboxMessage
from zavhoz.application.notifications import Audience, addressees, audience_of
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.events import HistoryEvent, PayloadValue
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role


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
    first_version = request.version - len(events) + 1
    for version, event in enumerate(events, start=first_version):
        await uow.outbox.add(await _messages(uow, request, event, audience, version))


async def _messages(
    uow: UnitOfWork, request: Request, event: HistoryEvent, audience: Audience, version: int
) -> list[OutboxMessage]:
    params = request_params(request) | dict(event.payload) | {"actor": event.actor}
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
    return {
        "request_id": request.id,
        "title": request.title,
        "location": request.location,
        "priority": request.priority.value,
        "status": request.status.value,
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
