from functools import partial

import attrs

from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.recording import may_be_told, messages_to, request_params
from zavhoz.application.transaction import in_transaction, load_request, reaching
from zavhoz.application.use_cases._service import Service
from zavhoz.domain import sla
from zavhoz.domain.ids import RequestId
from zavhoz.domain.request import Request
from zavhoz.domain.sla import SlaCheckpoint, SlaLevel
from zavhoz.domain.users import Role

BATCH = 500


@attrs.frozen
class SlaAlert:
    request_id: RequestId
    checkpoint: SlaCheckpoint


class ScanSla(Service):
    """Record every SLA level reached since the last scan, once per request and level, and
    announce at most one per request and scan.

    When a scan finds several levels reached at once (the bot was down; an untaken request passes
    both its respond and its resolve checkpoints), all are recorded, but only the gravest level of
    the deadline that matters now (respond while open) is announced, with that deadline.
    """

    async def __call__(self) -> list[SlaAlert]:
        now = self._clock.now()
        async with self._reading() as uow:
            due = [r.id for r in await uow.requests.due_for_sla(now, BATCH)]
        alerts: list[SlaAlert] = []
        for request_id in due:
            one = partial(self._one, request_id=request_id)
            alerts += await in_transaction(self._uow_factory, one)
        return alerts

    async def _one(self, uow: UnitOfWork, request_id: RequestId) -> list[SlaAlert]:
        request = await load_request(uow, request_id)
        reached = request.due_alerts(self._clock.now())
        announced = sla.most_pressing(reached, request.pressing)
        if announced is not None:
            await uow.outbox.add(await self._messages(uow, request, announced))
        await uow.requests.save(request)
        return [] if announced is None else [SlaAlert(request.id, announced)]

    async def _messages(
        self, uow: UnitOfWork, request: Request, checkpoint: SlaCheckpoint
    ) -> list[OutboxMessage]:
        recipients = [request.assignee] if request.assignee else []
        for admin in await reaching(uow, request.organization, Role.ADMIN):
            if checkpoint.level is not SlaLevel.WARNING or not admin.mute_sla_warnings:
                recipients.append(admin.id)
        people = [u for u in dict.fromkeys(recipients) if await may_be_told(uow, u)]
        params = request_params(request) | {
            "kind": checkpoint.kind.value,
            "level": checkpoint.level.value,
            "deadline": checkpoint.deadline.isoformat(),
        }
        prefix = f"sla:{request.id}:{checkpoint.key}:{checkpoint.deadline.isoformat()}"
        return messages_to(people, "sla_alert", params, prefix, self._clock.now(), request.id)
