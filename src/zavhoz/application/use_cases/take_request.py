import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class TakeRequestCommand:
    actor_id: UserId
    request_id: RequestId


class TakeRequest(RequestChange[TakeRequestCommand]):
    async def _apply(self, command: TakeRequestCommand, change: Change) -> None:
        change.request.take(change.actor, change.now)
