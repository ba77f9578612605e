"""Wiring observability: logging and Sentry at start-up, metrics and health endpoints in
`zavhoz run` and `zavhoz worker`.

``setup_observability(settings)`` replaces ``logging.basicConfig``: call it first, before
anything logs. Sentry is imported and started only when ``ZAVHOZ_SENTRY_DSN`` is set.

The HTTP endpoints listen on ``ZAVHOZ_METRICS_HOST:ZAVHOZ_METRICS_PORT`` when a port is set; when
it is the webhook's port they are added to the webhook's application instead (one server).
"""

from collections.abc import Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Self, TextIO

from aiogram.fsm.storage.base import BaseStorage
from aiogram.fsm.storage.redis import RedisStorage
from aiohttp import web
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from zavhoz import __version__
from zavhoz.adapters.observability import (
    GaugeRefresher,
    Metrics,
    add_observability_routes,
    configure_logging,
    observability_app,
    start_server,
)
from zavhoz.adapters.observability.http import Probe, Refresh, redis_probe
from zavhoz.adapters.telegram.middlewares.guard import RecordUpdate
from zavhoz.application.ports import Clock, UnitOfWorkFactory
from zavhoz.main.background import Background
from zavhoz.main.settings import Settings

RELEASE = f"zavhoz@{__version__}"


def secrets_of(settings: Settings) -> list[str]:
    """What must never be logged or reported: the bot token and the webhook secret."""
    return [
        secret.get_secret_value()
        for secret in (settings.bot_token, settings.webhook_secret)
        if secret is not None
    ]


def setup_observability(
    settings: Settings, *, stream: TextIO | None = None, sentry_transport: Any = None
) -> None:
    """Structured logging, then Sentry when a DSN is set (``sentry_transport``: for tests)."""
    secrets = secrets_of(settings)
    configure_logging(settings.log_level, settings.log_format.value, secrets=secrets, stream=stream)
    if settings.sentry_dsn is not None:
        from zavhoz.adapters.observability.sentry import init_sentry  # only with a DSN

        init_sentry(
            settings.sentry_dsn.get_secret_value(),
            environment=settings.environment,
            release=RELEASE,
            secrets=secrets,
            transport=sentry_transport,
        )


def build_metrics(settings: Settings) -> Metrics:
    """A fresh registry with every metric (one per application instance)."""
    return Metrics(version=__version__, environment=settings.environment)


def update_recorder(metrics: Metrics) -> RecordUpdate:
    """What the Telegram adapter's guard counts and times every update with."""
    return metrics.record_update


def database_probe(engine: AsyncEngine) -> Probe:
    async def database_answers() -> bool:
        async with engine.connect() as connection:
            await connection.execute(text("SELECT 1"))
        return True

    return database_answers


def storage_probes(storage: BaseStorage) -> dict[str, Probe]:
    """``/readyz`` asks Redis too when the conversations live there."""
    if isinstance(storage, RedisStorage):
        return {"redis": redis_probe(storage.redis)}
    return {}


def worker_probe(background: Background) -> Probe:
    async def worker_alive() -> bool:
        return background.running

    return worker_alive


def build_metrics_app(
    metrics: Metrics,
    *,
    engine: AsyncEngine | None = None,
    background: Background | None = None,
    uow_factory: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    probes: Mapping[str, Probe] | None = None,
    app: web.Application | None = None,
    refresh_every: float = 10.0,
) -> web.Application:
    """The endpoints, on ``app`` (the webhook's) or on a new application.

    Readiness asks the database (``engine``) and the delivery worker and scheduler
    (``background``), plus any other ``probes``; the gauges are read through ``uow_factory``,
    at most once per ``refresh_every`` seconds however often Prometheus scrapes.
    """
    checks = dict(_probes(engine, background))
    checks.update(probes or {})
    refresh: Refresh | None = None
    if uow_factory is not None and clock is not None:
        refresh = GaugeRefresher(metrics, uow_factory, clock, refresh_every)
    if app is not None:
        return add_observability_routes(app, metrics, checks, refresh)
    return observability_app(metrics, checks, refresh)


def _probes(
    engine: AsyncEngine | None, background: Background | None
) -> Iterable[tuple[str, Probe]]:
    if engine is not None:
        yield "database", database_probe(engine)
    if background is not None:
        yield "worker", worker_probe(background)


def shares_webhook_port(settings: Settings) -> bool:
    return settings.webhook_url is not None and settings.metrics_port == settings.webhook_port


class MetricsServer:
    """``async with``: serves the endpoints on their own port while inside, if they have one.

    ``attach`` puts them on the webhook's application instead when the ports match (call it
    on the webhook app before that server starts). Without ``ZAVHOZ_METRICS_PORT``: nothing.
    """

    def __init__(self, settings: Settings, build: Callable[..., web.Application]) -> None:
        self._settings = settings
        self._build = build
        self._runner: web.AppRunner | None = None

    def attach(self, webhook: web.Application) -> None:
        if self._settings.metrics_port is not None and shares_webhook_port(self._settings):
            self._build(app=webhook)

    async def __aenter__(self) -> Self:
        port = self._settings.metrics_port
        if port is None or shares_webhook_port(self._settings):
            return self
        try:
            self._runner = await start_server(self._build(), self._settings.metrics_host, port)
        except OSError as error:
            from zavhoz.main.container import StartupError  # container imports this module

            where = f"{self._settings.metrics_host}:{port}"
            raise StartupError(f"zavhoz: cannot serve metrics on {where}: {error}") from None
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None


def metrics_server(
    settings: Settings,
    metrics: Metrics,
    *,
    engine: AsyncEngine | None = None,
    background: Background | None = None,
    uow_factory: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    probes: Mapping[str, Probe] | None = None,
) -> MetricsServer:
    """The endpoints of one process, ready for ``async with`` (and ``attach`` for a webhook)."""

    def build(app: web.Application | None = None) -> web.Application:
        return build_metrics_app(
            metrics,
            engine=engine,
            background=background,
            uow_factory=uow_factory,
            clock=clock,
            probes=probes,
            app=app,
        )

    return MetricsServer(settings, build)
