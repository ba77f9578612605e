"""Export to XLSX and CSV: every cell read back and compared with the database, on every backend.

The data set is built through the real use cases with a fake clock over one working week (the
default calendar: Moscow, Monday to Friday, 08:00-18:00), so the working hours are known.
"""

import csv
import io
import sys
import tempfile
from collections.abc import AsyncIterator, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import attrs
import openpyxl
import pytest
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.conftest import ALL_BACKENDS, SQL_BACKENDS, fresh_engine
from tests.integration.reports.cli_support import cli, fresh_database, in_database
from zavhoz.adapters.clock import FakeClock
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.memory.export import MemoryExportSource
from zavhoz.adapters.persistence.sqlalchemy import sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.export import SqlExportSource
from zavhoz.adapters.reports import xlsx_export
from zavhoz.adapters.reports.csv_export import write_csv
from zavhoz.adapters.reports.xlsx_export import write_xlsx
from zavhoz.application.export import ExportQuery, ExportSource
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.application.queries.export_requests import ExportRequests
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.use_cases.assign_request import AssignRequest, AssignRequestCommand
from zavhoz.application.use_cases.cancel_request import CancelRequest, CancelRequestCommand
from zavhoz.application.use_cases.complete_request import CompleteRequest, CompleteRequestCommand
from zavhoz.application.use_cases.create_request import CreateRequest, CreateRequestCommand
from zavhoz.application.use_cases.hold_request import HoldRequest, HoldRequestCommand
from zavhoz.application.use_cases.rate_request import RateRequest, RateRequestCommand
from zavhoz.application.use_cases.reject_request import RejectRequest, RejectRequestCommand
from zavhoz.application.use_cases.take_request import TakeRequest, TakeRequestCommand
from zavhoz.domain.catalog import Category, Priority, Status
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User
from zavhoz.main.cli_export import add_commands

MOSCOW = ZoneInfo("Europe/Moscow")
SETTINGS = WorkflowSettings()


def msk(day: int, hour: int, minute: int = 0) -> datetime:
    """A moment of January 2026 in Moscow (the 12th is a Monday)."""
    return datetime(2026, 1, day, hour, minute, tzinfo=MOSCOW)


AUTHOR = User(id=UserId(101), name='Анна "Аня"; Петрова', created_at=msk(1, 9))
AUTHOR2 = User(id=UserId(2**40 + 5), name='=HYPERLINK("http://evil")', created_at=AUTHOR.created_at)
WORKER = User(id=UserId(201), name="Иван Техник", role=Role.EXECUTOR, created_at=AUTHOR.created_at)
WORKER2 = User(id=UserId(202), name="", role=Role.EXECUTOR, created_at=AUTHOR.created_at)
BOSS = User(id=UserId(301), name="Завхоз", role=Role.ADMIN, created_at=AUTHOR.created_at)
PEOPLE = (AUTHOR, AUTHOR2, WORKER, WORKER2, BOSS)

DOOR = 'Дверь "не закрывается"; замок заедает\nВторая строка: ключ застревает'
INJECTION = "=cmd|' /C calc'!A0 — проектор не включается"
CHANGED = "-Передумала: сама включила автомат"

HOURS = {
    1: (2.0, 8.5, True),
    2: (8.5, 32.5, False),
    3: (None, None, None),
    4: (None, None, None),
    5: (2.0, None, None),
    6: (None, None, None),
    7: (1.0, None, None),
}
"""Request → (hours to take, hours to complete, SLA met), worked out by hand from the timeline."""
SAID = {1: ("Готово", None), 2: ("Починили", None), 4: (None, "Не наша зона"), 6: (None, CHANGED)}
"""Request → (completion report, reason for rejection or cancellation), as the timeline wrote."""

RU_HEADERS = [
    "№",
    "Создана",
    "Заявитель",
    "Место",
    "Категория",
    "Срочность",
    "Статус",
    "Исполнитель",
    "Взята",
    "Выполнена",
    "Часов до взятия",
    "Часов до выполнения",
    "SLA выполнен",
    "Оценка",
    "Заголовок",
    "Описание",
    "Отчёт о выполнении",
    "Причина отклонения или отмены",
]
STATUS_RU = {
    Status.OPEN: "Новая",
    Status.IN_PROGRESS: "В работе",
    Status.ON_HOLD: "Ожидание",
    Status.COMPLETED: "Выполнена",
    Status.REJECTED: "Отклонена",
    Status.CANCELLED: "Отменена",
}
PRIORITY_RU = {Priority.LOW: "Низкий", Priority.MEDIUM: "Обычный", Priority.HIGH: "Срочный"}
CATEGORY_RU = {
    Category.DOORS_LOCKS_SECURITY: "Двери, замки, охрана",
    Category.IT_EQUIPMENT: "Техника и IT",
    Category.PLUMBING: "Сантехника",
    Category.CLEANING: "Уборка",
    Category.FURNITURE: "Мебель",
    Category.ELECTRICAL: "Электрика",
    Category.HEATING_VENTILATION: "Отопление и вентиляция",
}


@attrs.define
class World:
    uow_factory: UnitOfWorkFactory
    source: ExportSource
    clock: FakeClock
    engine: AsyncEngine | None = None

    def export(self) -> ExportRequests:
        return ExportRequests(self.uow_factory, self.source, SETTINGS)

    async def at(self, moment: datetime, use_case: type, command: Any) -> Request:
        self.clock.set(moment)
        result: Request = await use_case(self.uow_factory, self.clock, SETTINGS)(command)
        return result


async def seed(world: World) -> None:
    """Seven requests over Monday 12 to Thursday 15 January 2026, in every status."""
    async with world.uow_factory() as uow:
        for person in PEOPLE:
            await uow.users.add(person)
        await uow.commit()

    async def create(
        moment: datetime,
        author: User,
        location: str,
        description: str,
        category: Category,
        priority: Priority = Priority.MEDIUM,
    ) -> RequestId:
        command = CreateRequestCommand(
            author_id=author.id,
            location=location,
            category=category,
            description=description,
            priority=priority,
        )
        return (await world.at(moment, CreateRequest, command)).id

    def act(command: type, request: RequestId, actor: User, **fields: Any) -> Any:
        return command(actor_id=actor.id, request_id=request, **fields)

    r1 = await create(
        msk(12, 12), AUTHOR, "Каб. 305; корпус «Б»", DOOR, Category.DOORS_LOCKS_SECURITY
    )
    r2 = await create(
        msk(12, 12, 30),
        AUTHOR2,
        "+7 этаж, актовый зал",
        INJECTION,
        Category.IT_EQUIPMENT,
        Priority.HIGH,
    )
    await create(
        msk(12, 13), AUTHOR, "-1 этаж, подвал", "Течёт кран в туалете на втором этаже",
        Category.PLUMBING, Priority.LOW,
    )  # fmt: skip
    await world.at(msk(12, 14), TakeRequest, act(TakeRequestCommand, r1, WORKER))
    r4 = await create(
        msk(12, 15), AUTHOR2, "Коридор", "@все: мусор не вывезли с утра", Category.CLEANING
    )
    await world.at(
        msk(12, 16), RejectRequest, act(RejectRequestCommand, r4, BOSS, reason="Не наша зона")
    )
    r5 = await create(
        msk(12, 17), AUTHOR, "Каб. 210", "Сломан стул в кабинете 210", Category.FURNITURE
    )
    await world.at(
        msk(13, 9), AssignRequest, act(AssignRequestCommand, r5, BOSS, assignee_id=WORKER2.id)
    )
    await world.at(
        msk(13, 10), HoldRequest, act(HoldRequestCommand, r5, WORKER2, reason="Ждём запчасти")
    )
    await world.at(
        msk(13, 10, 30), CompleteRequest, act(CompleteRequestCommand, r1, WORKER, report="Готово")
    )
    await world.at(msk(13, 11), TakeRequest, act(TakeRequestCommand, r2, WORKER))
    await world.at(msk(13, 11, 30), RateRequest, act(RateRequestCommand, r1, AUTHOR, score=5))
    r6 = await create(
        msk(14, 9),
        AUTHOR,
        "Каб. 101",
        "Не работает розетка у доски",
        Category.ELECTRICAL,
        Priority.HIGH,
    )
    await world.at(
        msk(14, 9, 30), CancelRequest, act(CancelRequestCommand, r6, AUTHOR, reason=CHANGED)
    )
    r7 = await create(
        msk(15, 10),
        AUTHOR2,
        'Класс "3А"',
        "Дует из окна в классе, холодно",
        Category.HEATING_VENTILATION,
    )
    await world.at(msk(15, 11), TakeRequest, act(TakeRequestCommand, r7, WORKER))
    await world.at(
        msk(15, 15), CompleteRequest, act(CompleteRequestCommand, r2, WORKER, report="Починили")
    )


@pytest.fixture(params=ALL_BACKENDS)
async def world(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[World]:
    clock = FakeClock(msk(12, 12))
    if request.param == "memory":
        db = MemoryDatabase()
        built = World(memory_uow_factory(db), MemoryExportSource(db), clock)
        await seed(built)
        yield built
        return
    engine = await fresh_engine(request.param, tmp_path)
    built = World(sql_uow_factory(engine), SqlExportSource(engine), clock, engine)
    await seed(built)
    yield built
    await engine.dispose()


# --- what the database says ---------------------------------------------------------------


def safe(text: str) -> str:
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def local(moment: datetime | None) -> datetime | None:
    return moment.astimezone(MOSCOW).replace(tzinfo=None) if moment is not None else None


async def expected_rows(world: World, numbers: Sequence[int]) -> list[list[Any]]:
    """The cells each request should have, read from the database through the repositories."""
    rows: list[list[Any]] = []
    async with world.uow_factory() as uow:
        for number in numbers:
            request = await uow.requests.get(RequestId(number))
            assert request is not None
            names = {}
            for person in (request.author, request.assignee):
                if person is not None:
                    found = await uow.users.get(person)
                    assert found is not None
                    names[person] = found.name or str(person)
            take, complete, met = HOURS[number]
            rows.append(
                [
                    request.id,
                    local(request.created_at),
                    safe(names[request.author]),
                    safe(request.location),
                    CATEGORY_RU[request.category],
                    PRIORITY_RU[request.priority],
                    STATUS_RU[request.status],
                    safe(names[request.assignee]) if request.assignee is not None else None,
                    local(request.taken_at),
                    local(request.completed_at),
                    take,
                    complete,
                    None if met is None else "да" if met else "нет",
                    request.rating,
                    safe(request.title),
                    safe(request.description),
                    *(safe(said) if said else None for said in SAID.get(number, (None, None))),
                ]
            )
    return rows


def as_csv(cell: Any, *, comma: bool = True) -> str:
    if cell is None:
        return ""
    if isinstance(cell, datetime):
        return cell.strftime("%d.%m.%Y %H:%M")
    if isinstance(cell, float):
        return f"{cell:.1f}".replace(".", ",") if comma else f"{cell:.1f}"
    return str(cell)


EVERYTHING = ExportQuery()


async def export_csv(world: World, query: ExportQuery = EVERYTHING, **options: Any) -> bytes:
    out = io.BytesIO()
    await write_csv(await world.export()(BOSS.id, query, chunk=3), out, **options)
    return out.getvalue()


def read_csv(data: bytes, delimiter: str = ";") -> list[list[str]]:
    assert data.startswith(b"\xef\xbb\xbf"), "UTF-8 with a byte-order mark"
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=delimiter))


# --- the tests ----------------------------------------------------------------------------


async def test_csv_has_every_cell_of_the_database(world: World) -> None:
    rows = read_csv(await export_csv(world))

    assert rows[0] == RU_HEADERS
    expected = await expected_rows(world, range(1, 8))
    assert rows[1:] == [[as_csv(cell) for cell in row] for row in expected]


async def test_csv_keeps_special_characters_and_neutralises_formulas(world: World) -> None:
    rows = {row[0]: row for row in read_csv(await export_csv(world))[1:]}

    door = rows["1"]
    assert door[2] == 'Анна "Аня"; Петрова'
    assert door[3] == "Каб. 305; корпус «Б»"
    assert door[15] == DOOR  # the quotes, the semicolon and the line break survive
    assert door[14] == 'Дверь "не закрывается"; замок заедает'
    assert door[1] == "12.01.2026 12:00"
    assert (door[10], door[11], door[12], door[13]) == ("2,0", "8,5", "да", "5")
    projector = rows["2"]
    assert projector[2] == '\'=HYPERLINK("http://evil")'
    assert projector[3] == "'+7 этаж, актовый зал"
    assert projector[14] == "'" + INJECTION
    assert (projector[10], projector[11], projector[12]) == ("8,5", "32,5", "нет")
    assert rows["3"][3] == "'-1 этаж, подвал"
    assert rows["4"][14] == "'@все: мусор не вывезли с утра"
    assert rows["5"][7] == str(WORKER2.id)  # no name: the id stands in
    assert (rows["5"][8], rows["5"][10], rows["5"][12]) == ("13.01.2026 09:00", "2,0", "")
    assert rows["7"][3] == 'Класс "3А"'


async def test_csv_in_english_with_commas(world: World) -> None:
    data = await export_csv(world, language="en", delimiter=",")
    rows = {row[0]: row for row in read_csv(data, ",")}

    assert rows["№"][:4] == ["№", "Created", "Author", "Location"]
    assert rows["№"][10:13] == ["Hours to take", "Hours to complete", "SLA met"]
    assert rows["1"][1] == "2026-01-12 12:00"
    assert rows["1"][3] == "Каб. 305; корпус «Б»"
    assert rows["1"][4:7] == ["Doors, locks, security", "Normal", "Done"]
    assert rows["1"][10:13] == ["2.0", "8.5", "yes"]
    assert rows["2"][11:13] == ["32.5", "no"]
    assert rows["6"][6] == "Cancelled"


async def test_xlsx_has_every_cell_of_the_database(world: World, tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    count = await write_xlsx(await world.export()(None, ExportQuery(), chunk=2), path)

    assert count == 7
    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Заявки"
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    assert values[0] == RU_HEADERS
    assert values[1:] == await expected_rows(world, range(1, 8))


async def test_xlsx_is_formatted_for_people(world: World, tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    await write_xlsx(await world.export()(None, ExportQuery()), path)

    sheet = openpyxl.load_workbook(path).active
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.b for cell in sheet[1])
    assert not sheet["A2"].font.b
    assert sheet.column_dimensions["A"].width == 8
    assert sheet.column_dimensions["P"].width == 60
    assert sheet.auto_filter.ref == "A1:R8"
    door = {cell.column_letter: cell for cell in sheet[2]}
    assert door["A"].value == 1
    assert door["A"].data_type == "n"
    assert door["B"].value == datetime(2026, 1, 12, 12, 0)
    assert door["B"].is_date
    assert door["B"].number_format == "DD.MM.YYYY HH:MM"
    assert door["J"].value == datetime(2026, 1, 13, 10, 30)
    assert door["K"].value == 2.0
    assert door["K"].number_format == "0.0"
    assert door["L"].value == 8.5
    assert door["N"].value == 5
    assert door["P"].value == DOOR
    projector = {cell.column_letter: cell for cell in sheet[3]}
    assert projector["C"].value == '\'=HYPERLINK("http://evil")'
    assert projector["O"].value == "'" + INJECTION
    assert projector["O"].data_type == "s"  # text, never a formula


async def test_xlsx_in_english(world: World, tmp_path: Path) -> None:
    path = tmp_path / "export.xlsx"
    await write_xlsx(await world.export()(None, ExportQuery()), path, language="en")

    sheet = openpyxl.load_workbook(path).active
    assert sheet.title == "Requests"
    assert [sheet["A1"].value, sheet["M1"].value] == ["№", "SLA met"]
    assert sheet["B2"].number_format == "YYYY-MM-DD HH:MM"
    assert [sheet["G2"].value, sheet["M2"].value] == ["Done", "yes"]


@pytest.mark.parametrize(
    ("query", "numbers"),
    [
        pytest.param(ExportQuery(), [1, 2, 3, 4, 5, 6, 7], id="everything"),
        pytest.param(ExportQuery(since=msk(12, 0), until=msk(13, 0)), [1, 2, 3, 4, 5], id="monday"),
        pytest.param(ExportQuery(since=msk(12, 15)), [4, 5, 6, 7], id="from-monday-15h"),
        pytest.param(ExportQuery(until=msk(12, 15)), [1, 2, 3], id="until-monday-15h"),
        pytest.param(ExportQuery(statuses=frozenset({Status.COMPLETED})), [1, 2], id="completed"),
        pytest.param(
            ExportQuery(statuses=frozenset({Status.OPEN, Status.ON_HOLD})), [3, 5], id="waiting"
        ),
        pytest.param(ExportQuery(priority=Priority.HIGH), [2, 6], id="urgent"),
        pytest.param(ExportQuery(category=Category.PLUMBING), [3], id="plumbing"),
        pytest.param(
            ExportQuery(
                since=msk(12, 0),
                until=msk(16, 0),
                statuses=frozenset({Status.COMPLETED, Status.CANCELLED}),
                priority=Priority.HIGH,
            ),
            [2, 6],
            id="combined",
        ),
        pytest.param(ExportQuery(since=msk(16, 0)), [], id="nothing"),
    ],
)
async def test_filters_and_period(world: World, query: ExportQuery, numbers: list[int]) -> None:
    rows = read_csv(await export_csv(world, query))

    assert [int(row[0]) for row in rows[1:]] == numbers
    expected = await expected_rows(world, numbers)
    assert rows[1:] == [[as_csv(cell) for cell in row] for row in expected]


async def test_only_admins_export(world: World) -> None:
    for person in (AUTHOR, WORKER):
        with pytest.raises(NotPermitted) as refused:
            await world.export()(person.id, ExportQuery())
        assert refused.value.reason == "admins_only"
    with pytest.raises(NotFound):
        await world.export()(UserId(999), ExportQuery())
    lines = await world.export()(None, ExportQuery(), chunk=0)  # at least one row a chunk
    assert len([line async for line in lines]) == 7


@pytest.mark.parametrize("world", SQL_BACKENDS, indirect=True)
async def test_sql_reads_chunk_by_chunk(world: World) -> None:
    """SQLite: a short ``LIMIT`` query per chunk; PostgreSQL: one query on a server-side cursor
    fetching ``chunk`` rows at a time."""
    assert world.engine is not None
    statements: list[tuple[str, Any]] = []

    def seen(_conn: Any, _cursor: Any, statement: str, _params: Any, context: Any, *_: Any) -> None:
        if "FROM requests" in statement:
            statements.append((statement, context.execution_options))

    event.listen(world.engine.sync_engine, "before_cursor_execute", seen)
    try:
        lines = await world.export()(None, ExportQuery(), chunk=3)
        numbers = [line.request.number async for line in lines]
    finally:
        event.remove(world.engine.sync_engine, "before_cursor_execute", seen)

    assert numbers == [1, 2, 3, 4, 5, 6, 7]
    if world.engine.dialect.name == "postgresql":
        [(statement, options)] = statements
        assert options["yield_per"] == 3
        assert options["stream_results"]
        assert "LIMIT" not in statement
    else:
        assert len(statements) == 3  # 3 + 3 + 1 rows, one short query each
        assert all("LIMIT" in statement for statement, _ in statements)


# --- the command line ---------------------------------------------------------------------


@pytest.fixture
def database(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = fresh_database(tmp_path, monkeypatch)

    async def fill(uow_factory: UnitOfWorkFactory) -> None:
        await seed(World(uow_factory, MemoryExportSource(MemoryDatabase()), FakeClock()))

    in_database(url, fill)
    return url


def test_cli_writes_xlsx_and_csv_files(
    database: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    xlsx, table = tmp_path / "out" / "requests.xlsx", tmp_path / "requests.csv"
    xlsx.parent.mkdir()

    assert cli(add_commands, "export", "--format", "xlsx", "--out", str(xlsx)) == 0
    assert "Exported 7 requests" in capsys.readouterr().err
    code = cli(
        add_commands,
        "export", "--format", "csv", "--from", "2026-01-12", "--to", "2026-01-14",
        "--status", "completed", "--status", "cancelled", "--priority", "high", "--out", str(table),
    )  # fmt: skip

    assert code == 0
    assert [row[0] for row in openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True)] == [
        "№", 1, 2, 3, 4, 5, 6, 7
    ]  # fmt: skip
    rows = read_csv(table.read_bytes())
    assert [row[0] for row in rows] == ["№", "2", "6"]
    assert rows[1][3] == "'+7 этаж, актовый зал"
    assert not list(tmp_path.glob("**/.*.part"))


def test_cli_writes_csv_to_stdout(
    database: str, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    code = cli(
        add_commands, "export", "--format", "csv", "--delimiter", ",", "--language", "en",
        "--category", "plumbing", "--to", "2026-01-12",
    )  # fmt: skip

    assert code == 0
    rows = read_csv(capsysbinary.readouterr().out, ",")
    assert rows[0][1] == "Created"
    assert [row[0] for row in rows[1:]] == ["3"]
    assert rows[1][3] == "'-1 этаж, подвал"


def test_cli_period_is_local_days_with_the_last_one_included(database: str, tmp_path: Path) -> None:
    out = tmp_path / "week.csv"
    assert (
        cli(add_commands, "export", "--format", "csv", "--from", "2026-01-14", "--out", str(out))
        == 0
    )
    assert [row[0] for row in read_csv(out.read_bytes())[1:]] == ["6", "7"]
    assert (
        cli(add_commands, "export", "--format", "csv", "--to", "2026-01-14", "--out", str(out)) == 0
    )
    assert [row[0] for row in read_csv(out.read_bytes())[1:]] == ["1", "2", "3", "4", "5", "6"]


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "csv", "--bogus"], "unrecognized arguments: --bogus"),
        (["--format", "pdf"], "argument --format: invalid choice: 'pdf'"),
        (["--out", "x.csv"], "the following arguments are required: --format"),
        (["--format", "csv", "--from", "12.01.2026"], "'12.01.2026' is not a date: use YYYY-MM-DD"),
        (["--format", "csv", "--status", "done"], "argument --status: invalid choice: 'done'"),
        (["--format", "csv", "--delimiter", "|"], "argument --delimiter: invalid choice: '|'"),
    ],
)
def test_cli_refuses_unknown_options_clearly(
    database: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with pytest.raises(SystemExit) as exit_:
        cli(add_commands, "export", *argv)

    assert exit_.value.code == 2
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--format", "xlsx", "--delimiter", ","], "--delimiter is for --format csv only"),
        (["--format", "csv", "--from", "2026-01-14", "--to", "2026-01-12"], "--from is after --to"),
    ],
)
def test_cli_refuses_contradictions(
    database: str, argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert cli(add_commands, "export", *argv, "--out", "x") == 2
    assert capsys.readouterr().err == f"zavhoz export: {message}\n"


def test_cli_says_when_the_database_has_no_tables(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_database(tmp_path, monkeypatch)
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")
    out = tmp_path / "x.csv"

    assert cli(add_commands, "export", "--format", "csv", "--out", str(out)) == 1
    assert "zavhoz db upgrade" in capsys.readouterr().err
    assert not out.exists()


def test_cli_refuses_more_rows_than_a_sheet_holds(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setattr(xlsx_export, "MAX_ROWS", 6)  # the header and five requests
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(scratch))  # where openpyxl puts the rows
    out = tmp_path / "big.xlsx"

    assert cli(add_commands, "export", "--format", "xlsx", "--out", str(out)) == 1
    assert "more requests than an Excel sheet holds" in capsys.readouterr().err
    assert not out.exists()
    assert not list(tmp_path.glob(".*.part"))
    assert not list(scratch.iterdir())  # the half-written sheet's rows are gone too
    assert (
        cli(add_commands, "export", "--format", "xlsx", "--to", "2026-01-12", "--out", str(out))
        == 0
    )
    assert openpyxl.load_workbook(out).active.max_row == 6


def test_cli_says_what_is_wrong_with_the_settings_or_the_file(
    database: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    missing = tmp_path / "no such folder" / "x.csv"
    assert cli(add_commands, "export", "--format", "csv", "--out", str(missing)) == 1
    assert capsys.readouterr().err == (
        f"zavhoz export: cannot write {missing}: No such file or directory\n"
    )

    monkeypatch.setenv("ZAVHOZ_TIMEZONE", "Mars/Olympus")
    assert cli(add_commands, "export", "--format", "csv") == 2
    assert capsys.readouterr().err.startswith("zavhoz export: ZAVHOZ_TIMEZONE: ")


def test_cli_keeps_xlsx_off_a_terminal(
    database: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)

    assert cli(add_commands, "export", "--format", "xlsx") == 2
    assert "XLSX is binary: give --out FILE" in capsys.readouterr().err


async def test_csv_delimiter_is_semicolon_or_comma(world: World) -> None:
    with pytest.raises(ValueError, match="delimiter must be one of"):
        await export_csv(world, delimiter="|")
