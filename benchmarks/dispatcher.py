"""Updates per second through the real dispatcher with the recording session, in one run.

Three workloads, each with logging set up as in production (JSON at INFO, written to /dev/null):

- aiogram echo: a bare handler that answers (the ceiling);
- typical bot: aiogram + async SQLAlchemy, one ORM INSERT and COMMIT per update, then the answer
  (a plain ``create_async_engine``; on SQLite with WAL and synchronous=NORMAL);
- ZAVhoz mixed: the dispatcher as `zavhoz run` builds it from the container (metered unit of work,
  update metrics, paced replies, event isolation), one admin, one executor and one staff member,
  rounds of 13 updates: a request submitted through the wizard, listed, taken and completed.

Throttling is lifted and pacing waits on a virtual clock, so the figures measure the bot, not its
limits. Each workload is warmed up untimed; then the three take turns, ``--slices`` times, so that
noise from the machine spreads over all three alike; a workload's updates/s is the median of its
slices' rates (one stall of a shared machine moves one slice, not the figure). SQL statements per
kind of update are counted in one more round, untimed, with ``StatementCounter``.
"""

import argparse
import asyncio
import cProfile
import functools
import os
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from contextlib import AsyncExitStack
from pathlib import Path
from typing import Any

import attrs
from aiogram import Bot, Dispatcher, Router
from aiogram.client.default import DefaultBotProperties
from aiogram.types import Message
from sqlalchemy import BigInteger, event, text
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from zavhoz.adapters.persistence.sqlalchemy import migrations
from zavhoz.adapters.persistence.sqlalchemy.counting import StatementCounter
from zavhoz.adapters.telegram.testing import RecordingSession, World
from zavhoz.main.container import Container
from zavhoz.main.observability import setup_observability
from zavhoz.main.settings import Settings
from zavhoz.main.testing import ROUND, School, recorded_container, school_of

PER_ROUND = len(ROUND)
"""Updates per round of every workload: the ZAVhoz round's length."""
COMPLETED = "status = 'completed'"

Timed = tuple[str, Callable[[], Awaitable[object]]]
"""A kind of update, and one of it to send."""

BUDGETS = {step.kind: step.budget for step in ROUND}


KEPT = 100
"""Messages the recording session keeps between rounds: its lookups must not grow with the run."""


@attrs.define
class Workload:
    name: str
    steps: Callable[[int], list[Timed]]
    session: RecordingSession
    engine: AsyncEngine | None = None
    rounds_run: int = 0
    samples: dict[str, list[float]] = attrs.Factory(lambda: defaultdict(list))
    slice_rates: list[float] = attrs.Factory(list)

    async def run(self, rounds: int, *, timed: bool = True) -> None:
        """``rounds`` rounds; timed ones add their samples and the slice's rate."""
        took = 0.0
        for _ in range(rounds):
            self.rounds_run += 1
            for kind, action in self.steps(self.rounds_run):
                began = time.perf_counter()
                await action()
                if timed:
                    self.samples[kind].append(sample := time.perf_counter() - began)
                    took += sample
            self.tidy()
        if timed:
            self.slice_rates.append(rounds * PER_ROUND / took)

    def tidy(self) -> None:
        assert not self.session.violations, self.session.violations
        del self.session.shown[:-KEPT]
        self.session.calls.clear()

    async def statements(self) -> dict[str, int]:
        """Statements of each kind of update in one more round, untimed."""
        if self.engine is None:
            return {}
        counter = StatementCounter.attach(self.engine)
        counted: dict[str, int] = {}
        for kind, action in self.steps(self.rounds_run + 1):
            counter.reset()
            await action()
            counted[kind] = counter.count
        self.rounds_run += 1
        self.tidy()
        counter.detach()
        return counted

    @property
    def all_samples(self) -> list[float]:
        return [sample for kind in self.samples.values() for sample in kind]


def recording_bot() -> tuple[Bot, RecordingSession]:
    session = RecordingSession()
    client = Bot("42:BENCH", session=session, default=DefaultBotProperties(parse_mode="HTML"))
    return client, session


def plain_world(router: Router) -> World:
    dispatcher = Dispatcher()
    dispatcher.include_router(router)
    client, session = recording_bot()
    return World(dispatcher, client, session)


# --- aiogram echo -------------------------------------------------------------------------------


def echo() -> Workload:
    router = Router()

    @router.message()
    async def repeat(message: Message) -> None:
        await message.answer(message.text or "…")

    world = plain_world(router)
    person = world.person(1, "Анна")
    steps = lambda n: [("echo", lambda: person.send(f"Каб. {n}"))] * PER_ROUND  # noqa: E731
    return Workload("aiogram echo", steps, world.session)


# --- the typical bot ----------------------------------------------------------------------------


class Base(DeclarativeBase):
    pass


class Note(Base):
    """What a typical bot keeps of each message."""

    __tablename__ = "bench_typical_notes"
    id: Mapped[int] = mapped_column(primary_key=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    body: Mapped[str]


def _wal(dbapi_connection: Any, _: object) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


async def typical(url: str) -> Workload:
    engine = create_async_engine(url)
    if engine.dialect.name == "sqlite":
        event.listen(engine.sync_engine, "connect", _wal)
    async with engine.begin() as connection:
        await connection.run_sync(Base.metadata.drop_all)
        await connection.run_sync(Base.metadata.create_all)
    sessions = async_sessionmaker(engine)
    router = Router()

    @router.message()
    async def save(message: Message) -> None:
        async with sessions() as session:
            session.add(Note(chat_id=message.chat.id, body=message.text or ""))
            await session.commit()
        await message.answer("Записал")

    world = plain_world(router)
    person = world.person(1, "Анна")
    steps = lambda n: [("insert", lambda: person.send(f"Каб. {n}"))] * PER_ROUND  # noqa: E731
    return Workload("typical bot", steps, world.session, engine)


# --- ZAVhoz -------------------------------------------------------------------------------------


async def fresh_schema(engine: AsyncEngine) -> None:
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await migrations.upgrade_engine(engine)


def zavhoz_round(school: School) -> Callable[[int], list[Timed]]:
    return lambda n: [(step.kind, functools.partial(step.act, school, n)) for step in ROUND]


async def zavhoz(container: Container) -> Workload:
    await fresh_schema(container.engine())
    school = await school_of(container)
    return Workload("ZAVhoz mixed", zavhoz_round(school), school.session, container.engine())


async def every_request_completed(workload: Workload) -> None:
    """A round that went astray (a card not opened) would still be timed: it must not pass."""
    assert workload.engine is not None
    async with workload.engine.connect() as connection:
        done = await connection.scalar(text(f"SELECT count(*) FROM requests WHERE {COMPLETED}"))
    assert done == workload.rounds_run, f"{done} of {workload.rounds_run} requests completed"


# --- the run ------------------------------------------------------------------------------------


def cuts(samples: list[float]) -> tuple[float, float]:
    if len(samples) < 2:
        return samples[0], samples[0]
    quantiles = statistics.quantiles(samples, n=100)
    return quantiles[49], quantiles[98]


def report(workload: Workload) -> float:
    samples = workload.all_samples
    rate = statistics.median(workload.slice_rates)
    p50, p99 = cuts(samples)
    print(
        f"{workload.name:<16} {len(samples):>6} updates  {rate:8.0f} updates/s"
        f"   p50 {p50 * 1000:6.2f} ms   p99 {p99 * 1000:6.2f} ms"
    )
    return rate


def report_kinds(workload: Workload, statements: dict[str, int]) -> None:
    print(f"\n{workload.name}: per kind of update")
    print(f"  {'kind':<16} {'statements':>10} {'budget':>6} {'p50 ms':>8} {'p99 ms':>8}")
    for kind, samples in workload.samples.items():
        p50, p99 = cuts(samples)
        budget = BUDGETS.get(kind, "")
        print(
            f"  {kind:<16} {statements.get(kind, 0):>10} {budget!s:>6}"
            f" {p50 * 1000:8.2f} {p99 * 1000:8.2f}"
        )


async def measure(arguments: argparse.Namespace, folder: Path) -> None:
    async with AsyncExitStack() as stack:
        container = recorded_container(url_of(arguments, folder, "zavhoz"))
        stack.push_async_callback(container.engine().dispose)
        ours = await zavhoz(container)  # first: on PostgreSQL it recreates the schema
        plain = await typical(url_of(arguments, folder, "typical"))
        assert plain.engine is not None
        stack.push_async_callback(plain.engine.dispose)
        ready = [echo(), plain, ours]
        for workload in ready:
            await workload.run(arguments.warmup, timed=False)
        per_slice = max(1, arguments.rounds // arguments.slices)
        for _ in range(arguments.slices):
            for workload in ready:
                await workload.run(per_slice)
        counted = [await workload.statements() for workload in ready]
        await every_request_completed(ours)
        summarize(ready, counted, arguments.backend)
        if arguments.profile:
            await profile(ours, per_slice, arguments.profile)


def summarize(workloads: list[Workload], counted: list[dict[str, int]], backend: str) -> None:
    print(f"backend: {backend}")
    bare, plain, ours = (report(workload) for workload in workloads)
    print(f"ratio ZAVhoz / echo: {ours / bare:.2f}")
    print(f"ratio ZAVhoz / typical: {ours / plain:.2f}")
    for workload, statements in zip(workloads[1:], counted[1:], strict=True):
        report_kinds(workload, statements)


async def profile(workload: Workload, rounds: int, path: str) -> None:
    profiler = cProfile.Profile()
    profiler.enable()
    await workload.run(rounds, timed=False)
    profiler.disable()
    profiler.dump_stats(path)
    print(f"\nprofile of {rounds} ZAVhoz rounds: {path} (python -m pstats {path})")


def url_of(arguments: argparse.Namespace, folder: Path, name: str) -> str:
    if arguments.backend == "postgres":
        return str(arguments.postgres_url)
    return f"sqlite+aiosqlite:///{folder / f'{name}.db'}"


def quiet_production_logging() -> None:
    """JSON at INFO as in production, into /dev/null rather than the terminal."""
    sink = open(os.devnull, "w")  # noqa: SIM115 (open for the whole run)
    settings = Settings(_env_file=None, log_level="INFO", log_format="json")  # type: ignore[call-arg, arg-type]
    setup_observability(settings, stream=sink)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--rounds", type=int, default=150, help="timed rounds of 13 updates each")
    parser.add_argument("--warmup", type=int, default=5, help="untimed rounds first")
    parser.add_argument("--slices", type=int, default=5, help="turns the workloads take")
    parser.add_argument("--backend", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument(
        "--postgres-url",
        default="postgresql+asyncpg://postgres@127.0.0.1:5432/zavhoz_bench",
        help="its public schema is dropped and created anew",
    )
    parser.add_argument("--profile", metavar="FILE", help="cProfile of ZAVhoz rounds into FILE")
    arguments = parser.parse_args()
    quiet_production_logging()
    with tempfile.TemporaryDirectory() as folder:
        asyncio.run(measure(arguments, Path(folder)))


if __name__ == "__main__":
    main()
