import attrs

from zavhoz.application.transaction import load_worker
from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class ReassignRequestCommand:
    actor_id: UserId
    request_id: RequestId
    assignee_id: UserId


class ReassignRequest(RequestChange[ReassignRequestCommand]):
    async def _apply(self, command: ReassignRequestCommand, change: Change) -> None:
        target = await load_worker(change.uow, command.assignee_id, change.request)
        change.request.reassign(change.actor, target, change.now)
