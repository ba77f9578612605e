"""Actions on a request card: take, assign, hold, complete, reject, confirm, rate, comment...

table.py         one row per action: what it asks for, its use case, limits, «Да», words
flow.py          the one flow of every card button (the core decides, the row asks, the case acts)
pickers.py       the choices some rows ask for: a person with their load, a priority
conversation.py  a typed-text conversation: starting, asking, ending
typed.py         what is sent while the text is awaited, and acting on it
report.py        a completion report and its photos
shown.py         the confirmation and the card as it is now
"""

from aiogram import F, Router
from aiogram.filters import StateFilter

from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.handlers.actions import typed
from zavhoz.adapters.telegram.handlers.actions.conversation import asking
from zavhoz.adapters.telegram.handlers.actions.flow import CARD_OWN, on_card_button
from zavhoz.adapters.telegram.keyboards.actions import AskCb
from zavhoz.adapters.telegram.menu_filter import NotCommand
from zavhoz.adapters.telegram.states import AskText


def router() -> Router:
    routes = Router(name="actions")
    routes.callback_query.register(on_card_button, CardCb.filter(~F.action.in_(CARD_OWN)))
    asked = StateFilter(AskText.waiting, AskText.photos)
    routes.message.register(typed.on_message, asked, asking, NotCommand())
    routes.callback_query.register(typed.on_button, AskCb.filter(), asked, asking)
    return routes
