import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class RateRequestCommand:
    actor_id: UserId
    request_id: RequestId
    score: int
    feedback: str = ""


class RateRequest(RequestChange[RateRequestCommand]):
    async def _apply(self, command: RateRequestCommand, change: Change) -> None:
        change.request.rate(change.actor, command.score, command.feedback, change.now)
