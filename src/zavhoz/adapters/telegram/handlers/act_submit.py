"""Acting on what was typed: a reason, a report with photos, a comment.

A status change typed for a card that has changed since waits for a «Да» first (the text is kept).
"""

import attrs
from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import InlineKeyboardMarkup
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.errors import explain
from zavhoz.adapters.telegram.handlers.act_common import alert_text, end_conversation, send_card
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.adapters.telegram.services import Services
from zavhoz.application.use_cases.add_comment import AddCommentCommand
from zavhoz.application.use_cases.cancel_request import CancelRequestCommand
from zavhoz.application.use_cases.complete_request import CompleteRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequestCommand
from zavhoz.application.use_cases.reject_request import RejectRequestCommand
from zavhoz.application.use_cases.reopen_request import ReopenRequestCommand
from zavhoz.domain.attachments import Attachment, AttachmentKind
from zavhoz.domain.errors import DomainError, ValidationFailed
from zavhoz.domain.ids import RequestId
from zavhoz.domain.text import normalize
from zavhoz.domain.users import User
from zavhoz.domain.workflow import Action

GUARDED = frozenset({Action.HOLD, Action.REJECT, Action.REOPEN, Action.CANCEL, Action.COMPLETE})
"""Status changes: typed for a card that has changed since, they wait for a «Да» first."""


@attrs.frozen
class Talk:
    user: User
    t: Texts
    services: Services
    state: FSMContext
    bot: Bot
    answer: CallbackAnswer | None = None

    async def say(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        await self.bot.send_message(self.user.id, text, reply_markup=markup)

    async def refuse(self, error: DomainError) -> None:
        """Explain and stay on the step: a reply to a message, an alert on a button."""
        text = await explain(error, self.t, self.services)
        if self.answer is None:
            await self.say(text)
        else:
            self.answer.text, self.answer.show_alert = alert_text(text), True


def attachment(photo: dict[str, object]) -> Attachment:
    size = photo.get("size")
    return Attachment(
        file_id=str(photo["file_id"]),
        file_unique_id=str(photo["file_unique_id"]),
        kind=AttachmentKind.PHOTO,
        size=size if isinstance(size, int) else None,
    )


async def submit(talk: Talk) -> None:
    """Act with what was typed; too short or too long keeps the conversation going."""
    t, data = talk.t, await talk.state.get_data()
    action, request_id = Action(data["action"]), RequestId(data["request_id"])
    if action in GUARDED:
        card = await talk.services.card(talk.user.id, request_id)
        if card.request.version != data["version"]:
            await talk.state.update_data(version=card.request.version)
            await talk.say(t("act.stale_typed", number=request_id))
            await send_card(talk.bot, talk.user.id, card, t, talk.services)
            verb = Html(t(f"act.verb.{action.value}", number=request_id))
            await talk.say(t("act.again", verb=verb), kb.again(t, request_id))
            return
    try:
        await _perform(talk, action, request_id, data)
    except ValidationFailed as error:
        await talk.refuse(error)
        return
    except DomainError:
        await end_conversation(talk.state)
        raise
    await end_conversation(talk.state)
    await talk.say(_done(t, action, request_id, data))
    card = await talk.services.card(talk.user.id, request_id)
    await send_card(talk.bot, talk.user.id, card, t, talk.services)


async def _perform(
    talk: Talk, action: Action, request_id: RequestId, data: dict[str, object]
) -> None:
    services, actor, text = talk.services, talk.user.id, str(data.get("text") or "")
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
        photos = tuple(attachment(p) for p in _photos(data))
        await services.complete(
            CompleteRequestCommand(
                actor_id=actor, request_id=request_id, report=text, photos=photos
            )
        )
    else:
        internal = action is Action.INTERNAL_NOTE
        await services.add_comment(
            AddCommentCommand(actor_id=actor, request_id=request_id, text=text, internal=internal)
        )


def _photos(data: dict[str, object]) -> list[dict[str, object]]:
    photos = data.get("photos")
    return [p for p in photos if isinstance(p, dict)] if isinstance(photos, list) else []


def _done(t: Texts, action: Action, request_id: RequestId, data: dict[str, object]) -> str:
    """The confirmation, with the text as the core stored it (normalised)."""
    text = normalize(str(data.get("text") or ""), multiline=True)
    key = "cancel_reason" if action is Action.CANCEL and text.strip() else action.value
    done = t(f"act.done.{key}", number=request_id, text=text)
    photos = len(_photos(data))
    if action is Action.COMPLETE and photos:
        done += "\n" + t("act.complete_photos", n=photos)
    return done
