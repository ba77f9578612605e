"""The room registry from a CSV file: every good row upserted, every bad row reported by its line.

The file has a header row naming the columns ``code`` and ``name`` (``building`` and ``floor``
are optional; the Russian ``код``, ``название``, ``корпус``, ``этаж`` work too), is UTF-8 with
or without a byte-order mark, and is separated by ``;`` or ``,`` (whichever the header uses
more). A bad row does not stop the import: the good rows are kept and the bad ones come back
with their line numbers.
"""

import csv
import io
from collections.abc import Callable, Iterator, Sequence

import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.transaction import in_transaction, load_user
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import NotPermitted, ValidationFailed
from zavhoz.domain.ids import FIRST_ORG, OrgId, RoomCode, UserId
from zavhoz.domain.rooms import Room, room_code
from zavhoz.domain.text import ROOM_NAME, TextRule, normalize

COLUMNS = ("code", "name", "building", "floor")
REQUIRED = ("code", "name")
ALIASES = {
    "code": "code",
    "код": "code",
    "name": "name",
    "название": "name",
    "имя": "name",
    "building": "building",
    "корпус": "building",
    "здание": "building",
    "floor": "floor",
    "этаж": "floor",
}
BUILDING = TextRule("building", 0, 100)
FLOOR = TextRule("floor", 0, 32)
"""What the registry's columns hold; the domain does not limit these two itself."""


@attrs.frozen(kw_only=True)
class ImportRoomsCommand:
    actor_id: UserId | None
    """An admin, or ``None`` for the operator at the command line."""
    content: str | bytes
    """The whole file: text, or bytes in UTF-8 (a byte-order mark is skipped)."""
    organization: OrgId = FIRST_ORG
    """The operator's choice; an admin imports into their current organization."""


@attrs.frozen(kw_only=True)
class RowError:
    """Why one line was not imported.

    ``field`` is ``code``, ``name``, ``building``, ``floor`` or ``header`` (``file`` for an encoding
    problem); ``rule`` is the domain's (``pattern``, ``min_length``, ``max_length``) or one of
    ``missing_column``, ``extra_columns``, ``duplicate``, ``missing_header``, ``encoding``.
    """

    line: int
    field: str
    rule: str
    value: str = ""
    """The cell as written in the file (stripped), for the message."""
    limit: int | None = None
    actual: int | None = None
    first_line: int | None = None
    """For ``duplicate``: the line where the code was first seen (and imported from)."""


@attrs.frozen(kw_only=True)
class ImportResult:
    created: int
    updated: int
    unchanged: int
    errors: tuple[RowError, ...]

    @property
    def imported(self) -> int:
        return self.created + self.updated + self.unchanged


@attrs.frozen(kw_only=True)
class ParsedRooms:
    rooms: tuple[Room, ...]
    errors: tuple[RowError, ...]


class ImportRooms(Service):
    """Upsert the rooms of a CSV file (operator or admin only)."""

    async def __call__(self, command: ImportRoomsCommand) -> ImportResult:
        return await in_transaction(self._uow_factory, lambda uow: self._run(uow, command))

    async def _run(self, uow: UnitOfWork, command: ImportRoomsCommand) -> ImportResult:
        org = await self._organization(uow, command)
        parsed = parse_rooms(command.content)
        known = {room.code: room for room in await uow.rooms.all(org)}
        created = updated = unchanged = 0
        for room in (attrs.evolve(room, organization=org) for room in parsed.rooms):
            before = known.get(room.code)
            if before == room:
                unchanged += 1
                continue
            await uow.rooms.upsert(room)
            if before is None:
                created += 1
            else:
                updated += 1
        return ImportResult(
            created=created, updated=updated, unchanged=unchanged, errors=parsed.errors
        )

    async def _organization(self, uow: UnitOfWork, command: ImportRoomsCommand) -> OrgId:
        if command.actor_id is None:
            return command.organization
        actor = await load_user(uow, command.actor_id)
        if not (actor.is_active and actor.is_admin):
            raise NotPermitted("import_rooms", "admins_only")
        return actor.organization


def parse_rooms(content: str | bytes) -> ParsedRooms:
    """The valid rooms of a CSV file and the reasons for every row left out."""
    if isinstance(content, bytes):
        raw = content
        try:
            content = raw.decode("utf-8-sig")
        except UnicodeDecodeError as failure:
            line = raw[: failure.start].count(b"\n") + 1
            bad = RowError(line=line, field="file", rule="encoding")
            return ParsedRooms(rooms=(), errors=(bad,))
    text = content.removeprefix("\ufeff")
    records = list(_records(text))
    if not records:
        return ParsedRooms(rooms=(), errors=())
    header_line, header = records[0]
    columns = [ALIASES.get(cell.strip().lower().removeprefix("\ufeff")) for cell in header]
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        bad = RowError(line=header_line, field="header", rule="missing_header", value=missing[0])
        return ParsedRooms(rooms=(), errors=(bad,))
    rooms: list[Room] = []
    errors: list[RowError] = []
    seen: dict[RoomCode, int] = {}
    for line, cells in records[1:]:
        room, problems = _row(line, cells, columns)
        if room is not None and room.code in seen:
            problems = [
                RowError(
                    line=line,
                    field="code",
                    rule="duplicate",
                    value=room.code,
                    first_line=seen[room.code],
                )
            ]
        elif room is not None:
            seen[room.code] = line
            rooms.append(room)
        errors.extend(problems)
    return ParsedRooms(rooms=tuple(rooms), errors=tuple(errors))


def _records(text: str) -> Iterator[tuple[int, list[str]]]:
    """Non-blank records with the line each starts on (a quoted cell may span lines)."""
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = ";" if first.count(";") >= first.count(",") and ";" in first else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line = 1
    for cells in reader:
        if any(cell.strip() for cell in cells):
            yield line, cells
        line = reader.line_num + 1


def _row(
    line: int, cells: Sequence[str], columns: Sequence[str | None]
) -> tuple[Room | None, list[RowError]]:
    values: dict[str, str] = {}
    problems: list[RowError] = []
    for index, column in enumerate(columns):
        if column is None or column in values:
            continue
        if index < len(cells):
            values[column] = cells[index]
        else:
            problems.append(RowError(line=line, field=column, rule="missing_column"))
    extra = [cell for cell in cells[len(columns) :] if cell.strip()]
    if extra:
        problems.append(
            RowError(
                line=line,
                field="columns",
                rule="extra_columns",
                limit=len(columns),
                actual=len(cells),
            )
        )
    if problems:
        return None, problems
    checks: tuple[tuple[str, str, Callable[[str], object]], ...] = (
        ("code", values["code"].strip(), room_code),
        ("name", values["name"], ROOM_NAME.clean),
        ("building", values.get("building", ""), BUILDING.clean),
        ("floor", values.get("floor", ""), FLOOR.clean),
    )
    for field, value, check in checks:
        try:
            check(value)
        except ValidationFailed as failure:
            problems.append(
                RowError(
                    line=line,
                    field=field,
                    rule=failure.rule,
                    value=normalize(value),
                    limit=failure.limit,
                    actual=failure.actual,
                )
            )
    if problems:
        return None, problems
    room = Room.create(
        values["code"], values["name"], values.get("building", ""), values.get("floor", "")
    )
    return room, []
