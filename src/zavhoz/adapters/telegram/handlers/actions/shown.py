"""What is shown after an action: the confirmation and the card as it is now."""

from zavhoz.adapters.telegram.handlers._scene import Scene
from zavhoz.adapters.telegram.handlers.actions.table import Given, Row
from zavhoz.adapters.telegram.handlers.card import render_card
from zavhoz.application.queries.request_card import RequestCard


async def show_card(scene: Scene, card: RequestCard) -> None:
    """The card in place of the pressed message (a new message after typed text)."""
    text, markup = render_card(card, scene.t, scene.services)
    await scene.show(text, markup)


async def act_on_button(scene: Scene, row: Row, given: Given) -> None:
    """Act at once: a short toast and the card redrawn."""
    await row.run(scene.services, given)
    scene.toast(row.done(scene.t, given))
    await show_card(scene, await scene.services.card(scene.user.id, given.request_id))


def given_by(scene: Scene, card: RequestCard) -> Given:
    """Nothing given yet but who acts on which request."""
    return Given(actor=scene.user.id, request_id=card.request.id)
