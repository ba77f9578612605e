"""`zavhoz users list|promote|demote|block|unblock|approve|decline` on a real SQLite database."""

from pathlib import Path

import pytest

from tests.integration.reports.cli_support import cli, fresh_database, in_database
from tests.unit.builders import user
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role, User, UserState
from zavhoz.main.cli_users import add_commands

STAFF, EXECUTOR, ADMIN, NEWCOMER, BLOCKED = 101, 201, 301, 401, 501


@pytest.fixture
def url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    url = fresh_database(tmp_path, monkeypatch)
    maria = user(STAFF, name="Мария Ивановна")
    maria.username = "maria"
    people = [
        maria,
        user(EXECUTOR, Role.EXECUTOR, name="Пётр Сантехник"),
        user(ADMIN, Role.ADMIN, name="Завхоз"),
        user(NEWCOMER, state=UserState.PENDING, name="Новенький"),
        user(BLOCKED, state=UserState.BLOCKED, name="Бывший"),
    ]

    async def seed(uow_factory: UnitOfWorkFactory) -> None:
        async with uow_factory() as uow:
            for person in people:
                await uow.users.add(person)
            await uow.commit()

    in_database(url, seed)
    return url


def person(url: str, user_id: int) -> tuple[Role, UserState]:
    async def read(uow_factory: UnitOfWorkFactory) -> User | None:
        async with uow_factory() as uow:
            return await uow.users.get(UserId(user_id))

    found = in_database(url, read)
    assert found is not None
    return found.role, found.state


def outbox(url: str) -> list[tuple[int, str]]:
    async def read(uow_factory: UnitOfWorkFactory) -> list[tuple[int, str]]:
        async with uow_factory() as uow:
            return [(m.recipient, m.template) for m in await uow.outbox.pending(100)]

    return in_database(url, read)


def test_list_shows_everyone(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(add_commands, "users", "list") == 0

    assert capsys.readouterr().out.splitlines() == [
        "id   name            username  role      state",
        "---  --------------  --------  --------  -------",
        "101  Мария Ивановна  @maria    staff     active",
        "201  Пётр Сантехник            executor  active",
        "301  Завхоз                    admin     active",
        "401  Новенький                 staff     pending",
        "501  Бывший                    staff     blocked",
        "5 user(s)",
    ]


def test_list_of_one_state(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(add_commands, "users", "list", "--state", "pending") == 0

    lines = capsys.readouterr().out.splitlines()
    assert [line.split() for line in lines[2:]] == [
        ["401", "Новенький", "staff", "pending"],
        ["1", "user(s)"],
    ]


def test_list_refuses_an_unknown_state(url: str) -> None:
    with pytest.raises(SystemExit):
        cli(add_commands, "users", "list", "--state", "sleeping")


@pytest.mark.parametrize(
    ("action", "user_id", "after", "said"),
    [
        ("promote", STAFF, (Role.EXECUTOR, UserState.ACTIVE), "promoted 101 (Мария Ивановна)"),
        ("demote", EXECUTOR, (Role.STAFF, UserState.ACTIVE), "demoted 201 (Пётр Сантехник)"),
        ("block", STAFF, (Role.STAFF, UserState.BLOCKED), "blocked 101 (Мария Ивановна)"),
        ("unblock", BLOCKED, (Role.STAFF, UserState.ACTIVE), "unblocked 501 (Бывший)"),
        ("approve", NEWCOMER, (Role.STAFF, UserState.ACTIVE), "approved 401 (Новенький)"),
        ("decline", NEWCOMER, (Role.STAFF, UserState.BLOCKED), "declined 401 (Новенький)"),
    ],
)
def test_each_action_changes_the_user(
    url: str,
    capsys: pytest.CaptureFixture[str],
    action: str,
    user_id: int,
    after: tuple[Role, UserState],
    said: str,
) -> None:
    assert cli(add_commands, "users", action, str(user_id)) == 0

    role, state = after
    assert capsys.readouterr().out == f"{said}: now {role.value}, {state.value}\n"
    assert person(url, user_id) == after


def test_a_promoted_user_is_told(url: str) -> None:
    cli(add_commands, "users", "promote", str(STAFF))

    assert outbox(url) == [(STAFF, "role_changed")]


def test_an_unknown_id(url: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert cli(add_commands, "users", "promote", "123") == 1

    captured = capsys.readouterr()
    assert captured.err == "zavhoz: no user 123\n"
    assert captured.out == ""


@pytest.mark.parametrize("action", ["demote", "block"])
def test_the_last_admin_stays(url: str, capsys: pytest.CaptureFixture[str], action: str) -> None:
    assert cli(add_commands, "users", action, str(ADMIN)) == 1

    assert capsys.readouterr().err == "zavhoz: refused: 301 is the last administrator\n"
    assert person(url, ADMIN) == (Role.ADMIN, UserState.ACTIVE)
    assert outbox(url) == []


@pytest.mark.parametrize(
    ("action", "user_id", "reason"),
    [
        ("promote", ADMIN, "301 is already an administrator"),
        ("demote", STAFF, "101 is already staff, the lowest role"),
        ("unblock", STAFF, "101 is not blocked (they are active)"),
        ("approve", STAFF, "101 is not waiting for approval (they are active)"),
        ("block", BLOCKED, "501 is already blocked"),
        ("block", NEWCOMER, "401 is waiting for approval: approve or decline them instead"),
    ],
)
def test_refused_changes_say_why(
    url: str, capsys: pytest.CaptureFixture[str], action: str, user_id: int, reason: str
) -> None:
    before = person(url, user_id)

    assert cli(add_commands, "users", action, str(user_id)) == 1

    assert capsys.readouterr().err == f"zavhoz: refused: {reason}\n"
    assert person(url, user_id) == before


def test_a_second_admin_can_be_demoted(url: str) -> None:
    cli(add_commands, "users", "promote", str(EXECUTOR))

    assert cli(add_commands, "users", "demote", str(ADMIN)) == 0
    assert person(url, ADMIN) == (Role.EXECUTOR, UserState.ACTIVE)
