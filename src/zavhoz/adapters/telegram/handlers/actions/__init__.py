"""Actions on a request card: take, assign, hold, complete, reject, confirm, rate, comment...

card_buttons.py  a button on a card (a stale card is refreshed instead), handed on to:
one_tap.py       take, resume, confirm, watch, rate, back to the card
choose.py        assign / reassign (people with their load) and priority
conversation.py  the actions that ask for typed text first: starting and ending that
typed.py         what is sent while the text is awaited, and the conversation's buttons
report.py        a completion report and its photos
submit.py        acting on what was typed (perform.py: the use case for each action)
press.py, talk.py  a button pressed on a card, a person in a conversation
"""

from aiogram import F, Router
from aiogram.filters import StateFilter

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.handlers.actions import typed
from zavhoz.adapters.telegram.handlers.actions.card_buttons import CARD_OWN, on_card_button
from zavhoz.adapters.telegram.handlers.actions.conversation import asking
from zavhoz.adapters.telegram.keyboards.actions import AskCb
from zavhoz.adapters.telegram.states import AskText


def router() -> Router:
    routes = Router(name="actions")
    routes.callback_query.register(on_card_button, CardCb.filter(~F.action.in_(CARD_OWN)))
    asked = StateFilter(AskText.waiting, AskText.photos)
    routes.message.register(typed.on_message, asked, asking, ~F.text.startswith("/"))
    routes.callback_query.register(typed.on_button, AskCb.filter(), asked, asking)
    return routes
