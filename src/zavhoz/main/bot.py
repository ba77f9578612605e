"""`zavhoz run`: start-up (migrations, admins, commands), long polling or a webhook, clean exit;
`zavhoz worker`: notification delivery, the SLA scan and the digest alone.

`zavhoz run` delivers notifications beside the updates (unless ``ZAVHOZ_RUN_WORKER=false``).
SIGTERM or SIGINT stops taking new updates, lets the ones in flight finish, stops the worker and
the scheduler (the sends in flight finish and are marked), then closes the FSM storage, the Bot
API session and the database engine, in that order.
"""

import asyncio
import contextlib
import logging
import secrets
import signal
import sys
from collections.abc import Awaitable, Callable, Coroutine, Iterator
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web
from sqlalchemy.exc import DBAPIError

from zavhoz.adapters.persistence.sqlalchemy.migrations import upgrade_engine
from zavhoz.adapters.telegram.commands import set_commands
from zavhoz.application.use_cases.bootstrap_admins import BootstrapAdmins
from zavhoz.main.background import Background
from zavhoz.main.container import Container, StartupError, build_container
from zavhoz.main.observability import metrics_server, setup_observability
from zavhoz.main.settings import Settings

log = logging.getLogger("zavhoz.main")

TOKEN_REFUSED = (
    "zavhoz: Telegram refused ZAVHOZ_BOT_TOKEN: check it with @BotFather "
    "(/mybots → API Token) and put the current one into the environment or .env."
)
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(dispatcher: Dispatcher, bot: Bot, path: str, secret: str) -> web.Application:
    """The webhook endpoint: a POST without the right secret header is answered 401 and dropped.

    Updates are handled inside the request, so a stopping server waits for them to finish.
    """
    handler = SimpleRequestHandler(dispatcher, bot, handle_in_background=False, secret_token=secret)
    app = web.Application()
    app.router.add_post(path, handler.handle)
    return app


RETRY_CEILING = 60.0
"""Seconds, at most, between two attempts to reach an unreachable Bot API at start-up."""


async def check_token(bot: Bot, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
    """A refused token stops the bot; an unreachable Bot API is retried with backoff, not a
    crash loop (SIGTERM still ends the wait)."""
    delay = 1.0
    while True:
        try:
            await bot.get_me()
            return
        except TelegramUnauthorizedError:
            raise StartupError(TOKEN_REFUSED) from None
        except (TelegramNetworkError, TelegramServerError) as error:
            log.warning("cannot reach the Bot API (%s); retrying in %.0f s", error, delay)
            await sleep(delay)
            delay = min(delay * 2, RETRY_CEILING)


async def upgrade_database(container: Container) -> None:
    try:
        await upgrade_engine(container.engine())
    except (OSError, DBAPIError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise StartupError(
            f"zavhoz: cannot reach the database (ZAVHOZ_DATABASE_URL): {reason}"
        ) from None


async def start(container: Container, bot: Bot, *, migrate: bool = True) -> None:
    """Everything before the first update: schema, token check, admins, command lists."""
    if migrate:
        await upgrade_database(container)
    await check_token(bot)
    await BootstrapAdmins(container.uow_factory(), container.clock(), container.workflow())()
    workers = await container.services().executors()
    await set_commands(bot, container.translator(), [worker.user.id for worker in workers])


async def poll(bot: Bot, dispatcher: Dispatcher, stop: asyncio.Event | None = None) -> None:
    """Long polling until SIGTERM/SIGINT (or ``stop``, for tests)."""
    await bot.delete_webhook(drop_pending_updates=False)
    stopper = asyncio.create_task(_stop_polling_on(stop, dispatcher)) if stop else None
    try:
        await dispatcher.start_polling(
            bot,
            handle_signals=True,
            close_bot_session=False,
            allowed_updates=dispatcher.resolve_used_update_types(),
        )
    finally:
        if stopper is not None:
            stopper.cancel()


async def serve_webhook(
    bot: Bot,
    dispatcher: Dispatcher,
    settings: Settings,
    stop: asyncio.Event | None = None,
    extend: Callable[[web.Application], None] | None = None,
) -> None:
    """The aiohttp webhook server until SIGTERM/SIGINT (or ``stop``), then a graceful stop."""
    assert settings.webhook_url
    secret = (
        settings.webhook_secret.get_secret_value()
        if settings.webhook_secret
        else secrets.token_urlsafe(32)  # nobody but Telegram learns it: we tell it ourselves
    )
    stop = stop or asyncio.Event()
    app = webhook_app(dispatcher, bot, settings.webhook_path, secret)
    if extend is not None:
        extend(app)  # /metrics, /healthz, /readyz when they share the webhook's port
    runner = web.AppRunner(app)
    await runner.setup()
    await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher)
    try:
        site = web.TCPSite(runner, settings.webhook_host, settings.webhook_port)
        try:
            await site.start()
        except OSError as error:
            where = f"{settings.webhook_host}:{settings.webhook_port}"
            raise StartupError(
                f"zavhoz: cannot listen for the webhook on {where}: {error}"
            ) from None
        await bot.set_webhook(
            settings.webhook_url,
            secret_token=secret,
            allowed_updates=dispatcher.resolve_used_update_types(),
            drop_pending_updates=False,
        )
        log.info("webhook listening on %s:%s", settings.webhook_host, settings.webhook_port)
        with _signals_set(stop):
            await stop.wait()
    finally:
        await runner.cleanup()  # stops listening, then waits for the requests in flight
        await dispatcher.emit_shutdown(bot=bot, dispatcher=dispatcher)


async def run(
    container: Container, *, migrate: bool = True, stop: asyncio.Event | None = None
) -> None:
    """The whole life of the bot; ``stop`` stands in for SIGTERM in tests."""
    settings = container.settings()
    bot, engine, dispatcher = container.bot(), container.engine(), container.dispatcher()
    background: Background | None = None
    try:
        await start(container, bot, migrate=migrate)
        container.in_flight().install(dispatcher)
        if settings.run_worker:
            background = container.background()
            background.start()
        server = metrics_server(
            settings,
            container.metrics(),
            engine=engine,
            background=background,
            uow_factory=container.uow_factory(),
            clock=container.clock(),
        )
        async with server:
            if settings.webhook_url:
                await serve_webhook(bot, dispatcher, settings, stop, extend=server.attach)
            else:
                await poll(bot, dispatcher, stop)
    finally:
        if background is not None:
            await background.stop()
        await bot.session.close()
        await container.storage().close()
        await engine.dispose()


async def work(
    container: Container, *, migrate: bool = True, stop: asyncio.Event | None = None
) -> None:
    """`zavhoz worker`: deliver, scan and send digests until SIGTERM/SIGINT (or ``stop``)."""
    bot, engine = container.bot(), container.engine()
    stop = stop or asyncio.Event()
    background: Background | None = None
    try:
        if migrate:
            await upgrade_engine(engine)
        await check_token(bot)
        background = container.background()
        background.start()
        server = metrics_server(
            container.settings(),
            container.metrics(),
            engine=engine,
            background=background,
            uow_factory=container.uow_factory(),
            clock=container.clock(),
        )
        async with server:
            with _signals_set(stop):
                await stop.wait()
    finally:
        if background is not None:
            await background.stop()
        await bot.session.close()
        await engine.dispose()


def main(settings: Settings, *, migrate: bool = True) -> int:
    """Run the bot until it is told to stop; the exit code for the command line."""
    return _main(settings, run(build_container(settings), migrate=migrate))


def work_main(settings: Settings, *, migrate: bool = True) -> int:
    """Run the worker alone until it is told to stop; the exit code for the command line."""
    return _main(settings, work(build_container(settings), migrate=migrate))


def _main(settings: Settings, life: Coroutine[Any, Any, None]) -> int:
    setup_observability(settings)
    try:
        asyncio.run(life)
    except StartupError as error:
        print(error, file=sys.stderr)
        return 2
    return 0


async def _stop_polling_on(stop: asyncio.Event, dispatcher: Dispatcher) -> None:
    await stop.wait()
    await dispatcher.stop_polling()


@contextlib.contextmanager
def _signals_set(stop: asyncio.Event) -> Iterator[None]:
    loop = asyncio.get_running_loop()
    installed = []
    for number in (signal.SIGTERM, signal.SIGINT):
        with contextlib.suppress(NotImplementedError, RuntimeError):
            loop.add_signal_handler(number, stop.set)
            installed.append(number)
    try:
        yield
    finally:
        for number in installed:
            loop.remove_signal_handler(number)
