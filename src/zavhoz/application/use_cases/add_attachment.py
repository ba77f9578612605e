import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class AddAttachmentCommand:
    actor_id: UserId
    request_id: RequestId
    attachment: Attachment


class AddAttachment(RequestChange[AddAttachmentCommand]):
    async def _apply(self, command: AddAttachmentCommand, change: Change) -> None:
        change.request.add_attachment(change.actor, command.attachment, change.now)
