"""Updates per second through the real dispatcher with the recording session, in one run.

Two workloads: a bare aiogram echo handler (the ceiling), and ZAVhoz's mixed workload on SQLite
(wizard steps, submits, list pages, take and complete callbacks). Prints the rates, their ratio
and per-update p50/p99. Throttling is lifted so the numbers measure the bot, not the limiter.
"""

import argparse
import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.types import Message

from zavhoz.adapters.clock import SystemClock
from zavhoz.adapters.persistence.sqlalchemy import create_engine, migrations, sql_uow_factory
from zavhoz.adapters.telegram.callbacks import CardCb
from zavhoz.adapters.telegram.dispatcher import build_dispatcher
from zavhoz.adapters.telegram.middlewares.throttling import ThrottlingMiddleware
from zavhoz.adapters.telegram.services import build_services
from zavhoz.adapters.telegram.testing import Person, RecordingSession, World
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role, UserState

Timings = list[float]


async def timed(samples: Timings, action: Callable[[], Awaitable[object]]) -> None:
    began = time.perf_counter()
    await action()
    samples.append(time.perf_counter() - began)


def bot() -> tuple[Bot, RecordingSession]:
    session = RecordingSession()
    return Bot(
        "42:BENCH", session=session, default=DefaultBotProperties(parse_mode="HTML")
    ), session


async def echo(updates: int) -> Timings:
    router = Router()

    async def repeat(message: Message) -> None:
        await message.answer(message.text or "…")

    router.message.register(repeat)
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    client, session = bot()
    person = World(dispatcher, client, session).person(1, "Анна")
    samples: Timings = []
    for n in range(updates):
        await timed(samples, lambda n=n: person.send(f"Каб. {n}"))
    return samples


async def zavhoz(rounds: int, folder: Path) -> Timings:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'bench.db'}")
    await migrations.upgrade_engine(engine)
    services = build_services(sql_uow_factory(engine), SystemClock(), WorkflowSettings())
    throttling = ThrottlingMiddleware(rate=1e9, burst=10**9)
    client, session = bot()
    dispatcher = build_dispatcher(services, throttling=throttling)
    world = World(dispatcher, client, session)
    staff, worker = world.person(101, "Анна"), world.person(201, "Иван")
    for person in (staff, worker):
        await person.send("/start")
    async with services.register_user._uow_factory() as uow:
        executor = await uow.users.get(UserId(201))
        assert executor is not None
        executor.role, executor.state = Role.EXECUTOR, UserState.ACTIVE
        await uow.users.save(executor)
        await uow.commit()
    samples: Timings = []
    for number in range(1, rounds + 1):
        await one_round(samples, staff, worker, number)
    await engine.dispose()
    return samples


async def one_round(samples: Timings, staff: Person, worker: Person, number: int) -> None:
    steps: list[Callable[[], Awaitable[object]]] = [
        lambda: staff.send("📝 Новая заявка"),
        lambda: staff.send(f"Каб. {300 + number % 50}"),
        lambda: staff.press("Сантехника"),
        lambda: staff.send("Течёт кран в туалете на втором этаже"),
        lambda: staff.press("Обычный"),
        lambda: staff.press("Пропустить"),
        lambda: staff.press("Отправить"),
        lambda: staff.send("📋 Мои заявки"),
        lambda: worker.press_data(CardCb(id=number, action="open", v=1).pack()),
        lambda: worker.press("Взять"),
        lambda: worker.press("Выполнено"),
        lambda: worker.send("Заменили прокладку, течи нет"),
        lambda: worker.press("Готово"),
    ]
    for step in steps:
        await timed(samples, step)


def report(name: str, samples: Timings) -> float:
    rate = len(samples) / sum(samples)
    cuts = statistics.quantiles(samples, n=100)
    print(
        f"{name:<28} {len(samples):>6} updates  {rate:8.0f} updates/s"
        f"   p50 {cuts[49] * 1000:6.2f} ms   p99 {cuts[98] * 1000:6.2f} ms"
    )
    return rate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=150, help="ZAVhoz rounds of 13 updates")
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        ours = asyncio.run(zavhoz(arguments.rounds, Path(folder)))
    bare = asyncio.run(echo(len(ours)))
    ceiling = report("aiogram echo", bare)
    rate = report("ZAVhoz mixed (SQLite)", ours)
    print(f"ratio ZAVhoz / echo: {rate / ceiling:.2f}")


if __name__ == "__main__":
    main()
