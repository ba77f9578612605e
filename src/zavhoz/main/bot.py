"""`zavhoz run`: admins and commands, long polling or a webhook, clean exit; `zavhoz worker`:
notification delivery, the SLA scan and the digest alone. Both live through ``lifespan``.

`zavhoz run` delivers notifications beside the updates (unless ``ZAVHOZ_RUN_WORKER=false``).
SIGTERM or SIGINT stops taking new updates, lets the ones in flight finish, stops the worker and
the scheduler (the sends in flight finish and are marked), then closes the Bot API session, the
FSM storage and the database engine, in that order.
"""

import asyncio
import logging
import secrets
import sys
from collections.abc import Callable, Coroutine
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.webhook.aiohttp_server import SimpleRequestHandler
from aiohttp import web

from zavhoz.adapters.telegram.commands import set_commands
from zavhoz.main.container import Container, StartupError, build_container
from zavhoz.main.lifespan import TOKEN_REFUSED, check_token, lifespan, signals_set
from zavhoz.main.observability import setup_observability
from zavhoz.main.polling import ConfirmingPoller
from zavhoz.main.settings import Settings

__all__ = ["TOKEN_REFUSED", "check_token", "main", "run", "work", "work_main"]

log = logging.getLogger("zavhoz.main")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def webhook_app(dispatcher: Dispatcher, bot: Bot, path: str, secret: str) -> web.Application:
    """The webhook endpoint: a POST without the right secret header is answered 401 and dropped.

    Updates are handled inside the request, so a stopping server waits for them to finish.
    """
    handler = SimpleRequestHandler(dispatcher, bot, handle_in_background=False, secret_token=secret)
    app = web.Application()
    app.router.add_post(path, handler.handle)
    return app


async def prepare_bot(container: Container, bot: Bot) -> None:
    """Before the first update: the admins of the settings, the command lists, the drain."""
    await container.bootstrap_admins()()
    workers = await container.all_workers()()
    await set_commands(bot, container.translator(), [worker.id for worker in workers])
    container.in_flight().install(container.dispatcher())


async def poll(bot: Bot, dispatcher: Dispatcher, stop: asyncio.Event | None = None) -> None:
    """Long polling until SIGTERM/SIGINT (or ``stop``, for tests); see ``ConfirmingPoller``."""
    await bot.delete_webhook(drop_pending_updates=False)
    stop = stop or asyncio.Event()
    poller = ConfirmingPoller(bot, dispatcher, stop)
    await dispatcher.emit_startup(bot=bot, dispatcher=dispatcher)
    try:
        with signals_set(stop):
            await poller.run()
    finally:
        await dispatcher.emit_shutdown(bot=bot, dispatcher=dispatcher)  # drains the updates
        await poller.finish()


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
        with signals_set(stop):
            await stop.wait()
    finally:
        await runner.cleanup()  # stops listening, then waits for the requests in flight
        await dispatcher.emit_shutdown(bot=bot, dispatcher=dispatcher)


async def run(
    container: Container, *, migrate: bool = True, stop: asyncio.Event | None = None
) -> None:
    """The whole life of the bot; ``stop`` stands in for SIGTERM in tests."""
    settings = container.settings()
    bot, dispatcher = container.bot(), container.dispatcher()
    life = lifespan(container, migrate=migrate, background=settings.run_worker, prepare=prepare_bot)
    async with life as server:
        if settings.webhook_url:
            await serve_webhook(bot, dispatcher, settings, stop, extend=server.attach)
        else:
            await poll(bot, dispatcher, stop)


async def work(
    container: Container, *, migrate: bool = True, stop: asyncio.Event | None = None
) -> None:
    """`zavhoz worker`: deliver, scan and send digests until SIGTERM/SIGINT (or ``stop``)."""
    stop = stop or asyncio.Event()
    async with lifespan(container, migrate=migrate, background=True):
        with signals_set(stop):
            await stop.wait()


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
