"""Redis faults never end in silence or a lockout: an apology, ``/readyz`` 503, a 5 s lock at most.

Each test starts a redis-server of its own on a spare port (so it can stop, restart and cut it)
and feeds real Updates through the real dispatcher with Redis FSM storage and isolation, as
`zavhoz run` builds them. Marked ``redis`` like the other Redis tests (CI sets
``ZAVHOZ_TEST_REDIS_URL`` and has redis-server installed).
"""

import asyncio
import logging
import shutil
import signal
import socket
import subprocess
from collections.abc import AsyncIterator, Awaitable
from typing import Any

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.fsm.storage.base import StorageKey
from aiogram.fsm.storage.redis import RedisStorage
from aiohttp.test_utils import TestClient, TestServer
from redis.asyncio import Redis
from redis.exceptions import RedisError

from tests.integration.telegram.test_redis_storage import REDIS_URL
from zavhoz.adapters.observability.http import observability_app
from zavhoz.adapters.observability.metrics import Metrics
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.isolation import LOCK_TTL, PersonBusy, ShortLockIsolation
from zavhoz.adapters.telegram.middlewares.throttling import Throttle
from zavhoz.adapters.telegram.services import Services
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.main.container import REDIS_TIMEOUT, event_isolation, fsm_storage
from zavhoz.main.observability import storage_probes

pytestmark = [
    pytest.mark.redis,
    pytest.mark.skipif(not REDIS_URL, reason="set ZAVHOZ_TEST_REDIS_URL to run the Redis tests"),
    pytest.mark.skipif(shutil.which("redis-server") is None, reason="needs redis-server"),
]

ANNA = 101
APOLOGY = "Не получилось, попробуйте ещё раз."
WHERE = "Где проблема?"
ANNAS_LOCK = StorageKey(bot_id=42, chat_id=ANNA, user_id=ANNA)


def spare_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class SpareRedis:
    """A redis-server of the test's own, on a spare port, that the test stops and starts."""

    def __init__(self) -> None:
        self.port = spare_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._process: subprocess.Popen[bytes] | None = None

    async def start(self) -> None:
        command = ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
        options = ["--save", "", "--appendonly", "no", "--daemonize", "no"]
        self._process = subprocess.Popen([*command, *options], stdout=subprocess.DEVNULL)
        await self._answering()

    async def _answering(self) -> None:
        client = Redis.from_url(self.url)
        try:
            for _ in range(200):  # 10 s at most, for a busy 2-core machine
                try:
                    if await client.ping():
                        return
                except RedisError:  # refused while it starts
                    await asyncio.sleep(0.05)
            raise RuntimeError("redis-server did not start")
        finally:
            await client.aclose()

    def pause(self) -> None:
        """Hang it: connections are accepted, nothing is answered."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    def stop(self) -> None:
        if self._process is not None:
            self._process.kill()  # paused or not
            self._process.wait(timeout=10)
            self._process = None


@pytest.fixture
async def spare_redis() -> AsyncIterator[SpareRedis]:
    server = SpareRedis()
    await server.start()
    yield server
    server.stop()


class Outcomes:
    """What the update metrics recorded, outcome by outcome."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def __call__(self, kind: str, outcome: str, seconds: float) -> None:
        self.seen.append(outcome)


class RunningBot:
    """The bot as `zavhoz run` builds it over the spare Redis, with its ``/readyz``."""

    def __init__(self, services: Services, url: str) -> None:
        self.storage = fsm_storage(url)
        assert isinstance(self.storage, RedisStorage)
        self.isolation = event_isolation(self.storage)
        assert isinstance(self.isolation, ShortLockIsolation)
        self.outcomes = Outcomes()
        session = RecordingSession()
        bot = Bot("42:TEST", session=session, default=DefaultBotProperties(parse_mode="HTML"))
        dispatcher = build_dispatcher(
            services,
            storage=self.storage,
            isolation=self.isolation,
            throttling=Throttle(rate=1000, burst=1000),
            update_metrics=self.outcomes,
        )
        self.world = World(dispatcher, bot, session)
        probes = storage_probes(self.storage)
        self.readyz = TestClient(
            TestServer(observability_app(Metrics(version="test", environment="test"), probes))
        )

    async def ready(self) -> tuple[int, Any]:
        response = await self.readyz.get("/readyz")
        return response.status, await response.json()


@pytest.fixture
async def running(services: Services, spare_redis: SpareRedis) -> AsyncIterator[RunningBot]:
    bot = RunningBot(services, spare_redis.url)
    await bot.readyz.start_server()
    yield bot
    await bot.readyz.close()
    await bot.storage.close()


async def test_a_stopped_redis_gets_an_apology_and_readyz_503_until_it_is_back(
    running: RunningBot, spare_redis: SpareRedis, caplog: pytest.LogCaptureFixture
) -> None:
    anna = running.world.person(ANNA)
    await anna.send("/start")
    assert await running.ready() == (200, {"status": "ready", "checks": {"redis": "ok"}})

    spare_redis.stop()
    with caplog.at_level(logging.ERROR, logger="zavhoz"):
        await anna.send("📝 Новая заявка")
    assert anna.last.text == APOLOGY, "not silence"
    assert "ConnectionError" in caplog.text, "logged (and so sent to Sentry)"
    assert running.outcomes.seen[-1] == "error", "counted"
    assert await running.ready() == (503, {"status": "unready", "checks": {"redis": "failed"}})

    await spare_redis.start()
    assert await running.ready() == (200, {"status": "ready", "checks": {"redis": "ok"}})
    await anna.send("📝 Новая заявка")
    assert WHERE in anna.last.text, "served again at once, no lockout"
    running.world.check_rules()


async def test_a_hung_redis_gets_an_apology_and_locks_no_one_out_afterwards(
    running: RunningBot, spare_redis: SpareRedis
) -> None:
    """The one slow test (≈ 9 s for real): Redis' own timeouts and a lock's TTL must pass."""
    anna = running.world.person(ANNA)
    await anna.send("📝 Новая заявка")
    spare_redis.pause()
    try:
        waited = await timed(anna.send("Каб. 305"))
        assert anna.last.text == APOLOGY, "not silence, not a wait without end"
        assert waited <= 2 * REDIS_TIMEOUT + 2.0, "a try and one retry, each cut at the timeout"
    finally:
        spare_redis.resume()  # it now runs the lock commands it was sent, for no one
    waited = await timed(anna.send("Каб. 305"))
    assert "🚰 Сантехника" in anna.buttons(), "the draft is kept"
    assert waited <= LOCK_TTL + 1.5, "a lock taken for a client that gave up lapses in 5 s"
    running.world.check_rules()


async def timed(action: Awaitable[None]) -> float:
    """Seconds ``action`` took, by the event loop's clock."""
    loop = asyncio.get_running_loop()
    started = loop.time()
    await action
    return loop.time() - started


async def test_a_killed_connection_is_replaced_and_the_person_answered(
    running: RunningBot, spare_redis: SpareRedis
) -> None:
    anna = running.world.person(ANNA)
    await anna.send("📝 Новая заявка")
    admin = Redis.from_url(spare_redis.url)
    killed = await admin.execute_command("CLIENT", "KILL", "TYPE", "normal", "SKIPME", "yes")
    await admin.aclose()
    assert killed >= 1, "the bot's connection was cut"

    await anna.send("Каб. 305")
    assert "🚰 Сантехника" in anna.buttons(), "the wizard went on with the draft kept"
    assert running.outcomes.seen[-1] == "handled"
    running.world.check_rules()


async def test_a_lock_left_by_a_killed_holder_lapses_within_5_seconds(running: RunningBot) -> None:
    anna = running.world.person(ANNA)
    await anna.send("/start")
    abandoned = running.isolation.redis_lock(ANNAS_LOCK)
    assert await abandoned.acquire(), "a holder took Anna's lock, then its process was killed"
    ttl_ms = await running.storage.redis.pttl(abandoned.name)
    assert 0 < ttl_ms <= LOCK_TTL * 1000, "Redis forgets the lock within 5 s"

    waited = await timed(anna.send("📝 Новая заявка"))  # the lock's remaining TTL, for real
    assert WHERE in anna.last.text
    assert ttl_ms / 1000 - 0.3 <= waited <= LOCK_TTL + 1.5, (
        "waited for the lock, not longer"
    )  # + slack for a busy machine


async def test_a_failing_update_releases_the_lock(running: RunningBot, services: Services) -> None:
    anna = running.world.person(ANNA)
    await anna.send("/start")

    class Broken:
        async def __call__(self, *args: object, **kwargs: object) -> object:
            raise RuntimeError("database is down")

    object.__setattr__(services, "my_requests", Broken())
    await anna.send("📋 Мои заявки")
    assert anna.last.text == APOLOGY
    lock = running.isolation.redis_lock(ANNAS_LOCK)
    assert await running.storage.redis.exists(lock.name) == 0, "released, not left to lapse"


async def test_a_live_holder_keeps_its_lock_past_the_ttl(spare_redis: SpareRedis) -> None:
    redis = Redis.from_url(spare_redis.url)
    storage = RedisStorage(redis)
    isolation = ShortLockIsolation(redis, storage.key_builder, ttl=1.0, hold_at_most=10)
    name = isolation.redis_lock(ANNAS_LOCK).name
    async with isolation.lock(ANNAS_LOCK):
        await asyncio.sleep(2.1)  # twice the TTL (1.0 here): a slow chart, a wait for Telegram
        assert await redis.pttl(name) > 0, "renewed while its update runs"
        other = ShortLockIsolation(redis, storage.key_builder, ttl=1.0).redis_lock(ANNAS_LOCK)
        assert not await other.acquire(blocking=False), "no one else got in"
    assert await redis.exists(name) == 0
    await redis.aclose()


async def test_a_persons_updates_are_handled_in_the_order_they_came(
    spare_redis: SpareRedis,
) -> None:
    redis = Redis.from_url(spare_redis.url)
    isolation = ShortLockIsolation(redis, RedisStorage(redis).key_builder)
    handled: list[int] = []

    async def update(number: int) -> None:
        async with isolation.lock(ANNAS_LOCK):
            await asyncio.sleep(0.01)
            handled.append(number)

    await asyncio.gather(*(update(number) for number in range(20)))
    assert handled == list(range(20))
    await redis.aclose()


async def test_a_lock_redis_lost_while_held_is_let_go_without_an_error(
    spare_redis: SpareRedis, caplog: pytest.LogCaptureFixture
) -> None:
    redis = Redis.from_url(spare_redis.url)
    isolation = ShortLockIsolation(redis, RedisStorage(redis).key_builder, ttl=0.3)
    with caplog.at_level(logging.WARNING, logger="zavhoz"):
        async with isolation.lock(ANNAS_LOCK):
            spare_redis.stop()
            for _ in range(100):  # a renewal falls due after 0.1 s; 5 s for a busy machine
                if "could not renew" in caplog.text:
                    break
                await asyncio.sleep(0.05)
    assert "could not renew a person's lock" in caplog.text
    assert "could not release a person's lock" in caplog.text, "logged; the update stands"
    await redis.aclose()


async def test_a_person_busy_longer_than_any_holder_may_be_gets_an_error(
    spare_redis: SpareRedis,
) -> None:
    redis = Redis.from_url(spare_redis.url)
    isolation = ShortLockIsolation(redis, RedisStorage(redis).key_builder, ttl=0.3, hold_at_most=0)
    stuck = redis.lock(isolation.redis_lock(ANNAS_LOCK).name, timeout=60)
    assert await stuck.acquire(), "another holder, alive and stuck for a minute"
    with pytest.raises(PersonBusy):
        async with isolation.lock(ANNAS_LOCK):
            pass
    await stuck.release()
    await redis.aclose()
