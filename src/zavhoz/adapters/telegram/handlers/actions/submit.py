"""Acting on what was typed: a reason, a report with photos, a comment.

A status change typed for a card that has changed since waits for a «Да» first (the text is kept).
"""

from zavhoz.adapters.telegram.handlers.actions.conversation import end_conversation
from zavhoz.adapters.telegram.handlers.actions.perform import perform
from zavhoz.adapters.telegram.handlers.actions.report import kept_photos
from zavhoz.adapters.telegram.handlers.actions.talk import Talk
from zavhoz.adapters.telegram.handlers.card import render_card
from zavhoz.adapters.telegram.i18n import Html, Texts
from zavhoz.adapters.telegram.keyboards import actions as kb
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.domain.errors import DomainError, ValidationFailed
from zavhoz.domain.ids import RequestId
from zavhoz.domain.text import normalize
from zavhoz.domain.workflow import Action

GUARDED = frozenset({Action.HOLD, Action.REJECT, Action.REOPEN, Action.CANCEL, Action.COMPLETE})
"""Status changes: typed for a card that has changed since, they wait for a «Да» first."""


async def submit(talk: Talk) -> None:
    """Act with what was typed; too short or too long keeps the conversation going."""
    data = await talk.state.get_data()
    action, request_id = Action(data["action"]), RequestId(data["request_id"])
    if action in GUARDED and await _card_changed(talk, action, request_id, data["version"]):
        return
    text, photos = str(data.get("text") or ""), kept_photos(data)
    try:
        await perform(talk.services, talk.user.id, action, request_id, text, photos)
    except ValidationFailed as error:
        await talk.refuse(error)
        return
    except DomainError:
        await end_conversation(talk.state)
        raise
    await end_conversation(talk.state)
    await talk.say(_done(talk.t, action, request_id, text, len(photos)))
    await _send_card(talk, await talk.services.card(talk.user.id, request_id))


async def _card_changed(talk: Talk, action: Action, request_id: RequestId, version: int) -> bool:
    """Show the card as it is now and ask «Да» again; the text stays."""
    t, card = talk.t, await talk.services.card(talk.user.id, request_id)
    if card.request.version == version:
        return False
    await talk.state.update_data(version=card.request.version)
    await talk.say(t("act.stale_typed", number=request_id))
    await _send_card(talk, card)
    verb = Html(t(f"act.verb.{action.value}", number=request_id))
    await talk.say(t("act.again", verb=verb), kb.again(t, request_id))
    return True


async def _send_card(talk: Talk, card: RequestCard) -> None:
    text, markup = render_card(card, talk.t, talk.services)
    await talk.say(text, markup)


def _done(t: Texts, action: Action, request_id: RequestId, text: str, photos: int) -> str:
    """The confirmation, with the text as the core stored it (normalised)."""
    text = normalize(text, multiline=True)
    key = "cancel_reason" if action is Action.CANCEL and text.strip() else action.value
    done = t(f"act.done.{key}", number=request_id, text=text)
    if action is Action.COMPLETE and photos:
        done += "\n" + t("act.complete_photos", n=photos)
    return done
