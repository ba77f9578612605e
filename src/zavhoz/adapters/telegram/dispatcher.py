"""Assembling the dispatcher: middlewares in their order, then the feature routers."""

from aiogram import Dispatcher, Router
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.utils.callback_answer import CallbackAnswerMiddleware

from zavhoz.adapters.telegram.handlers import (
    actions,
    card,
    fallback,
    lists,
    preferences,
    start,
    users,
    wizard,
)
from zavhoz.adapters.telegram.handlers import reports as report_screens
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.middlewares.domain_errors import DomainErrorMiddleware
from zavhoz.adapters.telegram.middlewares.guard import GuardMiddleware
from zavhoz.adapters.telegram.middlewares.log_context import (
    HandlerContextMiddleware,
    LogContextMiddleware,
)
from zavhoz.adapters.telegram.middlewares.metrics import UpdateMetricsMiddleware
from zavhoz.adapters.telegram.middlewares.throttling import ThrottlingMiddleware
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
        start.router(),
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
    throttling: ThrottlingMiddleware | None = None,
    isolation: BaseEventIsolation | None = None,
    reports: ReportServices | None = None,
    update_metrics: UpdateMetricsMiddleware | None = None,
) -> Dispatcher:
    """Handle one person's updates one at a time (``isolation``; Redis-backed across processes).

    aiogram's FSM middleware (the person's lock and state) goes inside the guard and the
    metrics, so a failing storage (Redis down) ends in an apology and counts as an error.
    """
    translator = translator or Translator()
    dispatcher = Dispatcher(
        storage=storage or MemoryStorage(),
        events_isolation=isolation or SimpleEventIsolation(),
        disable_fsm=True,  # registered below, inside the guard
    )
    dispatcher.update.outer_middleware(LogContextMiddleware())
    dispatcher.update.outer_middleware(GuardMiddleware(translator))
    if update_metrics is not None:
        dispatcher.update.outer_middleware(update_metrics)  # inside the guard: sees errors
    dispatcher.update.outer_middleware(dispatcher.fsm)
    dispatcher.update.outer_middleware(UserMiddleware(services, translator))
    dispatcher.update.outer_middleware(throttling or ThrottlingMiddleware())
    dispatcher.callback_query.middleware(CallbackAnswerMiddleware())
    for observer in (dispatcher.message, dispatcher.callback_query):
        observer.middleware(HandlerContextMiddleware())
        observer.middleware(DomainErrorMiddleware())
    if reports is not None:
        dispatcher["reports"] = reports
    dispatcher.include_routers(*feature_routers(reports is not None), fallback.router())
    return dispatcher
