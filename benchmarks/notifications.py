"""Notification delivery against Telegram's limits, in real time.

N notifications to N distinct chats go through the real delivery worker and the real Telegram
notifier (or, with ``--notifier plain``, a minimal one sending plain text through the Bot) into a
Bot whose session enforces Telegram's limits: more than 30 messages in any second overall, or a
second message to a chat within a second, is answered 429 with ``retry_after``. Each accepted
call takes 50-100 ms, like a request to api.telegram.org.

Reports the delivered rate against the configured global limit (target: at least 90%), the 429s
provoked (target: none) and the messages lost (target: none). With ``--chats`` fewer than ``--n``,
the notifications are shared out among that many chats (a backlog per chat), and it reports how
they were spaced in each chat (target: about a second apart) and when the last one came (target:
about a second per message of the busiest chat, no wait for a lease).

    .venv/bin/python benchmarks/notifications.py                       # 5000 at 25/s on SQLite
    .venv/bin/python benchmarks/notifications.py --rate 40 --n 1000    # over the limit: 429s obeyed
    .venv/bin/python benchmarks/notifications.py --n 100 --chats 1     # a burst to one busy admin
"""

import argparse
import asyncio
import itertools
import math
import random
import statistics
import tempfile
import time
from collections import Counter, deque
from collections.abc import AsyncGenerator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramRetryAfter
from aiogram.methods import SendMessage, TelegramMethod
from aiogram.methods.base import TelegramType
from aiogram.types import Chat, Message
from aiogram.types import User as TelegramUser

from zavhoz.adapters.clock import SystemClock
from zavhoz.adapters.notifications import DeliveryWorker, Limits
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.sqlalchemy import create_engine, migrations, sql_uow_factory
from zavhoz.adapters.telegram.i18n import Translator
from zavhoz.adapters.telegram.notices import TelegramNotifier
from zavhoz.application.delivery import Notifier
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role, User

TELEGRAM_GLOBAL = 30
"""Messages a second Telegram accepts from one bot (the session answers 429 beyond)."""
TELEGRAM_PER_CHAT = 1.0
"""Seconds between two messages to one chat."""
FIRST_CHAT = 10_000_000
BOT_USER = TelegramUser(id=4242, is_bot=True, first_name="ZAVhoz", username="zavhoz_bot")


class TelegramLimitsSession(BaseSession):
    """Answers like Telegram, 429 included, after 50-100 ms; counts what it accepted."""

    def __init__(self, seed: int = 7) -> None:
        super().__init__()
        self.window: deque[float] = deque()
        self.last_in_chat: dict[int, float] = {}
        self.accepted: Counter[int] = Counter()
        self.accepted_at: list[float] = []
        self.chat_times: dict[int, list[float]] = {}
        self.texts: Counter[str] = Counter()
        self.refused = 0
        self.busiest_second = 0
        self._rng = random.Random(seed)
        self._ids = 0

    async def make_request(
        self, bot: Bot, method: TelegramMethod[TelegramType], timeout: int | None = None
    ) -> TelegramType:
        assert isinstance(method, SendMessage), f"unexpected {type(method).__name__}"
        chat = int(method.chat_id)
        now = time.monotonic()
        while self.window and self.window[0] <= now - 1:
            self.window.popleft()
        wait = 0.0
        if len(self.window) >= TELEGRAM_GLOBAL:
            wait = self.window[0] + 1 - now
        last = self.last_in_chat.get(chat)
        if last is not None and now - last < TELEGRAM_PER_CHAT:
            wait = max(wait, last + TELEGRAM_PER_CHAT - now)
        if wait > 0:
            self.refused += 1
            retry_after = math.ceil(wait)
            raise TelegramRetryAfter(
                method=method,
                message=f"Too Many Requests: retry after {retry_after}",
                retry_after=retry_after,
            )
        self.window.append(now)
        self.busiest_second = max(self.busiest_second, len(self.window))
        self.last_in_chat[chat] = now
        self.accepted[chat] += 1
        self.accepted_at.append(now)
        self.chat_times.setdefault(chat, []).append(now)
        self.texts[f"{chat}:{method.text}"] += 1
        await asyncio.sleep(self._rng.uniform(0.05, 0.1))
        self._ids += 1
        return Message(  # type: ignore[return-value]
            message_id=self._ids,
            date=datetime.now(UTC),
            chat=Chat(id=chat, type="private"),
            from_user=BOT_USER,
            text=method.text,
        )

    async def close(self) -> None:
        return None

    async def stream_content(
        self,
        url: str,
        headers: dict[str, Any] | None = None,
        timeout: int = 30,
        chunk_size: int = 65536,
        raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        yield b""


class PlainNotifier(Notifier):
    """The least a notifier does: the template's name and request as plain text."""

    def __init__(self, bot: Bot) -> None:
        self._bot = bot

    async def send(self, message: OutboxMessage, recipient: User) -> None:
        from zavhoz.adapters.telegram.notices import delivery_error

        try:
            await self._bot.send_message(
                recipient.id, f"{message.template} №{message.request_id}", parse_mode=None
            )
        except Exception as error:
            raise delivery_error(error) from error


def notification(n: int, chats: int, now: datetime) -> OutboxMessage:
    chat = UserId(FIRST_CHAT + n % chats)
    return OutboxMessage(
        recipient=chat,
        template="request_created",
        params={
            "request_id": n + 1,
            "title": f"Не работает проектор в каб. {n % 400}",
            "location": f"Каб. {n % 400}",
            "priority": "medium",
            "status": "open",
            "version": 1,
            "actor": FIRST_CHAT,
        },
        dedupe_key=f"bench:{n}",
        request_id=RequestId(n + 1),
        created_at=now,
    )


async def seed(uow_factory: UnitOfWorkFactory, n: int, chats: int, now: datetime) -> None:
    async with uow_factory() as uow:
        for i in range(chats):
            person = User(
                id=UserId(FIRST_CHAT + i),
                name=f"Админ {i}",
                language="ru",
                role=Role.ADMIN,
                created_at=now,
            )
            await uow.users.add(person)
        await uow.outbox.add([notification(i, chats, now) for i in range(n)])
        await uow.commit()


async def backlog(uow_factory: UnitOfWorkFactory) -> int:
    async with uow_factory() as uow:
        return await uow.deliveries.backlog(datetime.now(UTC) + timedelta(days=1))


async def bench(uow_factory: UnitOfWorkFactory, arguments: argparse.Namespace) -> None:
    n, rate = arguments.n, arguments.rate
    chats = min(arguments.chats or n, n)
    clock = SystemClock()
    await seed(uow_factory, n, chats, clock.now())
    session = TelegramLimitsSession()
    bot = Bot("42:BENCH", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    notifier: Notifier = (
        PlainNotifier(bot)
        if arguments.notifier == "plain"
        else TelegramNotifier(bot, Translator(default="ru"), ZoneInfo("Europe/Moscow"), clock)
    )
    worker = DeliveryWorker(uow_factory, notifier, clock, asyncio.sleep, Limits(rate=rate))
    print(f"{n} notifications to {chats} chats at {rate}/s; Telegram allows {TELEGRAM_GLOBAL}/s")
    began = time.monotonic()
    running = asyncio.create_task(worker.run())
    expected = max(n / rate, math.ceil(n / chats) * TELEGRAM_PER_CHAT)
    deadline = began + expected * 5 + 60
    while (left := await backlog(uow_factory)) and time.monotonic() < deadline:
        await asyncio.sleep(0.5)
    worker.stop()
    await running
    took = time.monotonic() - began

    delivered = sum(session.accepted.values())
    duplicates = sum(count - 1 for count in session.texts.values())
    first, last = session.accepted_at[0], session.accepted_at[-1]
    achieved = (len(session.accepted_at) - 1) / (last - first) if last > first else 0.0
    print(f"  delivered          {delivered} of {n} in {took:.1f} s ({n / took:.2f}/s overall)")
    print(
        f"  delivered rate     {achieved:.2f}/s from first to last send "
        f"= {achieved / rate:.1%} of the configured {rate}/s (target >= 90%)"
    )
    print(
        f"  busiest second     {session.busiest_second} sends (Telegram's limit {TELEGRAM_GLOBAL})"
    )
    print(f"  429s provoked      {session.refused} (target 0)")
    print(f"  lost               {n - delivered} (target 0); still queued {left}")
    print(f"  sent twice         {duplicates}")
    if chats < n:
        _per_chat(session, began, expected)


def _per_chat(session: TelegramLimitsSession, began: float, expected: float) -> None:
    """How a backlog to each chat drained: the spacing and when its last message came."""
    gaps = [b - a for times in session.chat_times.values() for a, b in itertools.pairwise(times)]
    last = max(times[-1] for times in session.chat_times.values()) - began
    print(
        f"  per-chat spacing   median {statistics.median(gaps):.2f} s, "
        f"longest {max(gaps):.2f} s (target about {TELEGRAM_PER_CHAT:.0f} s)"
    )
    print(f"  last message after {last:.1f} s (target about {expected:.0f} s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000, help="notifications, each to its own chat")
    parser.add_argument("--rate", type=float, default=25.0, help="the worker's global rate")
    parser.add_argument(
        "--chats", type=int, default=0, help="chats to share them among (default: one each)"
    )
    parser.add_argument("--backend", choices=["sqlite", "memory", "postgres"], default="sqlite")
    parser.add_argument("--notifier", choices=["telegram", "plain"], default="telegram")
    parser.add_argument(
        "--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/zavhoz_bench"
    )
    arguments = parser.parse_args()
    if arguments.backend == "memory":
        asyncio.run(bench(memory_uow_factory(MemoryDatabase()), arguments))
        return
    with tempfile.TemporaryDirectory() as folder:
        url = (
            arguments.postgres_url
            if arguments.backend == "postgres"
            else f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
        )
        asyncio.run(_on_sql(url, arguments))


async def _on_sql(url: str, arguments: argparse.Namespace) -> None:
    engine = create_engine(url)
    await migrations.upgrade_engine(engine)
    try:
        await bench(sql_uow_factory(engine), arguments)
    finally:
        await engine.dispose()


if __name__ == "__main__":
    main()
