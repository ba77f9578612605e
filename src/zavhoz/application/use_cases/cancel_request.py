import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class CancelRequestCommand:
    actor_id: UserId
    request_id: RequestId
    reason: str = ""


class CancelRequest(RequestChange[CancelRequestCommand]):
    async def _apply(self, command: CancelRequestCommand, change: Change) -> None:
        change.request.cancel(change.actor, command.reason, change.now)
