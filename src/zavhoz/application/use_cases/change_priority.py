import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.catalog import Priority
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class ChangePriorityCommand:
    actor_id: UserId
    request_id: RequestId
    priority: Priority


class ChangePriority(RequestChange[ChangePriorityCommand]):
    async def _apply(self, command: ChangePriorityCommand, change: Change) -> None:
        calendar = change.settings.calendar
        change.request.change_priority(change.actor, command.priority, change.now, calendar)
