"""Seed N requests with history and time the read paths people hit most.

Rows are derived from a few real domain requests (so every column is realistic) and bulk-inserted;
the timed calls go through the real adapter: the read port, the repositories and the card query.
"""

import argparse
import asyncio
import random
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.sqlalchemy import (
    create_engine,
    mappers,
    migrations,
    sql_uow_factory,
    tables,
)
from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import PageRequest
from zavhoz.application.queries.request_card import GetRequestCard
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import ACTIVE_STATUSES, Category, Priority, Status
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User

AUTHORS = 2000
EXECUTORS = 20
ADMIN = UserId(1)
ACTIVE_SHARE = 0.03
BATCH = 5000
REPEAT = 300
START = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
WORDS = ["дверь", "кран", "проектор", "розетка", "окно", "батарея", "парта", "замок"]


def people() -> list[dict[str, Any]]:
    staff = [
        User(id=UserId(1000 + i), name=f"Учитель {i}", created_at=START) for i in range(AUTHORS)
    ]
    workers = [
        User(id=UserId(100 + i), name=f"Техник {i}", role=Role.EXECUTOR, created_at=START)
        for i in range(EXECUTORS)
    ]
    admin = User(id=ADMIN, name="Завхоз", role=Role.ADMIN, created_at=START)
    return [mappers.user_to_row(u) for u in [admin, *workers, *staff]]


def prototype(priority: Priority, created: datetime, author: User) -> Request:
    request = Request.create(
        author=author,
        location="Каб. 305",
        category=Category.OTHER,
        description="Сломалась дверь в кабинете, не закрывается замок",
        priority=priority,
        now=created,
        calendar=WorkingCalendar(),
    )
    request.pull_events()
    return request


def request_rows(n: int, rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Rows for ``n`` requests and their history: 3% active (recent), the rest finished."""
    span = (NOW - START).total_seconds()
    rows, events = [], []
    for number in range(1, n + 1):
        active = rng.random() < ACTIVE_SHARE
        if active:
            created = NOW - timedelta(hours=rng.uniform(0, 200))
            request = prototype(rng.choice(list(Priority)), created, AUTHOR)
            row = mappers.request_to_row(request)
        else:
            created = START + timedelta(seconds=span * number / n)
            row = _shifted(_finished_prototype(rng.choice(list(Priority))), created)
        row |= _variation(number, rng, row, active=active)
        rows.append(row)
        events += _history(number, row, created)
    return rows, events


AUTHOR = User(id=UserId(1000), created_at=START)
_PROTOTYPES: dict[Priority, dict[str, Any]] = {}
_TIMES = ("created_at", "updated_at", "respond_by", "resolve_by", "sla_started_at")


def _finished_prototype(priority: Priority) -> dict[str, Any]:
    if priority not in _PROTOTYPES:
        row = mappers.request_to_row(prototype(priority, START, AUTHOR))
        _PROTOTYPES[priority] = row | {"sla_checkpoints": [], "next_alert_at": None}
    return _PROTOTYPES[priority]


def _shifted(row: dict[str, Any], created: datetime) -> dict[str, Any]:
    delta = created - row["created_at"]
    return row | {name: row[name] + delta for name in _TIMES}


def _variation(
    number: int, rng: random.Random, row: dict[str, Any], *, active: bool
) -> dict[str, Any]:
    word = rng.choice(WORDS)
    location = f"Каб. {rng.randint(100, 450)}"
    finished = [Status.COMPLETED] * 8 + [Status.REJECTED, Status.CANCELLED]
    status = rng.choice(sorted(ACTIVE_STATUSES) if active else finished)
    worker = UserId(100 + rng.randrange(EXECUTORS))
    assigned = status not in (Status.OPEN, Status.REJECTED, Status.CANCELLED)
    due = {Status.OPEN: row["respond_by"], Status.IN_PROGRESS: row["resolve_by"]}.get(status)
    alerting = status in (Status.OPEN, Status.IN_PROGRESS)
    return {
        "id": number,
        "author_id": 1000 + rng.randrange(AUTHORS),
        "location": location,
        "location_key": location.casefold(),
        "category": rng.choice(list(Category)).value,
        "description": f"Не работает {word} в кабинете",
        "title": f"Не работает {word} в кабинете",
        "search_text": f"{location}\nне работает {word} в кабинете".casefold(),
        "status": status.value,
        "assignee_id": worker if assigned else None,
        "due_at": due,
        "urgency": due or mappers.NO_DEADLINE,
        "next_alert_at": row["next_alert_at"] if alerting else None,
    }


def _history(number: int, row: dict[str, Any], created: datetime) -> list[dict[str, Any]]:
    kinds = {
        "open": ["created"],
        "in_progress": ["created", "taken"],
        "on_hold": ["created", "taken", "put_on_hold"],
    }
    chosen = kinds.get(row["status"], ["created", "taken", "completed"])
    return [
        {
            "request_id": number,
            "kind": kind,
            "actor_id": row["author_id"] if kind == "created" else (row["assignee_id"] or ADMIN),
            "at": created + timedelta(minutes=i),
            "payload": {},
            "attachments": [],
        }
        for i, kind in enumerate(chosen)
    ]


async def seed(engine: AsyncEngine, n: int) -> None:
    rng = random.Random(142)
    async with engine.begin() as connection:
        await connection.execute(insert(tables.users), people())
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        rows, events = request_rows(size, rng)
        for row in rows:
            row["id"] += done
        for event in events:
            event["request_id"] += done
        async with engine.begin() as connection:
            await connection.execute(insert(tables.requests), rows)
            await connection.execute(insert(tables.history), events)
        done += size
        print(f"\r  seeded {done}/{n}", end="", flush=True)
    print()
    # What autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) does on a live database.
    maintenance = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text(maintenance))


async def measure(name: str, call: Callable[[], Awaitable[Any]]) -> None:
    for _ in range(10):
        await call()
    samples = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        await call()
        samples.append((time.perf_counter() - began) * 1000)
    cuts = statistics.quantiles(samples, n=100)
    print(f"  {name:<38} p50 {cuts[49]:7.2f} ms   p99 {cuts[98]:7.2f} ms")


async def bench(url: str, n: int) -> None:
    engine = create_engine(url)
    await migrations.upgrade_engine(engine)
    print(f"{engine.dialect.name}: seeding {n} requests")
    began = time.perf_counter()
    await seed(engine, n)
    print(f"  seeding took {time.perf_counter() - began:.0f} s")
    factory = sql_uow_factory(engine)
    rng = random.Random(7)
    card = GetRequestCard(factory, FakeClock(NOW), WorkflowSettings())

    async def queue(query: QueueFilter) -> None:
        async with factory() as uow:
            await uow.queries.queue(query, NOW, PageRequest(0, 5))

    async def mine() -> None:
        async with factory() as uow:
            await uow.queries.by_author(
                UserId(1000 + rng.randrange(AUTHORS)), frozenset(Status), PageRequest(0, 5)
            )

    async def scan() -> None:
        async with factory() as uow:
            await uow.requests.due_for_sla(NOW, 500)

    await measure("queue, first page", lambda: queue(QueueFilter()))
    await measure(
        "queue, high priority, plumbing",
        lambda: queue(QueueFilter(priority=Priority.HIGH, category=Category.PLUMBING)),
    )
    await measure("queue, overdue", lambda: queue(QueueFilter(overdue_at=NOW)))
    await measure("queue, search 'проектор'", lambda: queue(QueueFilter(words=("проектор",))))
    await measure("my requests, first page", mine)
    await measure("card with history", lambda: card(ADMIN, RequestId(rng.randint(1, n))))
    await measure("SLA scan (due now, up to 500)", scan)
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/zavhoz_bench"
    )
    arguments = parser.parse_args()
    if arguments.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            asyncio.run(bench(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", arguments.n))
    if arguments.backend in ("postgres", "both"):
        asyncio.run(bench(arguments.postgres_url, arguments.n))


if __name__ == "__main__":
    main()
