"""The room registry from CSV: good rows upserted, every bad one reported with its line."""

from typing import Any

import pytest

from tests.unit.conftest import ADMIN, EXECUTOR
from zavhoz.adapters.persistence.memory import MemoryDatabase
from zavhoz.application.use_cases.import_rooms import (
    ImportRooms,
    ImportRoomsCommand,
    RowError,
    parse_rooms,
)
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import FIRST_ORG, RoomCode, UserId
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import UserState

GOOD_AND_BAD = (
    "\ufeffcode;name;building;floor\n"  # 1
    "a305;Кабинет 305;Главный;3\n"  # 2
    "Gym; Спортзал ;Главный;1\n"  # 3: upper case and spaces are fine
    "\n"  # 4: blank, skipped
    "Каб 1;Кабинет 1;Главный;1\n"  # 5: code pattern
    "a306;К;Главный;3\n"  # 6: name too short
    "a305;Кабинет 305 again;Главный;3\n"  # 7: duplicate of line 2
    "a307;Кабинет 307\n"  # 8: missing columns
    '"a308";"Лаборатория; химия";"Корпус ""Б""";2\n'  # 9: quoted separator and quotes
    "a309;Кабинет 309;Главный;3;лишнее\n"  # 10: extra column
    "lib;Библиотека;;\n"  # 11: building and floor empty
)


def rows(errors: tuple[RowError, ...]) -> list[tuple[int, str, str]]:
    return [(e.line, e.field, e.rule) for e in errors]


async def test_good_rows_are_stored_and_every_bad_one_reported(
    build: Any, db: MemoryDatabase
) -> None:
    result = await build(ImportRooms)(ImportRoomsCommand(actor_id=None, content=GOOD_AND_BAD))

    assert (result.created, result.updated, result.unchanged) == (4, 0, 0)
    assert {code: room for (_, code), room in db.rooms.items()} == {
        "a305": Room(code=RoomCode("a305"), name="Кабинет 305", building="Главный", floor="3"),
        "gym": Room(code=RoomCode("gym"), name="Спортзал", building="Главный", floor="1"),
        "a308": Room(
            code=RoomCode("a308"), name="Лаборатория; химия", building='Корпус "Б"', floor="2"
        ),
        "lib": Room(code=RoomCode("lib"), name="Библиотека"),
    }
    assert rows(result.errors) == [
        (5, "code", "pattern"),
        (6, "name", "min_length"),
        (7, "code", "duplicate"),
        (8, "building", "missing_column"),
        (8, "floor", "missing_column"),
        (10, "columns", "extra_columns"),
    ]
    code_error, name_error, duplicate = result.errors[:3]
    assert (code_error.value, code_error.limit) == ("Каб 1", 32)
    assert (name_error.value, name_error.limit, name_error.actual) == ("К", 2, 1)
    assert (duplicate.value, duplicate.first_line) == ("a305", 2)
    assert (result.errors[-1].limit, result.errors[-1].actual) == (4, 5)


async def test_reimport_updates_changed_rooms_and_counts_the_rest(
    build: Any, db: MemoryDatabase
) -> None:
    first = "code,name\na1,Кабинет 1\na2,Кабинет 2\n"
    await build(ImportRooms)(ImportRoomsCommand(actor_id=None, content=first))

    again = "code,name,floor\na1,Кабинет 1,\na2,Кабинет два,2\na3,Кабинет 3,3\n"
    result = await build(ImportRooms)(ImportRoomsCommand(actor_id=None, content=again))

    assert (result.created, result.updated, result.unchanged, result.errors) == (1, 1, 1, ())
    assert result.imported == 3
    assert db.rooms[FIRST_ORG, RoomCode("a2")] == Room(
        code=RoomCode("a2"), name="Кабинет два", floor="2"
    )


def test_bytes_with_a_bom_and_windows_line_ends() -> None:
    content = "код;название;корпус;этаж\r\nb1;Буфет;Главный;1\r\n".encode("utf-8-sig")

    parsed = parse_rooms(content)

    assert parsed.errors == ()
    assert parsed.rooms == (Room(code=RoomCode("b1"), name="Буфет", building="Главный", floor="1"),)


def test_comma_separated_with_columns_in_another_order() -> None:
    parsed = parse_rooms('floor,name,code\n2,"Кабинет 2, левое крыло",k2\n')

    assert parsed.rooms == (Room(code=RoomCode("k2"), name="Кабинет 2, левое крыло", floor="2"),)


def test_a_quoted_cell_over_two_lines_keeps_the_numbering() -> None:
    parsed = parse_rooms('code;name\nx1;"Кабинет\nпервый"\nБАД КОД;Кабинет\n')

    assert parsed.rooms == (Room(code=RoomCode("x1"), name="Кабинет первый"),)
    assert rows(parsed.errors) == [(4, "code", "pattern")]


def test_too_long_fields_are_reported() -> None:
    content = f"code;name;building;floor\n{'c' * 33};{'Н' * 101};{'К' * 101};{'9' * 33}\n"

    parsed = parse_rooms(content)

    assert rows(parsed.errors) == [
        (2, "code", "pattern"),
        (2, "name", "max_length"),
        (2, "building", "max_length"),
        (2, "floor", "max_length"),
    ]
    assert [e.actual for e in parsed.errors] == [33, 101, 101, 33]


def test_a_header_without_the_code_column_imports_nothing() -> None:
    parsed = parse_rooms("номер;название\n1;Кабинет\n")

    assert parsed.rooms == ()
    assert rows(parsed.errors) == [(1, "header", "missing_header")]
    assert parsed.errors[0].value == "code"


def test_not_utf8_names_the_line() -> None:
    parsed = parse_rooms("code;name\na1;Кабинет\n".encode() + "a2;Кабинет\n".encode("cp1251"))

    assert rows(parsed.errors) == [(3, "file", "encoding")]
    assert parsed.rooms == ()


def test_an_empty_file_is_nothing_to_do() -> None:
    assert parse_rooms("") == parse_rooms("\ufeff\n\n")
    assert parse_rooms("").rooms == ()


async def test_an_admin_may_import(build: Any, db: MemoryDatabase) -> None:
    command = ImportRoomsCommand(actor_id=UserId(ADMIN), content="code;name\na1;Кабинет 1\n")

    result = await build(ImportRooms)(command)

    assert result.created == 1
    assert (FIRST_ORG, RoomCode("a1")) in db.rooms


@pytest.mark.parametrize("actor", [EXECUTOR, "blocked admin"])
async def test_nobody_else_may_import(build: Any, db: MemoryDatabase, actor: int | str) -> None:
    if actor == "blocked admin":
        db.users[UserId(ADMIN)].state = UserState.BLOCKED
        actor = ADMIN
    assert isinstance(actor, int)
    command = ImportRoomsCommand(actor_id=UserId(actor), content="code;name\na1;Кабинет 1\n")

    with pytest.raises(NotPermitted) as refused:
        await build(ImportRooms)(command)

    assert refused.value.reason == "admins_only"
    assert db.rooms == {}


async def test_an_unknown_actor_is_not_found(build: Any) -> None:
    with pytest.raises(NotFound):
        await build(ImportRooms)(ImportRoomsCommand(actor_id=UserId(999), content="code;name\n"))
