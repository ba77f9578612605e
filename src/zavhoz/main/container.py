"""The composition root: one container joins configuration, persistence, the core and Telegram.

Every part is a provider, so tests replace any of them (``container.uow_factory.override(...)``,
``container.session.override(providers.Object(RecordingSession()))``) and the rest is built on top.
"""

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.session.base import BaseSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.fsm.storage.base import BaseEventIsolation, BaseStorage, DefaultKeyBuilder
from aiogram.fsm.storage.memory import MemoryStorage, SimpleEventIsolation
from aiogram.fsm.storage.redis import RedisStorage
from dependency_injector import containers, providers

from zavhoz.adapters.clock import SystemClock
from zavhoz.adapters.persistence.sqlalchemy import create_engine, sql_uow_factory
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.services import build_services
from zavhoz.application.settings import WorkflowSettings
from zavhoz.main.in_flight import InFlight
from zavhoz.main.settings import TOKEN_HELP, Settings

FSM_PREFIX = "zavhoz"
"""Redis keys of the conversations: ``zavhoz:<bot id>:<chat>:<user>:state|data``."""


class StartupError(Exception):
    """A reason the bot cannot start, as one line for the operator."""


class MissingToken(StartupError):
    """The bot cannot start without ``ZAVHOZ_BOT_TOKEN``."""

    def __init__(self) -> None:
        super().__init__(TOKEN_HELP)


REMEMBER_USERS_FOR = 10.0
"""Seconds an active person is trusted without a registration transaction (the core re-checks)."""


def fsm_storage(redis_url: str | None, prefix: str = FSM_PREFIX) -> BaseStorage:
    """Memory by default; Redis when ``ZAVHOZ_REDIS_URL`` is set, so drafts survive a restart."""
    if not redis_url:
        return MemoryStorage()
    key_builder = DefaultKeyBuilder(prefix=prefix, with_bot_id=True)
    return RedisStorage.from_url(redis_url, key_builder=key_builder)


def event_isolation(storage: BaseStorage) -> BaseEventIsolation:
    """One person's updates one at a time: across processes when they share Redis."""
    if isinstance(storage, RedisStorage):
        return storage.create_isolation()
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


class Container(containers.DeclarativeContainer):
    settings = providers.Dependency(instance_of=Settings)

    engine = providers.Singleton(create_engine, settings.provided.database_url)
    uow_factory = providers.Singleton(sql_uow_factory, engine)
    clock = providers.Singleton(SystemClock)
    workflow = providers.Singleton(workflow_settings, settings)
    services = providers.Singleton(build_services, uow_factory, clock, workflow)

    translator = providers.Singleton(Translator, default=settings.provided.default_locale)
    storage = providers.Singleton(fsm_storage, settings.provided.redis_url)
    session = providers.Singleton(bot_session, settings.provided.telegram_api_url)
    bot = providers.Singleton(
        Bot,
        token=providers.Callable(bot_token, settings),
        session=session,
        default=providers.Object(DefaultBotProperties(parse_mode="HTML")),
    )
    isolation = providers.Singleton(event_isolation, storage)
    dispatcher = providers.Singleton(
        build_dispatcher,
        services,
        translator,
        storage,
        isolation=isolation,
        remember_users_for=REMEMBER_USERS_FOR,
    )
    in_flight = providers.Singleton(InFlight)


def build_container(settings: Settings) -> Container:
    return Container(settings=settings)
