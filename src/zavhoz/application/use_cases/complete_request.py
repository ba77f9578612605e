import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class CompleteRequestCommand:
    actor_id: UserId
    request_id: RequestId
    report: str
    photos: tuple[Attachment, ...] = ()


class CompleteRequest(RequestChange[CompleteRequestCommand]):
    async def _apply(self, command: CompleteRequestCommand, change: Change) -> None:
        change.request.complete(
            change.actor,
            command.report,
            command.photos,
            change.now,
            photo_required=change.settings.require_completion_photo,
        )
