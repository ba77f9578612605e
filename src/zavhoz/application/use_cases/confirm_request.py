import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class ConfirmRequestCommand:
    actor_id: UserId
    request_id: RequestId


class ConfirmRequest(RequestChange[ConfirmRequestCommand]):
    async def _apply(self, command: ConfirmRequestCommand, change: Change) -> None:
        change.request.confirm(change.actor, change.now)
