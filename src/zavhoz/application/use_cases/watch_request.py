import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class WatchRequestCommand:
    actor_id: UserId
    request_id: RequestId


class WatchRequest(RequestChange[WatchRequestCommand]):
    async def _apply(self, command: WatchRequestCommand, change: Change) -> None:
        change.request.watch(change.actor, change.now)
