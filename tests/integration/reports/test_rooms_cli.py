"""``zavhoz rooms import FILE`` and ``zavhoz rooms list`` on a real (SQLite) database."""

from pathlib import Path

import pytest

from tests.integration.reports.cli_support import cli, fresh_database, in_database
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.ids import FIRST_ORG, RoomCode
from zavhoz.domain.rooms import Room
from zavhoz.main.cli_rooms import add_commands

ROOMS_CSV = (
    "\ufeffкод;название;корпус;этаж\r\n"  # 1
    "a305;Кабинет 305;Главный;3\r\n"  # 2
    "Gym;Спортзал;Главный;1\r\n"  # 3
    "Каб 1;Кабинет 1;Главный;1\r\n"  # 4
    "a306;К;Главный;3\r\n"  # 5
    "\r\n"  # 6
    'lab-2;"Лаборатория; химия";"Корпус ""Б""";2\r\n'  # 7
    "a305;Ещё раз 305;Главный;3\r\n"  # 8
    "a307;Кабинет 307\r\n"  # 9
)


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    return fresh_database(tmp_path, monkeypatch)


def stored(url: str) -> dict[str, Room]:
    async def read(uow_factory: UnitOfWorkFactory) -> list[Room]:
        async with uow_factory() as uow:
            return await uow.rooms.all(FIRST_ORG)

    return {room.code: room for room in in_database(url, read)}


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_bytes(text.encode())
    return str(path)


def test_import_keeps_good_rows_and_reports_each_bad_one(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(add_commands, "rooms", "import", write(tmp_path, "rooms.csv", ROOMS_CSV))

    out = capsys.readouterr().out
    assert code == 1
    lines = out.splitlines()
    assert lines[0] == "rooms: 3 created, 0 updated, 0 unchanged; 4 row(s) not imported:"
    assert lines[1:] == [
        'line 4: code "Каб 1" — only a-z 0-9 _ - up to 32',
        'line 5: name "К" — too short, at least 2 characters',
        'line 8: code "a305" — already on line 2, that one is kept',
        "line 9: no building (the row has fewer cells than the header; an empty cell is fine)",
        "line 9: no floor (the row has fewer cells than the header; an empty cell is fine)",
    ]
    assert stored(url) == {
        "a305": Room(code=RoomCode("a305"), name="Кабинет 305", building="Главный", floor="3"),
        "gym": Room(code=RoomCode("gym"), name="Спортзал", building="Главный", floor="1"),
        "lab-2": Room(
            code=RoomCode("lab-2"), name="Лаборатория; химия", building='Корпус "Б"', floor="2"
        ),
    }


def test_reimport_updates_and_a_clean_file_exits_0(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    cli(add_commands, "rooms", "import", write(tmp_path, "rooms.csv", ROOMS_CSV))
    capsys.readouterr()
    fixed = (
        "code,name,building,floor\na305,Кабинет 305 (физика),Главный,3\ngym,Спортзал,Главный,1\n"
    )

    code = cli(add_commands, "rooms", "import", write(tmp_path, "fixed.csv", fixed))

    assert code == 0
    assert capsys.readouterr().out == "rooms: 0 created, 1 updated, 1 unchanged\n"
    rooms = stored(url)
    assert rooms["a305"].name == "Кабинет 305 (физика)"
    assert set(rooms) == {"a305", "gym", "lab-2"}


def test_list_prints_a_table(url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cli(add_commands, "rooms", "import", write(tmp_path, "rooms.csv", ROOMS_CSV))
    capsys.readouterr()

    assert cli(add_commands, "rooms", "list") == 0

    assert capsys.readouterr().out.splitlines() == [
        "code   name                building    floor",
        "-----  ------------------  ----------  -----",
        "a305   Кабинет 305         Главный     3",
        "gym    Спортзал            Главный     1",
        'lab-2  Лаборатория; химия  Корпус "Б"  2',
        "3 room(s)",
    ]


def test_list_of_nothing_says_how_to_import(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(add_commands, "rooms", "list") == 0

    assert "zavhoz rooms import" in capsys.readouterr().out


def test_a_missing_file_is_one_line(
    url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = cli(add_commands, "rooms", "import", str(tmp_path / "nope.csv"))

    captured = capsys.readouterr()
    assert code == 1
    assert captured.err.startswith("zavhoz: cannot read ")
    assert len(captured.err.splitlines()) == 1


def test_a_database_not_upgraded_is_one_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    fresh_database(tmp_path, monkeypatch)
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}")

    assert cli(add_commands, "rooms", "list") == 1

    err = capsys.readouterr().err
    assert "no such table" in err
    assert "zavhoz db upgrade" in err
