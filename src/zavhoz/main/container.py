"""The composition root: one container joins configuration, persistence, the core and Telegram.

Every part is a provider, so tests replace any of them (``container.uow_factory.override(...)``,
``container.session.override(providers.Object(RecordingSession()))``) and the rest is built on top.
"""

import asyncio

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisStorage
from dependency_injector import containers, providers
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from sqlalchemy.ext.asyncio import AsyncEngine

from zavhoz.adapters.clock import SystemClock
from zavhoz.adapters.notifications import DeliveryWorker, Limits, Scheduler
from zavhoz.adapters.notifications.lifecycle import Sleep
from zavhoz.adapters.observability import metered_uow_factory
from zavhoz.adapters.persistence.cache import Memo
from zavhoz.adapters.persistence.sqlalchemy import create_engine, sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.export import SqlExportSource
from zavhoz.adapters.persistence.sqlalchemy.remembered import SqlRemembered
from zavhoz.adapters.persistence.sqlalchemy.statistics import SqlStatisticsSource
from zavhoz.adapters.reports.charts import MatplotlibCharts
from zavhoz.adapters.reports.spreadsheet import InMemorySpreadsheet
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.isolation import ShortLockIsolation
from zavhoz.adapters.telegram.notices import TelegramNotifier
from zavhoz.adapters.telegram.pacing import InProcessBudget, Pace, PushBot, paced
from zavhoz.adapters.telegram.reports_services import ReportServices
from zavhoz.adapters.telegram.services import build_services
from zavhoz.application.ports import Clock, UnitOfWorkFactory
from zavhoz.application.queries.export_requests import ExportRequests
from zavhoz.application.queries.get_statistics import GetStatistics
from zavhoz.application.queries.list_executors import ListAllWorkers
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.bootstrap_admins import BootstrapAdmins
from zavhoz.application.use_cases.import_rooms import ImportRooms
from zavhoz.application.use_cases.scan_sla import ScanSla
from zavhoz.application.use_cases.send_daily_digest import SendDailyDigest
from zavhoz.main.background import Background
from zavhoz.main.in_flight import InFlight
from zavhoz.main.observability import (
    build_metrics,
    metrics_server,
    storage_probes,
    update_recorder,
)
from zavhoz.main.settings import TOKEN_HELP, EnvironmentOrgSettings, Settings

FSM_PREFIX = "zavhoz"
"""Redis keys of the conversations: ``zavhoz:<bot id>:<chat>:<user>:state|data``."""


class StartupError(Exception):
    """A reason the bot cannot start, as one line for the operator."""


class MissingToken(StartupError):
    """The bot cannot start without ``ZAVHOZ_BOT_TOKEN``."""

    def __init__(self) -> None:
        super().__init__(TOKEN_HELP)


BOT_USERNAME = "bot_username"
"""Where each start remembers the bot's username, so `zavhoz qr` needs no ``--bot`` after it."""


REDIS_TIMEOUT = 2.0
"""Seconds a Redis command or connect may take: a hung Redis ends in an apology, not a wait."""


def fsm_storage(redis_url: str | None, prefix: str = FSM_PREFIX) -> BaseStorage:
    """Memory by default; Redis when ``ZAVHOZ_REDIS_URL`` is set, so drafts survive a restart.

    A command is retried once at once (a killed connection is replaced); a Redis that is down
    fails the update right away (an apology) instead of backing off for seconds.
    """
    if not redis_url:
        return MemoryStorage()
    key_builder = DefaultKeyBuilder(prefix=prefix, with_bot_id=True)
    connection = {
        "socket_timeout": REDIS_TIMEOUT,
        "socket_connect_timeout": REDIS_TIMEOUT,
        "retry": Retry(NoBackoff(), 1),
    }
    return RedisStorage.from_url(redis_url, connection_kwargs=connection, key_builder=key_builder)


def event_isolation(storage: BaseStorage) -> BaseEventIsolation:
    """One person's updates one at a time: across processes when they share Redis."""
    if isinstance(storage, RedisStorage):
        return ShortLockIsolation(storage.redis, storage.key_builder)
    return SimpleEventIsolation()


def bot_session(telegram_api_url: str | None) -> BaseSession:
    """Telegram's Bot API, or another server (self-hosted, an emulator) for every call and file."""
    if not telegram_api_url:
        return AiohttpSession()
    return AiohttpSession(api=TelegramAPIServer.from_base(telegram_api_url.rstrip("/")))


def bot_token(settings: Settings) -> str:
    if settings.bot_token is None:
        raise MissingToken
    return settings.bot_token.get_secret_value()


def workflow_settings(settings: Settings) -> WorkflowSettings:
    return settings.workflow()


def pace(settings: Settings) -> Pace:
    return Pace(rate=settings.notify_rate)


def notification_limits(settings: Settings) -> Limits:
    return Limits(rate=settings.notify_rate, max_attempts=settings.notify_max_attempts)


def telegram_notifier(
    bot: Bot, translator: Translator, workflow: WorkflowSettings, clock: Clock
) -> TelegramNotifier:
    return TelegramNotifier(bot, translator, workflow.calendar.timezone, clock)


def build_scheduler(
    uow_factory: UnitOfWorkFactory,
    clock: Clock,
    workflow: WorkflowSettings,
    settings: Settings,
    sleep: Sleep,
) -> Scheduler:
    return Scheduler(
        ScanSla(uow_factory, clock, workflow),
        SendDailyDigest(uow_factory, clock, workflow),
        clock,
        sleep,
        calendar=workflow.calendar,
        scan_every=settings.sla_scan_seconds,
        digest_at=settings.digest_time,
    )


def reports_engine(engine: AsyncEngine, url: str) -> AsyncEngine:
    """Statistics and exports read for long: on SQLite, in a worker thread, off the event loop."""
    return create_engine(url, threaded=True) if engine.dialect.name == "sqlite" else engine


class Container(containers.DeclarativeContainer):
    """Singletons for what lives as long as the process; Factories for what one call uses."""

    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Singleton(create_engine, settings.provided.database_url)
    report_engine = providers.Singleton(reports_engine, engine, settings.provided.database_url)
    metrics = providers.Singleton(build_metrics, settings)
    memo = providers.Singleton(Memo, settings.provided.cache_seconds)
    """People, rooms and recent places between units of work (forgotten when they change)."""
    storage_uow_factory = providers.Singleton(sql_uow_factory, engine, memo)
    uow_factory = providers.Singleton(metered_uow_factory, storage_uow_factory, metrics)
    clock = providers.Singleton(SystemClock)
    workflow = providers.Singleton(workflow_settings, settings)
    org_settings = providers.Singleton(EnvironmentOrgSettings, settings)
    services = providers.Singleton(build_services, uow_factory, clock, workflow, org_settings)
    import_rooms = providers.Factory(ImportRooms, uow_factory, clock, workflow)
    bootstrap_admins = providers.Factory(BootstrapAdmins, uow_factory, clock, workflow)
    all_workers = providers.Factory(ListAllWorkers, uow_factory, clock, workflow)
    remembered = providers.Singleton(SqlRemembered, engine)

    translator = providers.Singleton(Translator, default=settings.provided.default_locale)
    storage = providers.Singleton(fsm_storage, settings.provided.redis_url)
    session = providers.Singleton(bot_session, settings.provided.telegram_api_url)
    sleep = providers.Object(asyncio.sleep)
    """How pacing, the worker and the scheduler wait (tests give one that moves a fake clock)."""
    send_budget = providers.Singleton(
        InProcessBudget, clock, sleep, providers.Callable(pace, settings)
    )
    """Telegram's limits, shared by replies and pushes (the worker may take it as its own)."""
    paced_session = providers.Singleton(
        paced, session, send_budget, sleep, providers.Callable(pace, settings)
    )
    bot = providers.Singleton(
        Bot,
        token=providers.Callable(bot_token, settings),
        session=paced_session,
        default=providers.Object(DefaultBotProperties(parse_mode="HTML")),
    )
    push_bot = providers.Singleton(
        PushBot,
        token=providers.Callable(bot_token, settings),
        session=paced_session,
        default=providers.Object(DefaultBotProperties(parse_mode="HTML")),
    )
    """The same session as ``bot``: pushes are paced by the budget but retried by the worker."""
    statistics_source = providers.Singleton(SqlStatisticsSource, report_engine)
    get_statistics = providers.Singleton(
        GetStatistics, uow_factory, clock, workflow, statistics_source
    )
    export_source = providers.Singleton(SqlExportSource, report_engine)
    export_requests = providers.Singleton(ExportRequests, uow_factory, export_source, workflow)
    reports = providers.Singleton(
        ReportServices,
        get_statistics=get_statistics,
        charts=providers.Singleton(MatplotlibCharts),
        export=export_requests,
        spreadsheet=providers.Singleton(InMemorySpreadsheet),
    )
    isolation = providers.Singleton(event_isolation, storage)
    dispatcher = providers.Singleton(
        build_dispatcher,
        services,
        translator,
        storage,
        isolation=isolation,
        update_metrics=providers.Singleton(update_recorder, metrics),
        reports=reports,
    )
    in_flight = providers.Singleton(InFlight)

    notifier = providers.Singleton(telegram_notifier, push_bot, translator, workflow, clock)
    limits = providers.Singleton(notification_limits, settings)
    delivery_worker = providers.Singleton(
        DeliveryWorker, uow_factory, notifier, clock, sleep, limits
    )
    scheduler = providers.Singleton(build_scheduler, uow_factory, clock, workflow, settings, sleep)
    background = providers.Singleton(Background, delivery_worker, scheduler)
    metrics_server = providers.Factory(
        metrics_server,
        settings,
        metrics,
        engine=engine,
        uow_factory=uow_factory,
        clock=clock,
        probes=providers.Callable(storage_probes, storage),
    )
    """The endpoints of one process; ``background=`` the tasks it runs, if any."""


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)


async def shut_down(container: Container) -> None:
    """Close the Bot API session, the FSM storage and the database engine, in that order.

    Building one not yet built to close it is cheap: none of them connects before its first use.
    """
    if container.settings().bot_token is not None:
        await container.bot().session.close()
    await container.storage().close()
    await container.report_engine().dispose()
    await container.engine().dispose()
