"""Assembling the dispatcher: middlewares in their order, then the feature routers."""

from aiogram import Dispatcher, Router
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation

from zavhoz.adapters.telegram.handlers import (
    actions,
    card,
    fallback,
    lists,
    org_join,
    org_switch,
    preferences,
    start,
    users,
    wizard,
)
from zavhoz.adapters.telegram.handlers import reports as report_screens
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.middlewares.answer import AnswerButtons
from zavhoz.adapters.telegram.middlewares.guard import GuardMiddleware, RecordUpdate
from zavhoz.adapters.telegram.middlewares.handler import HandlerMiddleware
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.middlewares.user import UserMiddleware
from zavhoz.adapters.telegram.reports_services import ReportServices
from zavhoz.adapters.telegram.routing import group, narrowed
from zavhoz.adapters.telegram.services import Services


def feature_routers(with_reports: bool = False) -> list[Router]:
    """Every feature's router; the order decides who sees an update first.

    Menu buttons and cards come before the conversations (wizard, typed reasons), so a menu
    button always works; states keep the conversations' own handlers from catching others.
    Each router looks only at what its handlers may take, the menus' routers as one group.
    Statistics and export need ``ReportServices``, so they join only when those are given.
    """
    menus = [
        org_join.router(),
        start.router(),
        org_switch.router(),
        lists.router(),
        card.router(),
        users.router(),
        *([report_screens.router()] if with_reports else []),
    ]
    conversations = [wizard.router(), actions.router(), preferences.router()]
    return [group("menus", menus), *map(narrowed, conversations)]


def build_dispatcher(
    services: Services,
    translator: Translator | None = None,
    storage: BaseStorage | None = None,
    throttling: Throttle | None = None,
    isolation: BaseEventIsolation | None = None,
    reports: ReportServices | None = None,
    update_metrics: RecordUpdate | None = None,
) -> Dispatcher:
    """Handle one person's updates one at a time (``isolation``; Redis-backed across processes).

    Few layers, since aiogram wraps each one anew around every update. Outer, on updates: the
    guard (log context and line, ``update_metrics``, the apology), then aiogram's FSM middleware
    (the person's lock and state), inside the guard so that a failing storage (Redis down) ends
    in an apology and counts as an error, then the person (registered, active, not throttled).
    Inner, on messages and callback queries: the handler's log context and refusals explained,
    inside the button's answer (``AnswerButtons``) so that an alert is its one answer.
    """
    translator = translator or Translator()
    dispatcher = Dispatcher(
        storage=storage or MemoryStorage(),
        events_isolation=isolation or SimpleEventIsolation(),
        disable_fsm=True,  # registered below, inside the guard
    )
    dispatcher.update.outer_middleware(GuardMiddleware(translator, update_metrics))
    dispatcher.update.outer_middleware(dispatcher.fsm)
    dispatcher.update.outer_middleware(UserMiddleware(services, translator, throttling))
    dispatcher.callback_query.middleware(AnswerButtons())
    for observer in (dispatcher.message, dispatcher.callback_query):
        observer.middleware(HandlerMiddleware())
    if reports is not None:
        dispatcher["reports"] = reports
    dispatcher.include_routers(*feature_routers(reports is not None), fallback.router())
    return dispatcher
