"""Export N requests to CSV and XLSX: rows per second and peak memory growth.

Seeds N finished and open requests (bulk inserts of rows derived from real domain requests), then
exports them through the real path (``ExportRequests`` over ``SqlExportSource``, written by the
reports adapter to a file). Each format runs in a fresh process, so the figures are its own:

- rows/s: the whole export, from the first query to the closed file;
- peak RSS growth: the resident high-water mark during the export (``VmHWM``, reset through
  ``/proc/self/clear_refs`` just before) minus what was resident when it began: everything, C
  libraries and SQLite's cache included; for N/10 rows, then for N rows (it does not grow with
  N when the export streams; the first run is the higher as it also grows the allocator's pools);
- tracemalloc peak: the most Python memory held at once during the export of N rows.

Targets (issue 6): CSV ≥ 20 000 rows/s; growth ≤ 50 MB for both formats.
PostgreSQL runs in a schema of its own (``bench_export``), created and dropped here.
"""

import argparse
import asyncio
import json
import random
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from zavhoz.adapters.persistence.sqlalchemy import create_engine, mappers, sql_uow_factory, tables
from zavhoz.adapters.persistence.sqlalchemy.export import SqlExportSource
from zavhoz.adapters.reports.csv_export import write_csv
from zavhoz.adapters.reports.xlsx_export import write_xlsx
from zavhoz.application.export import ExportQuery
from zavhoz.application.queries.export_requests import CHUNK, ExportRequests
from zavhoz.application.settings import WorkflowSettings
from zavhoz.domain.calendar import WorkingCalendar
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import FIRST_ORG, UserId
from zavhoz.domain.organizations import first_organization
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User

AUTHORS = 2000
EXECUTORS = 20
BATCH = 5000
START = datetime(2024, 1, 1, 6, 0, tzinfo=UTC)
END = datetime(2026, 11, 1, 6, 0, tzinfo=UTC)
SCHEMA = "bench_export"
CSV_TARGET_ROWS_PER_S = 20_000
GROWTH_TARGET_MB = 50
PROBLEMS = [
    "Не закрывается дверь, замок заедает",
    'Течёт кран; под раковиной "лужа"',
    "Не работает проектор\nкабель HDMI на месте, пробовали перезагрузить",
    "=cmd|' /C calc'!A0 — сломан выключатель",
    "Дует из окна, на подоконнике конденсат; в классе холодно",
    "Нужно собрать шкаф, доставили вчера",
]
STATUSES = [Status.COMPLETED] * 16 + [
    Status.REJECTED,
    Status.CANCELLED,
    Status.OPEN,
    Status.IN_PROGRESS,
    Status.ON_HOLD,
]


def people() -> list[dict[str, Any]]:
    staff = [
        User(id=UserId(1000 + i), name=f"Учитель {i} «Иванова»", created_at=START)
        for i in range(AUTHORS)
    ]
    workers = [
        User(id=UserId(100 + i), name=f"Техник {i}", role=Role.EXECUTOR, created_at=START)
        for i in range(EXECUTORS)
    ]
    admin = User(id=UserId(1), name="Завхоз", role=Role.ADMIN, created_at=START)
    return [mappers.user_to_row(u) for u in [admin, *workers, *staff]]


def prototypes() -> dict[Priority, dict[str, Any]]:
    author = User(id=UserId(1000), created_at=START)
    made = {}
    for priority in Priority:
        request = Request.create(
            author=author,
            location="Каб. 305",
            category=Category.OTHER,
            description=PROBLEMS[0],
            priority=priority,
            now=START,
            calendar=WorkingCalendar(),
        )
        made[priority] = mappers.request_to_row(request) | {"sla_checkpoints": []}
    return made


_SHIFTED = ("created_at", "updated_at", "respond_by", "resolve_by", "sla_started_at", "urgency")


def request_row(number: int, n: int, rng: random.Random, proto: dict[str, Any]) -> dict[str, Any]:
    created = START + (END - START) * number / n
    row = proto | {name: proto[name] + (created - START) for name in _SHIFTED}
    status = rng.choice(STATUSES)
    worked = status in (Status.COMPLETED, Status.IN_PROGRESS, Status.ON_HOLD)
    taken = created + timedelta(hours=rng.uniform(0.2, 30)) if worked else None
    completed = (
        taken + timedelta(hours=rng.uniform(0.5, 120))
        if status is Status.COMPLETED and taken
        else None
    )
    description = f"{rng.choice(PROBLEMS)} (каб. {rng.randint(100, 450)})"
    location = f"Каб. {rng.randint(100, 450)}; корпус {rng.choice('АБВ')}"
    return row | {
        "id": number,
        "number": number,
        "author_id": 1000 + rng.randrange(AUTHORS),
        "location": location,
        "location_key": location.casefold(),
        "category": rng.choice(list(Category)).value,
        "description": description,
        "title": description.split("\n")[0],
        "search_text": f"{location}\n{description}".casefold(),
        "status": status.value,
        "assignee_id": 100 + rng.randrange(EXECUTORS) if worked else None,
        "taken_at": taken,
        "completed_at": completed,
        "closed_at": created + timedelta(hours=2) if status.is_final else None,
        "rating": rng.choice([None, 3, 4, 5]) if completed else None,
        "next_alert_at": None,
    }


def engine_for(url: str) -> AsyncEngine:
    if url.startswith("postgresql"):
        return create_engine(url, connect_args={"server_settings": {"search_path": SCHEMA}})
    return create_engine(url)


async def seed(url: str, n: int) -> None:
    if url.startswith("postgresql"):
        admin = create_engine(url)
        async with admin.begin() as connection:
            await connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
            await connection.execute(text(f"CREATE SCHEMA {SCHEMA}"))
        await admin.dispose()
    engine = engine_for(url)
    async with engine.begin() as connection:
        await connection.run_sync(tables.metadata.create_all)
        first = mappers.organization_to_row(first_organization())
        await connection.execute(insert(tables.organizations), [first | {"id": FIRST_ORG}])
        await connection.execute(insert(tables.users), people())
    rng, protos = random.Random(142), prototypes()
    for first in range(1, n + 1, BATCH):
        rows = [
            request_row(number, n, rng, protos[rng.choice(list(Priority))])
            for number in range(first, min(first + BATCH, n + 1))
        ]
        async with engine.begin() as connection:
            await connection.execute(insert(tables.requests), rows)
        print(f"\r  seeded {first + len(rows) - 1}/{n}", end="", flush=True)
    print()
    async with engine.connect() as connection:
        autocommit = await connection.execution_options(isolation_level="AUTOCOMMIT")
        await autocommit.execute(text("ANALYZE"))
    await engine.dispose()


async def drop_schema(url: str) -> None:
    engine = create_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE"))
    await engine.dispose()


async def export(url: str, fmt: str, path: Path, query: ExportQuery) -> int:
    engine = engine_for(url)
    try:
        use_case = ExportRequests(
            sql_uow_factory(engine), SqlExportSource(engine), WorkflowSettings()
        )
        lines = await use_case(None, query, chunk=CHUNK)
        with path.open("wb") as out:
            if fmt == "csv":
                return await write_csv(lines, out)
            return await write_xlsx(lines, out)
    finally:
        await engine.dispose()


def _status_mb(field: str) -> float:
    """``VmRSS`` (resident now) or ``VmHWM`` (its peak) from ``/proc/self/status``, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) / 1024
    raise LookupError(field)


def _timed(url: str, fmt: str, path: Path, query: ExportQuery) -> tuple[int, float, float]:
    """Rows, seconds and peak resident growth (MB) of one export in this process."""
    Path("/proc/self/clear_refs").write_text("5")  # the peak restarts from what is resident now
    before = _status_mb("VmRSS")
    began = time.perf_counter()
    count = asyncio.run(export(url, fmt, path, query))
    seconds = time.perf_counter() - began
    return count, seconds, _status_mb("VmHWM") - before


def measure(url: str, fmt: str, n: int) -> dict[str, float]:
    """One format in this (fresh) process: N/10 rows, then N rows, then N rows traced."""
    tenth = ExportQuery(until=START + (END - START) / 10)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"export.{fmt}"
        asyncio.run(export(url, fmt, path, ExportQuery(until=START)))  # imports, first connection
        _, _, growth_tenth = _timed(url, fmt, path, tenth)
        count, seconds, growth = _timed(url, fmt, path, ExportQuery())
        size = path.stat().st_size / 2**20
        tracemalloc.start()
        asyncio.run(export(url, fmt, path, ExportQuery()))
        traced_peak = tracemalloc.get_traced_memory()[1] / 2**20
        tracemalloc.stop()
    assert count == n, f"exported {count} of {n}"
    return {
        "rows": count,
        "seconds": seconds,
        "rows_per_s": count / seconds,
        "rss_growth_tenth_mb": growth_tenth,
        "rss_growth_mb": growth,
        "traced_peak_mb": traced_peak,
        "file_mb": size,
    }


def bench(url: str, n: int, label: str) -> None:
    print(f"{label}: seeding {n} requests")
    began = time.perf_counter()
    asyncio.run(seed(url, n))
    print(f"  seeding took {time.perf_counter() - began:.0f} s")
    for fmt in ("csv", "xlsx"):
        command = [sys.executable, __file__, "--measure", fmt, "--url", url, "--n", str(n)]
        result = subprocess.run(command, check=True, capture_output=True, text=True)
        figures = json.loads(result.stdout.strip().splitlines()[-1])
        rate_ok = fmt != "csv" or figures["rows_per_s"] >= CSV_TARGET_ROWS_PER_S
        memory_ok = max(figures["rss_growth_mb"], figures["traced_peak_mb"]) <= GROWTH_TARGET_MB
        print(
            f"  {fmt:<4} {figures['rows']} rows in {figures['seconds']:5.2f} s = "
            f"{figures['rows_per_s']:6.0f} rows/s{'' if rate_ok else ' (BELOW TARGET)'}; "
            f"peak RSS growth +{figures['rss_growth_tenth_mb']:.1f} MB at N/10, "
            f"+{figures['rss_growth_mb']:.1f} MB at N; tracemalloc peak "
            f"{figures['traced_peak_mb']:.1f} MB{'' if memory_ok else ' (ABOVE TARGET)'}; "
            f"file {figures['file_mb']:.1f} MB"
        )
    if url.startswith("postgresql"):
        asyncio.run(drop_schema(url))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--backend", choices=["sqlite", "postgres", "both"], default="sqlite")
    parser.add_argument(
        "--postgres-url", default="postgresql+asyncpg://postgres@127.0.0.1:5432/zavhoz_bench"
    )
    parser.add_argument("--measure", choices=["csv", "xlsx"], help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.measure:
        print(json.dumps(measure(arguments.url, arguments.measure, arguments.n)))
        return
    if arguments.backend in ("sqlite", "both"):
        with tempfile.TemporaryDirectory() as folder:
            bench(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}", arguments.n, "sqlite")
    if arguments.backend in ("postgres", "both"):
        bench(arguments.postgres_url, arguments.n, f"postgresql (schema {SCHEMA})")


if __name__ == "__main__":
    main()
