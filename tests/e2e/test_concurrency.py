"""100 people at once through the real ``zavhoz run``: every one is answered, nothing is lost.

The latencies are measured from the emulator's side; wall-clock speed is not asserted here (a
shared 2-core CI machine is too noisy for it): ``benchmarks/concurrency.py`` prints the figures.
"""

import asyncio
import os
import statistics
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.e2e.conftest import BotProcess, environment
from tests.e2e.emulator import Emulator, User
from tests.e2e.test_lifecycle import postgres_database  # noqa: F401 - the fixture

PEOPLE = 100
ADMIN = 1
FIRST_PERSON = 10_000
FLOW = (
    ("/start", "Здравствуйте"),
    ("📝 Новая заявка", "Где проблема?"),
    ("Каб. 305", "Что случилось?"),
)
REDIS_URL = os.environ.get("ZAVHOZ_TEST_REDIS_URL")


async def walk(person: User) -> list[float]:
    """One person's short flow; the seconds each reply took."""
    took = []
    for text, expect in FLOW:
        started = time.monotonic()
        await person.say(text, expect, timeout=60)
        took.append(time.monotonic() - started)
    return took


async def crowd(emulator: Emulator, bot: BotProcess) -> list[float]:
    """Everyone at once, after the bot is up; every reply's latency."""
    await bot.start()
    people = [emulator.user(FIRST_PERSON + n, f"Человек {n}") for n in range(PEOPLE)]
    walks = await asyncio.gather(*(walk(person) for person in people))
    assert emulator.unanswered() == []
    assert emulator.violations == []
    return [seconds for took in walks for seconds in took]


def report(where: str, latencies: list[float]) -> None:
    """The figures for the README (seen with ``pytest -s`` or ``benchmarks/concurrency.py``)."""
    p50 = statistics.median(latencies) * 1000
    p95 = statistics.quantiles(latencies, n=20)[-1] * 1000
    print(f"\n{where}: {len(latencies)} replies, p50 {p50:.0f} ms, p95 {p95:.0f} ms")


async def test_100_people_at_once_on_sqlite(emulator: Emulator, tmp_path: Path) -> None:
    database_url = f"sqlite+aiosqlite:///{tmp_path / 'zavhoz.db'}"
    bot = BotProcess(tmp_path, environment(emulator, database_url, ADMIN), emulator)
    try:
        latencies = await crowd(emulator, bot)
    finally:
        await bot.close()
    assert len(latencies) == PEOPLE * len(FLOW), "every person got every reply"
    report("SQLite", latencies)


@pytest.fixture
async def redis_emulator() -> AsyncIterator[Emulator]:
    bot_id = 700_000_000 + uuid.uuid4().int % 100_000_000
    async with Emulator(f"{bot_id}:E2E-token") as emulator:
        yield emulator


async def test_100_people_at_once_on_postgres_and_redis(
    postgres_database: str,  # noqa: F811
    redis_emulator: Emulator,
    tmp_path: Path,
) -> None:
    assert REDIS_URL
    settings = environment(redis_emulator, postgres_database, ADMIN, ZAVHOZ_REDIS_URL=REDIS_URL)
    settings["ZAVHOZ_BOT_TOKEN"] = redis_emulator.token
    bot = BotProcess(tmp_path, settings, redis_emulator)
    try:
        latencies = await crowd(redis_emulator, bot)
    finally:
        await bot.close()
    assert len(latencies) == PEOPLE * len(FLOW), "every person got every reply"
    report("PostgreSQL + Redis", latencies)
