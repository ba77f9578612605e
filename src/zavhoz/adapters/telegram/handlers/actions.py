"""Actions on a request card: take, assign, hold, complete, reject, confirm, rate, comment...

act_buttons.py: a button on a card (a stale card is refreshed instead), one-tap actions;
act_choose.py: assign / reassign (people with their load) and priority;
act_ask.py: the typed-text conversations (reasons, reports with photos, comments);
act_submit.py: acting on what was typed; act_common.py: what they share.
"""

from aiogram import Router

from zavhoz.adapters.telegram.handlers import act_ask, act_buttons


def router() -> Router:
    routes = Router(name="actions")
    act_buttons.register(routes)
    act_ask.register(routes)
    return routes
