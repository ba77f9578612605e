"""``zavhoz orgs ...`` and ``--org`` on ``rooms``: on SQLite as ``zavhoz`` runs them, and memory."""

import asyncio
import os
from collections.abc import Awaitable, Callable
from datetime import timedelta
from pathlib import Path
from typing import Any, TypeVar

import pytest
from dependency_injector import providers

from tests.integration.reports.cli_support import cli, fresh_database, in_database
from zavhoz.adapters.persistence.memory import MemoryDatabase, memory_uow_factory
from zavhoz.adapters.persistence.memory.remembered import MemoryRemembered
from zavhoz.application.ports import UnitOfWorkFactory
from zavhoz.domain.ids import OrgId
from zavhoz.domain.organizations import Invite, Organization
from zavhoz.domain.rooms import Room
from zavhoz.main import cli_orgs, cli_rooms, container
from zavhoz.main.settings import Settings

T = TypeVar("T")
Store = Callable[[Callable[[UnitOfWorkFactory], Awaitable[Any]]], Any]


def memory_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    """The commands' container on an in-memory database (its SQL engine is never used)."""
    monkeypatch.chdir(tmp_path)
    for variable in list(os.environ):
        if variable.startswith("ZAVHOZ_"):
            monkeypatch.delenv(variable)
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'unused.db'}")
    db, remembered = MemoryDatabase(), MemoryRemembered()
    build = container.build_container

    def on_memory(settings: Settings) -> container.Container:
        built = build(settings)
        built.storage_uow_factory.override(providers.Object(memory_uow_factory(db)))
        built.remembered.override(providers.Object(remembered))
        return built

    monkeypatch.setattr(container, "build_container", on_memory)
    return lambda work: asyncio.run(work(memory_uow_factory(db)))


@pytest.fixture(params=["memory", "sqlite"])
def store(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Store:
    if request.param == "memory":
        return memory_store(tmp_path, monkeypatch)
    url = fresh_database(tmp_path, monkeypatch)
    return lambda work: in_database(url, work)


def orgs(*argv: str) -> int:
    return cli(cli_orgs.add_commands, "orgs", *argv)


def rooms(*argv: str) -> int:
    return cli(cli_rooms.add_commands, *argv)


def organizations(store: Store) -> dict[str, Organization]:
    async def read(uow_factory: UnitOfWorkFactory) -> list[Organization]:
        async with uow_factory(read_only=True) as uow:
            return await uow.organizations.all()

    return {org.slug: org for org in store(read)}


def invites(store: Store, org: OrgId) -> list[Invite]:
    async def read(uow_factory: UnitOfWorkFactory) -> list[Invite]:
        async with uow_factory(read_only=True) as uow:
            return await uow.invites.of_organization(org)

    found: list[Invite] = store(read)
    return found


def refused(capsys: pytest.CaptureFixture[str]) -> str:
    """The one line a refusal prints (and nothing on stdout)."""
    captured = capsys.readouterr()
    assert captured.out == ""
    assert len(captured.err.splitlines()) == 1
    assert "Traceback" not in captured.err
    return captured.err


@pytest.fixture
def district(store: Store, capsys: pytest.CaptureFixture[str]) -> Store:
    """school (alone); district over school-5 and school-7."""
    assert orgs("create", "district", "--name", "Районо") == 0
    assert orgs("create", "school-5", "--name", "Школа №5", "--parent", "district") == 0
    assert orgs("create", "school-7", "--name", "Школа №7", "--parent", "district") == 0
    capsys.readouterr()
    return store


def test_a_fresh_deployment_has_one_organization(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    assert orgs("list") == 0

    assert capsys.readouterr().out.splitlines()[2:] == ["school  School", "1 organization(s)"]


def test_created_organizations_are_listed_as_a_tree(
    district: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    assert orgs("settings", "school-5", "working_hours=07:30-15:00") == 0
    capsys.readouterr()

    assert orgs("list") == 0

    assert capsys.readouterr().out.splitlines() == [
        "slug        name      parent    own settings",
        "----------  --------  --------  -------------------------",
        "school      School",
        "district    Районо",
        "  school-5  Школа №5  district  working_hours=07:30-15:00",
        "  school-7  Школа №7  district",
        "4 organization(s)",
    ]
    assert organizations(district)["school-7"].parent == organizations(district)["district"].id


def test_create_says_what_it_made(store: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert orgs("create", "district", "--name", "Районо") == 0
    assert orgs("create", "school-5", "--name", "Школа №5", "--parent", "district") == 0

    assert capsys.readouterr().out.splitlines() == [
        "created district (Районо)",
        "created school-5 (Школа №5) under district",
    ]


@pytest.mark.parametrize(
    ("argv", "says"),
    [
        (("create", "school-5", "--name", "Again"), "'school-5' already exists"),
        (("create", "School 9", "--name", "Nine"), "the slug takes 1-24 of a-z"),
        (("create", "school-9", "--name", "N"), "the name is too short"),
        (("create", "school-9", "--name", "Nine", "--parent", "nowhere"), "no organization"),
        (("move", "district", "--parent", "school-5"), "cannot go under itself"),
        (("rename", "nowhere", "Name"), "no organization 'nowhere'"),
        (("settings", "school-5", "working_hours=25:00-26:00"), "working_hours: hours are 00-24"),
        (("settings", "school-5", "colour=red"), "colour: not a setting; use timezone"),
        (("settings", "school-5", "timezone"), "timezone: write KEY=VALUE"),
        (("invite", "nowhere"), "no organization 'nowhere'"),
        (("revoke", "x" * 22), "no invite"),
    ],
)
def test_a_refusal_is_one_line_and_exit_2(
    district: Store, capsys: pytest.CaptureFixture[str], argv: tuple[str, ...], says: str
) -> None:
    assert orgs(*argv) == 2

    assert says in refused(capsys)


def test_a_deep_tree_is_refused(district: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert orgs("create", "class-5a", "--name", "5А", "--parent", "school-5") == 0
    capsys.readouterr()

    assert orgs("move", "district", "--parent", "school") == 2

    assert "the tree would be 4 levels deep; at most 3" in refused(capsys)


def test_move_and_rename(district: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert orgs("move", "school-7", "--root") == 0
    assert orgs("move", "school", "--parent", "district") == 0
    assert orgs("rename", "school", "Школа №1") == 0

    assert capsys.readouterr().out.splitlines() == [
        "moved school-7 (Школа №7) under the top",
        "moved school (School) under district",
        "renamed school (Школа №1)",
    ]
    found = organizations(district)
    assert found["school-7"].parent is None
    assert (found["school"].parent, found["school"].name) == (found["district"].id, "Школа №1")


def test_settings_show_where_each_value_comes_from(
    district: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    assert orgs("settings", "district", "timezone=Asia/Omsk", "registration=approval") == 0
    assert orgs("settings", "school-5", "working_hours=07:30-15:00", "registration=open") == 0
    assert orgs("settings", "school-5", "registration=") == 0
    capsys.readouterr()

    assert orgs("settings", "school-5") == 0

    assert capsys.readouterr().out.splitlines() == [
        "key                       value        from",
        "------------------------  -----------  -----------------------",
        "timezone                  Asia/Omsk    inherited from district",
        "working_days              mon-fri      environment",
        "working_hours             07:30-15:00  own",
        "holidays                               environment",
        "registration              approval     inherited from district",
        "notify_executors          false        environment",
        "require_completion_photo  false        environment",
        "default_locale            ru           environment",
    ]
    assert organizations(district)["school-5"].settings == {"working_hours": "07:30-15:00"}


def test_a_bad_setting_changes_nothing(district: Store, capsys: pytest.CaptureFixture[str]) -> None:
    assert orgs("settings", "school-5", "timezone=Asia/Omsk", "working_days=someday") == 2

    assert "working_days: unknown day 'someday'" in refused(capsys)
    assert organizations(district)["school-5"].settings == {}


def test_an_invite_prints_the_link(district: Store, capsys: pytest.CaptureFixture[str]) -> None:
    code = orgs("invite", "school-5", "--role", "executor", "--expires", "7d", "--bot", "@zb_bot")

    assert code == 0
    made = invites(district, organizations(district)["school-5"].id)
    assert len(made) == 1
    link, about = capsys.readouterr().out.splitlines()
    assert link == f"https://t.me/zb_bot?start=join_{made[0].token}"
    assert about.startswith("invite as executor, until ")
    assert made[0].expires_at is not None
    assert made[0].expires_at - made[0].created_at == timedelta(days=7)


def test_without_a_known_bot_an_invite_prints_its_start_parameter(
    district: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    assert orgs("invite", "school-7") == 0

    token = invites(district, organizations(district)["school-7"].id)[0].token
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == f"start parameter: join_{token}"
    assert "--bot USERNAME" in lines[1]
    assert lines[2] == f"invite as staff, until revoked (zavhoz orgs revoke {token})"


def test_revoke_stops_an_invite(district: Store, capsys: pytest.CaptureFixture[str]) -> None:
    orgs("invite", "school-5")
    school = organizations(district)["school-5"].id
    token = invites(district, school)[0].token
    capsys.readouterr()

    assert orgs("revoke", f"join_{token}") == 0

    assert capsys.readouterr().out.startswith(f"revoked invite {token}")
    assert invites(district, school)[0].revoked


# --- --org on rooms ------------------------------------------------------------------------------


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "rooms.csv"
    path.write_text(text, encoding="utf-8")
    return str(path)


def rooms_of(store: Store, org: OrgId) -> list[Room]:
    async def read(uow_factory: UnitOfWorkFactory) -> list[Room]:
        async with uow_factory(read_only=True) as uow:
            return await uow.rooms.all(org)

    found: list[Room] = store(read)
    return found


def test_with_one_organization_rooms_need_no_org(
    store: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert rooms("rooms", "import", write(tmp_path, "code;name\na1;Кабинет 1\n")) == 0
    assert rooms("rooms", "list") == 0

    assert "a1    Кабинет 1" in capsys.readouterr().out
    assert [room.code for room in rooms_of(store, organizations(store)["school"].id)] == ["a1"]


def test_with_several_organizations_rooms_need_org(
    district: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for argv in (
        ("rooms", "list"),
        ("rooms", "import", write(tmp_path, "code;name\na1;Кабинет 1\n")),
        ("qr", "--out", "rooms.pdf", "--bot", "zb_bot"),
    ):
        assert rooms(*argv) == 2
        assert "4 organizations: add --org SLUG, one of school, district, school-5, school-7" in (
            refused(capsys)
        )
    assert rooms("rooms", "list", "--org", "nowhere") == 2
    assert "no organization 'nowhere'" in refused(capsys)


def test_rooms_go_to_the_organization_named(
    district: Store, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    csv = write(tmp_path, "code;name\na1;Кабинет 1\n")
    assert rooms("rooms", "import", csv, "--org", "school-5") == 0
    capsys.readouterr()

    assert rooms("rooms", "list", "--org", "school-7") == 0
    assert "No rooms yet" in capsys.readouterr().out
    assert rooms("rooms", "list", "--org", "school-5") == 0
    assert "a1    Кабинет 1" in capsys.readouterr().out
    found = organizations(district)
    assert [room.code for room in rooms_of(district, found["school-5"].id)] == ["a1"]
    assert rooms_of(district, found["school-7"].id) == []
