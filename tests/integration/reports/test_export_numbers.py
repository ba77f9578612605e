"""The export's «№» column is the number people say (7), never the internal id (42)."""

import io
from collections.abc import AsyncIterator
from pathlib import Path

import openpyxl

from tests.integration.reports.test_export import (
    AUTHOR,
    BOSS,
    EVERYTHING,
    SETTINGS,
    WORKER,
    msk,
    read_csv,
)
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.memory.export import MemoryExportSource
from zavhoz.adapters.reports.csv_export import write_csv
from zavhoz.adapters.reports.xlsx_export import write_xlsx
from zavhoz.application.export import ExportQuery, ExportRow, ExportSource
from zavhoz.application.queries.export_requests import ExportLine, ExportRequests
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.ids import RequestId

ID, NUMBER = RequestId(42), 7


class Seventh(ExportSource):
    """A source answering one row: the request numbered 7."""

    async def rows(self, query: ExportQuery, chunk: int) -> AsyncIterator[ExportRow]:
        yield ExportRow(
            number=NUMBER,
            created_at=msk(12, 12),
            author=AUTHOR.name,
            location="Каб. 305",
            category=Category.DOORS_LOCKS_SECURITY,
            priority=Priority.MEDIUM,
            status=Status.OPEN,
            assignee=None,
            taken_at=None,
            completed_at=None,
            resolve_by=msk(14, 12),
            rating=None,
            title="Дверь",
            description="Не закрывается дверь",
        )


async def people() -> MemoryDatabase:
    db = MemoryDatabase()
    async with memory_uow_factory(db)() as uow:
        for person in (AUTHOR, WORKER, BOSS):
            await uow.users.add(person)
        await uow.commit()
    return db


async def lines(db: MemoryDatabase, source: ExportSource) -> AsyncIterator[ExportLine]:
    return await ExportRequests(memory_uow_factory(db), source, SETTINGS)(BOSS.id, EVERYTHING)


async def test_csv_and_xlsx_show_the_number(tmp_path: Path) -> None:
    db = await people()
    out, path = io.BytesIO(), tmp_path / "export.xlsx"

    await write_csv(await lines(db, Seventh()), out)
    await write_xlsx(await lines(db, Seventh()), path)

    assert read_csv(out.getvalue())[1][0] == "7"
    assert openpyxl.load_workbook(path).active["A2"].value == NUMBER


async def test_a_stored_request_is_exported_by_its_number() -> None:
    db = await people()
    db.last_request_id = ID - 1
    command = CreateRequestCommand(
        author_id=AUTHOR.id,
        location="Каб. 305",
        category=Category.DOORS_LOCKS_SECURITY,
        description="Не закрывается дверь",
    )
    rid = (
        await CreateRequest(memory_uow_factory(db), FakeClock(msk(12, 12)), SETTINGS)(command)
    ).id
    db.requests[rid].number = NUMBER
    out = io.BytesIO()

    await write_csv(await lines(db, MemoryExportSource(db)), out)

    assert [row[0] for row in read_csv(out.getvalue())[1:]] == ["7"]
