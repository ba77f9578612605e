"""The life of a `zavhoz run` or `zavhoz worker` process, shared by both.

Start-up: the database (upgraded, or only reached with ``--no-migrate``), the token, what the
process prepares (the bot: admins, commands), the background tasks, the metrics endpoints.
Shutdown, whatever happened: the background tasks finish their sends, then the Bot API session,
the FSM storage and the database engine are closed. Every start-up failure the operator can fix
is a ``StartupError``: one line, exit code 2.
"""

import asyncio
import contextlib
import logging
import signal
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator

from aiogram import Bot
from aiogram.exceptions import (
    TelegramNetworkError,
    TelegramServerError,
    TelegramUnauthorizedError,
)
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from zavhoz.adapters.persistence.sqlalchemy.migrations import upgrade_engine
from zavhoz.main.background import Background
from zavhoz.main.container import BOT_USERNAME, Container, StartupError, shut_down
from zavhoz.main.observability import MetricsServer

log = logging.getLogger("zavhoz.main")

TOKEN_REFUSED = (
    "zavhoz: Telegram refused ZAVHOZ_BOT_TOKEN: check it with @BotFather "
    "(/mybots → API Token) and put the current one into the environment or .env."
)
RETRY_CEILING = 60.0
"""Seconds, at most, between two attempts to reach an unreachable Bot API at start-up."""

Prepare = Callable[[Container, Bot], Awaitable[None]]


async def check_token(bot: Bot, sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> str:
    """The bot's username; a refused token stops the bot, an unreachable Bot API is retried
    with backoff, not a crash loop (SIGTERM still ends the wait)."""
    delay = 1.0
    while True:
        try:
            return (await bot.get_me()).username or ""
        except TelegramUnauthorizedError:
            raise StartupError(TOKEN_REFUSED) from None
        except (TelegramNetworkError, TelegramServerError) as error:
            log.warning("cannot reach the Bot API (%s); retrying in %.0f s", error, delay)
            await sleep(delay)
            delay = min(delay * 2, RETRY_CEILING)


async def reach_database(container: Container, *, migrate: bool) -> None:
    """Upgrade the schema (or only connect, with ``--no-migrate``); unreachable is one line."""
    engine = container.engine()
    try:
        if migrate:
            await upgrade_engine(engine)
        else:
            async with engine.connect() as connection:
                await connection.execute(text("SELECT 1"))
    except (OSError, DBAPIError) as error:
        reason = str(getattr(error, "orig", None) or error).splitlines()[0]
        raise StartupError(
            f"zavhoz: cannot reach the database (ZAVHOZ_DATABASE_URL): {reason}"
        ) from None


@contextlib.asynccontextmanager
async def lifespan(
    container: Container, *, migrate: bool, background: bool, prepare: Prepare | None = None
) -> AsyncIterator[MetricsServer]:
    """Start the process's parts, yield its metrics server, and stop them all on the way out."""
    bot = container.bot()
    tasks: Background | None = None
    try:
        await reach_database(container, migrate=migrate)
        await container.remembered().remember(BOT_USERNAME, await check_token(bot))
        if prepare is not None:
            await prepare(container, bot)
        if background:
            tasks = container.background()
            tasks.start()
        async with container.metrics_server(background=tasks) as server:
            yield server
    finally:
        if tasks is not None:
            await tasks.stop()
        await shut_down(container)


@contextlib.contextmanager
def signals_set(stop: asyncio.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set ``stop`` while inside."""
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
