"""The one flow of every card button: the core says whether it may be done now; the row says
what to ask for first; then the use case acts and the card is shown as it is now. An action that
asks for nothing goes straight to its use case, which refuses a card changed since it was seen.

A button on a card that changed meanwhile shows the card as it is now instead of acting (a second
press is the «Да»); for an action that asks for text, what the person types next still counts, and
waits for a «Да» (never «Не понял»). Rows that are not ``guarded`` (a comment) act on any version
the core still allows.
"""

from typing import Any

import attrs
from aiogram.types import CallbackQuery
from aiogram.utils.callback_answer import CallbackAnswer

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.errors import explain
from zavhoz.adapters.telegram.handlers._scene import Scene
from zavhoz.adapters.telegram.handlers.actions import pickers
from zavhoz.adapters.telegram.handlers.actions.conversation import ask, begin
from zavhoz.adapters.telegram.handlers.actions.shown import act_on_button, given_by, show_card
from zavhoz.adapters.telegram.handlers.actions.table import ROWS, Ask, Given, Row
from zavhoz.application.notifications import LOW_RATING
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.domain.errors import ChangedMeanwhile
from zavhoz.domain.ids import RequestId

BACK = "back"
"""From a choice (people, priorities) back to the card."""
CARD_OWN = frozenset({"open", "history", "files"})
"""Buttons of handlers/card.py."""
TYPED = frozenset({Ask.TEXT, Ask.REPORT})
STARS = frozenset("12345")


async def on_card_button(
    query: CallbackQuery, callback_data: CardCb, callback_answer: CallbackAnswer, **data: Any
) -> None:
    row = ROWS.get(callback_data.action)
    if row is None and callback_data.action != BACK:
        callback_answer.text = data["t"]("common.stale_button")
        return
    scene = Scene.of_button(query, callback_answer, data)
    if row is not None and row.asks is Ask.NOTHING:
        await _at_once(scene, row, callback_data)
        return
    card = await scene.services.card(scene.user.id, RequestId(callback_data.id))
    if row is None:
        await show_card(scene, card)
    elif card.request.version != callback_data.v and (row.guarded or card.refusal(row.action)):
        await _changed_meanwhile(scene, row, card, callback_data.v)
    else:
        await _press(scene, row, card, callback_data.arg)


async def _press(scene: Scene, row: Row, card: RequestCard, arg: str) -> None:
    """Refused by the core (a forged button too), or on to what the row asks for."""
    refusal = card.refusal(row.action)
    if refusal is not None:
        raise refusal
    await ASKERS[row.asks](scene, row, card, arg)


async def _changed_meanwhile(scene: Scene, row: Row, card: RequestCard, pressed: int) -> None:
    """The card as it is now, and why the action cannot be done any more if it cannot.

    What is typed next is still taken as the text, for the version the button was on: it waits
    for a «Да», or comes back with the core's refusal, but never falls into «Не понял». A
    conversation already going on (a report with its photos, the wizard) is left as it is.
    """
    refusal = card.refusal(row.action)
    if row.asks in TYPED and await scene.state.get_state() is None:
        await begin(scene, row, card.request, pressed)
    await show_card(scene, card)
    why = await explain(refusal, scene.t, scene.services) if refusal else scene.t("act.stale")
    scene.alert(why)


async def _at_once(scene: Scene, row: Row, pressed: CardCb) -> None:
    """Act without reading the card first: the core refuses a card changed meanwhile."""
    request_id = RequestId(pressed.id)
    seen = pressed.v if row.guarded else None
    given = Given(actor=scene.user.id, request_id=request_id, seen=seen)
    try:
        await act_on_button(scene, row, given)
    except ChangedMeanwhile:
        card = await scene.services.card(scene.user.id, request_id)
        await _changed_meanwhile(scene, row, card, pressed.v)


async def _typed(scene: Scene, row: Row, card: RequestCard, arg: str) -> None:
    if await begin(scene, row, card.request, card.request.version):
        await ask(scene, row, card.request)


async def _stars(scene: Scene, row: Row, card: RequestCard, arg: str) -> None:
    """Stars act at once; a low score first asks what went wrong (with «Пропустить»)."""
    if arg not in STARS:
        scene.toast(scene.t("common.stale_button"))
        return
    given = attrs.evolve(given_by(scene, card), stars=int(arg))
    if given.stars > LOW_RATING:
        await act_on_button(scene, row, given)
    elif await begin(scene, row, card.request, card.request.version, stars=given.stars):
        await ask(scene, row, card.request, stars="★" * given.stars)


ASKERS = {
    Ask.STARS: _stars,
    Ask.PERSON: pickers.person,
    Ask.PRIORITY: pickers.priority,
    Ask.TEXT: _typed,
    Ask.REPORT: _typed,
}
