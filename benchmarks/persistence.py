"""Seed N requests with history and time the read paths people hit most.

Rows are derived from a few real domain requests (so every column is realistic) and bulk-inserted;
the timed calls go through the real adapter: the read port, the repositories and the card query.
With ``--orgs K`` the requests spread over K organizations (a city over districts of 100
schools each), every school with its staff and an executor, and the queue is read as a school's
executor and as a district's crew see it; the card is opened by the school's executor, so the
core's reach check is timed too.
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

import attrs
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
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.queries.request_card import GetRequestCard
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import ACTIVE_STATUSES, Category, Priority, Status
from zavhoz.domain.ids import FIRST_ORG, OrgId, RequestId, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User

AUTHORS = 2000
EXECUTORS = 20
SCHOOLS_PER_DISTRICT = 100
ADMIN = UserId(1)
ACTIVE_SHARE = 0.03
BATCH = 5000
REPEAT = 300
START = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
NOW = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
WORDS = ["дверь", "кран", "проектор", "розетка", "окно", "батарея", "парта", "замок"]


@attrs.frozen
class Tree:
    """The organizations of a run: FIRST_ORG is the city, then districts, then schools."""

    districts: tuple[OrgId, ...]
    schools: tuple[OrgId, ...]

    @classmethod
    def of(cls, orgs: int) -> "Tree":
        districts = max(1, (orgs - 1) // (SCHOOLS_PER_DISTRICT + 1)) if orgs > 1 else 0
        first_school = 2 + districts
        schools = range(first_school, orgs + 1) if orgs > 1 else [FIRST_ORG]
        return cls(tuple(OrgId(2 + d) for d in range(districts)), tuple(map(OrgId, schools)))

    def district_of(self, school: OrgId) -> OrgId:
        return self.districts[self.schools.index(school) % len(self.districts)]

    def district(self, district: OrgId) -> frozenset[OrgId]:
        return frozenset(s for s in self.schools if self.district_of(s) == district)

    def rows(self) -> list[dict[str, Any]]:
        districts = [_org(d, f"district-{d}", FIRST_ORG) for d in self.districts]
        schools = [_org(s, f"school-{s}", self.district_of(s)) for s in self.schools]
        return districts + schools if self.districts else []

    def school_of(self, person: int) -> OrgId:
        return self.schools[person % len(self.schools)]


def _org(org: OrgId, slug: str, parent: OrgId) -> dict[str, Any]:
    return {"id": org, "slug": slug, "name": slug, "parent_id": parent, "settings": {}}


def people(tree: Tree) -> list[User]:
    staff = [
        User(
            id=UserId(1000 + i),
            name=f"Учитель {i}",
            created_at=START,
            organization=tree.school_of(i),
        )
        for i in range(max(AUTHORS, len(tree.schools)))
    ]
    workers = [
        User(
            id=UserId(100_000 + i),
            name=f"Техник {i}",
            role=Role.EXECUTOR,
            created_at=START,
            organization=tree.school_of(i),
        )
        for i in range(max(EXECUTORS, len(tree.schools)))
    ]
    admin = User(id=ADMIN, name="Завхоз", role=Role.ADMIN, created_at=START)
    return [admin, *workers, *staff]


def executor_of(school: OrgId, tree: Tree) -> UserId:
    return UserId(100_000 + tree.schools.index(school))


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


def request_rows(
    n: int, rng: random.Random, tree: Tree
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
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
        row |= _variation(number, rng, row, tree, active=active)
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
    number: int, rng: random.Random, row: dict[str, Any], tree: Tree, *, active: bool
) -> dict[str, Any]:
    word = rng.choice(WORDS)
    location = f"Каб. {rng.randint(100, 450)}"
    finished = [Status.COMPLETED] * 8 + [Status.REJECTED, Status.CANCELLED]
    status = rng.choice(sorted(ACTIVE_STATUSES) if active else finished)
    author = 1000 + rng.randrange(max(AUTHORS, len(tree.schools)))
    school = tree.school_of(author - 1000)
    worker = executor_of(school, tree)
    assigned = status not in (Status.OPEN, Status.REJECTED, Status.CANCELLED)
    due = {Status.OPEN: row["respond_by"], Status.IN_PROGRESS: row["resolve_by"]}.get(status)
    alerting = status in (Status.OPEN, Status.IN_PROGRESS)
    return {
        "id": number,
        "organization_id": school,
        "author_id": author,
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


async def seed(engine: AsyncEngine, n: int, tree: Tree) -> None:
    rng = random.Random(142)
    everyone = people(tree)
    async with engine.begin() as connection:
        if tree.districts:
            await connection.execute(insert(tables.organizations), tree.rows())
        await connection.execute(insert(tables.users), [mappers.user_to_row(u) for u in everyone])
        memberships = [mappers.membership_to_row(mappers.user_membership(u)) for u in everyone]
        await connection.execute(insert(tables.memberships), memberships)
    numbers: dict[int, int] = {}
    done = 0
    while done < n:
        size = min(BATCH, n - done)
        rows, events = request_rows(size, rng, tree)
        for row in rows:
            row["id"] += done
            numbers[row["organization_id"]] = row["number"] = (
                numbers.get(row["organization_id"], 0) + 1
            )
        for event in events:
            event["request_id"] += done
        async with engine.begin() as connection:
            await connection.execute(insert(tables.requests), rows)
            await connection.execute(insert(tables.history), events)
        done += size
        print(f"\r  seeded {done}/{n}", end="", flush=True)
    print()
    async with engine.begin() as connection:
        await connection.execute(
            text(
                "UPDATE organizations SET last_number = (SELECT coalesce(max(number), 0)"
                " FROM requests WHERE organization_id = organizations.id)"
            )
        )
    # What autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) does on a live database.
    maintenance = "VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text(maintenance))


async def fresh(engine: AsyncEngine) -> None:
    """An empty schema at the newest revision (PostgreSQL keeps the last run's otherwise)."""
    if engine.dialect.name == "postgresql":
        async with engine.begin() as connection:
            await connection.execute(text("DROP SCHEMA public CASCADE"))
            await connection.execute(text("CREATE SCHEMA public"))
    await migrations.upgrade_engine(engine)


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


async def measure_queue(factory: UnitOfWorkFactory, name: str, scope: frozenset[OrgId]) -> None:
    """The queue as the people of ``scope`` page through it."""

    async def queue(**narrowed: Any) -> None:
        async with factory() as uow:
            query = QueueFilter(organizations=scope, **narrowed)
            await uow.queries.queue(query, NOW, PageRequest(0, 5))

    await measure(f"queue of {name}, first page", queue)
    plumbing = {"priority": Priority.HIGH, "category": Category.PLUMBING}
    await measure(f"queue of {name}, high priority, plumbing", lambda: queue(**plumbing))
    await measure(f"queue of {name}, overdue", lambda: queue(overdue_at=NOW))
    await measure(f"queue of {name}, search 'проектор'", lambda: queue(words=("проектор",)))


async def bench(url: str, n: int, orgs: int) -> None:
    engine = create_engine(url)
    await fresh(engine)
    tree = Tree.of(orgs)
    print(f"{engine.dialect.name}: seeding {n} requests in {orgs} organization(s)")
    began = time.perf_counter()
    await seed(engine, n, tree)
    print(f"  seeding took {time.perf_counter() - began:.0f} s")
    factory = sql_uow_factory(engine)
    rng = random.Random(7)
    card = GetRequestCard(factory, FakeClock(NOW), WorkflowSettings())
    school = tree.schools[len(tree.schools) // 2]
    in_school = frozenset({school})
    in_district = (
        frozenset(s for s in tree.schools if tree.district_of(s) == tree.district_of(school))
        if tree.districts
        else in_school
    )

    async def mine() -> None:
        author = rng.randrange(max(AUTHORS, len(tree.schools)))
        async with factory() as uow:
            await uow.queries.by_author(UserId(1000 + author), frozenset(Status), PageRequest(0, 5))

    async def open_card() -> None:
        request_id = RequestId(rng.randint(1, n))
        async with factory(read_only=True) as uow:
            found = await uow.requests.get(request_id)
        assert found is not None
        await card(executor_of(OrgId(found.organization), tree), request_id)

    async def scan() -> None:
        async with factory() as uow:
            await uow.requests.due_for_sla(NOW, 500)

    await measure_queue(factory, "a school", in_school)
    if tree.districts:
        await measure_queue(factory, "a district", in_district)
    await measure("my requests, first page", mine)
    await measure("card with history (the school's executor)", open_card)
    await measure("SLA scan (due now, up to 500)", scan)
    await engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--orgs", type=int, default=1, help="organizations: 1 is a lone school")
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument(
        "--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/zavhoz_bench"
    )
    arguments = parser.parse_args()
    if arguments.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            url = f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}"
            asyncio.run(bench(url, arguments.n, arguments.orgs))
    if arguments.backend in ("postgres", "both"):
        asyncio.run(bench(arguments.postgres_url, arguments.n, arguments.orgs))


if __name__ == "__main__":
    main()
