import attrs

from zavhoz.application.use_cases._change import Change, RequestChange
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.ids import RequestId, UserId


@attrs.frozen(kw_only=True)
class AddCommentCommand:
    actor_id: UserId
    request_id: RequestId
    text: str
    internal: bool = False
    attachments: tuple[Attachment, ...] = ()


class AddComment(RequestChange[AddCommentCommand]):
    async def _apply(self, command: AddCommentCommand, change: Change) -> None:
        change.request.comment(
            change.actor,
            command.text,
            change.now,
            internal=command.internal,
            attachments=command.attachments,
        )
