import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class HoldRequestCommand:
    actor_id: UserId
    request_id: RequestId
    reason: str


class HoldRequest(RequestChange[HoldRequestCommand]):
    async def _apply(self, command: HoldRequestCommand, change: Change) -> None:
        change.request.hold(change.actor, command.reason, change.now)
