"""Which routers an update passes: each looks at an update only if one of its handlers may take
it, and the menus' routers sit in one group that skips them all in one check.

aiogram calls every router in turn until one takes the update, at the cost of a few
middleware frames each; most updates are the wizard's, behind the menus.
"""

from collections.abc import Sequence

from aiogram import Router

from zavhoz.adapters.telegram.callbacks import ButtonKinds, only_its_buttons
from zavhoz.adapters.telegram.menu_filter import MessageKinds, only_its_messages


def narrowed(router: Router) -> Router:
    """``router`` looking only at the messages and presses its handlers may take."""
    only_its_messages(router)
    only_its_buttons(router)
    return router


def group(name: str, routers: Sequence[Router]) -> Router:
    """``routers`` in their order under one router that an update for none of them skips."""
    messages = [only_its_messages(router) for router in routers]
    presses = [only_its_buttons(router) for router in routers]
    parent = Router(name=name)
    parent.include_routers(*routers)
    if None not in messages:
        parent.message.filter(MessageKinds.union(kinds for kinds in messages if kinds is not None))
    if None not in presses:
        parent.callback_query.filter(
            ButtonKinds.union(kinds for kinds in presses if kinds is not None)
        )
    return parent
