import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class ResumeRequestCommand:
    actor_id: UserId
    request_id: RequestId


class ResumeRequest(RequestChange[ResumeRequestCommand]):
    async def _apply(self, command: ResumeRequestCommand, change: Change) -> None:
        change.request.resume(change.actor, change.now, change.settings.calendar)
