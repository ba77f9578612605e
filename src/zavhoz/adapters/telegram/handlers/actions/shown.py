"""The card with its action buttons, and what is shown after an action: the card as it is now."""

from zavhoz.adapters.telegram.handlers._scene import Scene
from zavhoz.adapters.telegram.handlers._schools import schools_of
from zavhoz.adapters.telegram.handlers._screen import Screen, clock_now, display_zone
from zavhoz.adapters.telegram.handlers.actions.table import CARD_LAYOUT, Given, Row
from zavhoz.adapters.telegram.i18n import Texts
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.views.card import card_keyboard, card_text
from zavhoz.adapters.telegram.views.numbers import spoken
from zavhoz.application.queries.request_card import RequestCard
from zavhoz.domain.users import User


async def render_card(card: RequestCard, t: Texts, services: Services, viewer: User) -> Screen:
    """The card's text and the buttons the core allows, laid out by the action table."""
    school = (await schools_of(services, viewer, [card.request])).get(card.request.organization)
    text = card_text(card, t, clock_now(services), display_zone(services), school)
    return text, card_keyboard(card, t, CARD_LAYOUT)


async def show_card(scene: Scene, card: RequestCard) -> None:
    """The card in place of the pressed message (a new message after typed text)."""
    text, markup = await render_card(card, scene.t, scene.services, scene.user)
    await scene.show(text, markup)


async def act_on_button(scene: Scene, row: Row, given: Given) -> None:
    """Act at once: a short toast and the card redrawn."""
    await row.run(scene.services, given)
    scene.toast(row.done(scene.t, given))
    await show_card(scene, await scene.services.card(scene.user.id, given.request_id))


def given_by(scene: Scene, card: RequestCard) -> Given:
    """Nothing given yet but who acts on which request."""
    request = card.request
    return Given(actor=scene.user.id, request_id=request.id, number=spoken(request))
