import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class ReopenRequestCommand:
    actor_id: UserId
    request_id: RequestId
    reason: str


class ReopenRequest(RequestChange[ReopenRequestCommand]):
    async def _apply(self, command: ReopenRequestCommand, change: Change) -> None:
        change.request.reopen(change.actor, command.reason, change.now, change.settings.calendar)
