"""The core's use case for each typed-text action."""

from collections.abc import Sequence

from zavhoz.adapters.telegram.services import Services
from zavhoz.application.use_cases.add_comment import AddCommentCommand
from zavhoz.application.use_cases.cancel_request import CancelRequestCommand
from zavhoz.application.use_cases.complete_request import CompleteRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequestCommand
from zavhoz.application.use_cases.reject_request import RejectRequestCommand
from zavhoz.application.use_cases.reopen_request import ReopenRequestCommand
from zavhoz.domain.attachments import Attachment
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.workflow import Action


async def perform(
    services: Services,
    actor: UserId,
    action: Action,
    request_id: RequestId,
    text: str,
    photos: Sequence[Attachment],
) -> None:
    """``text`` is the reason, the report (with ``photos``) or the comment."""
    if action is Action.HOLD:
        await services.hold(HoldRequestCommand(actor_id=actor, request_id=request_id, reason=text))
    elif action is Action.REJECT:
        await services.reject(
            RejectRequestCommand(actor_id=actor, request_id=request_id, reason=text)
        )
    elif action is Action.REOPEN:
        await services.reopen(
            ReopenRequestCommand(actor_id=actor, request_id=request_id, reason=text)
        )
    elif action is Action.CANCEL:
        await services.cancel(
            CancelRequestCommand(actor_id=actor, request_id=request_id, reason=text)
        )
    elif action is Action.COMPLETE:
        await services.complete(
            CompleteRequestCommand(
                actor_id=actor, request_id=request_id, report=text, photos=tuple(photos)
            )
        )
    else:
        internal = action is Action.INTERNAL_NOTE
        await services.add_comment(
            AddCommentCommand(actor_id=actor, request_id=request_id, text=text, internal=internal)
        )
