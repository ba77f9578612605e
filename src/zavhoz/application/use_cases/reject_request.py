import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class RejectRequestCommand:
    actor_id: UserId
    request_id: RequestId
    reason: str


class RejectRequest(RequestChange[RejectRequestCommand]):
    async def _apply(self, command: RejectRequestCommand, change: Change) -> None:
        change.request.reject(change.actor, command.reason, change.now)
