"""Alembic owns the schema: the migrations go up and down and match the table metadata."""

import asyncio
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from aiohttp.test_utils import unused_port
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import MetaData, inspect, select, text
from sqlalchemy.engine import Connection
from sqlalchemy.exc import IntegrityError

from tests.integration.conftest import POSTGRES_URL, SQL_BACKENDS, reset_postgres, sqlite_url
from tests.integration.test_persistence_contract import draft, store
from zavhoz.adapters.persistence.sqlalchemy import create_engine, migrations, sql_uow_factory
from zavhoz.adapters.persistence.sqlalchemy.tables import metadata
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import Role
from zavhoz.main.cli import main


@pytest.fixture(params=SQL_BACKENDS)
def url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    assert POSTGRES_URL
    engine = create_engine(POSTGRES_URL)
    asyncio.run(reset_postgres(engine))
    asyncio.run(engine.dispose())
    return POSTGRES_URL


def _inspect(url: str, probe: Any) -> Any:
    async def run() -> Any:
        engine = create_engine(url)
        async with engine.connect() as connection:
            result = await connection.run_sync(probe)
        await engine.dispose()
        return result

    return asyncio.run(run())


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _drift(connection: Connection) -> list[Any]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


def test_upgrade_downgrade_upgrade(url: str) -> None:
    migrations.upgrade(url)
    assert _inspect(url, _tables) == set(metadata.tables)
    migrations.downgrade(url, "base")
    assert _inspect(url, _tables) == set()
    migrations.upgrade(url)
    assert _inspect(url, _tables) == set(metadata.tables)


def test_migrated_schema_matches_the_metadata(url: str) -> None:
    migrations.upgrade(url)
    assert _inspect(url, _drift) == []


def test_the_command_line_upgrades_and_reports(
    url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", url)
    assert main(["db", "upgrade"]) == 0
    assert main(["db", "current"]) == 0
    assert "0004 (head)" in capsys.readouterr().out
    assert main(["db", "downgrade", "base"]) == 0
    assert _inspect(url, _tables) == set()


async def test_the_application_upgrades_on_its_own_connection(tmp_path: Path) -> None:
    engine = create_engine(sqlite_url(tmp_path))
    await migrations.upgrade_engine(engine)
    async with engine.connect() as connection:
        assert await connection.run_sync(_tables) == set(metadata.tables)
    await engine.dispose()


async def test_foreign_keys_hold_again_once_the_application_has_upgraded(tmp_path: Path) -> None:
    """SQLite's migrations switch them off for themselves; the pooled connection gets them back."""
    engine = create_engine(sqlite_url(tmp_path))
    await migrations.upgrade_engine(engine)
    async with engine.connect() as connection:
        with pytest.raises(IntegrityError):
            await connection.execute(
                text("INSERT INTO memberships VALUES (404, 1, 'staff', 'active')")
            )
    await engine.dispose()


@pytest.fixture
def quiet_libraries() -> Iterator[None]:
    """Library logs at warning, as in a fresh process: a test that ran the bot before set
    them to info, and Alembic's info lines would go to stderr with the error."""
    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.WARNING)
    yield
    root.setLevel(level)


@pytest.mark.usefixtures("quiet_libraries")
@pytest.mark.parametrize(
    ("argv", "code", "says"),
    [
        (["db", "upgrade"], 1, "zavhoz: cannot reach the database (ZAVHOZ_DATABASE_URL): "),
        (["db", "current"], 1, "zavhoz: cannot reach the database (ZAVHOZ_DATABASE_URL): "),
        (["db", "upgrade", "nope"], 2, "zavhoz: Can't locate revision identified by 'nope'"),
    ],
)
def test_the_command_line_says_what_went_wrong_in_one_line(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    code: int,
    says: str,
) -> None:
    nowhere = f"postgresql+asyncpg://postgres@127.0.0.1:{unused_port()}/zavhoz"
    monkeypatch.setenv("ZAVHOZ_DATABASE_URL", sqlite_url(tmp_path) if code == 2 else nowhere)
    assert main(argv) == code
    err = capsys.readouterr().err
    assert err.startswith(says)
    assert err.count("\n") == 1


# --- 0004: one organization takes in everything that was there --------------------------------

BIG = 2**40 + 7
PEOPLE = [
    (BIG, "staff", "active"),
    (2, "executor", "active"),
    (3, "admin", "active"),
    (4, "staff", "pending"),
    (5, "executor", "blocked"),
]
ROOMS = [("305", "Каб. 305", "Главный", "3"), ("gym", "Спортзал", "", "")]
REQUESTS = [(1, BIG, "305", "open"), (2, 2, None, "in_progress"), (7, BIG, None, "closed")]
"""Ids with a gap (3 to 6 were never committed): the numbers go on from the highest."""


def _at(minutes: int = 0) -> datetime:
    return datetime(2026, 1, 12, 9, minutes, tzinfo=UTC)


def _request(number: int, author: int, room: str | None, status: str) -> dict[str, Any]:
    picture = [{"file_id": f"f{number}", "file_unique_id": f"u{number}", "kind": "photo"}]
    return {
        "id": number, "author_id": author, "location": f"Каб. {number}",
        "location_key": f"каб. {number}", "room_code": room, "category": "electrical",
        "description": "Не горит свет", "title": "Не горит свет", "search_text": "не горит",
        "priority": "high", "status": status, "assignee_id": 2 if status != "open" else None,
        "attachments": picture, "watchers": [3, BIG], "created_at": _at(number),
        "updated_at": _at(number + 1), "taken_at": None, "completed_at": None,
        "confirmed_at": None, "closed_at": _at(30) if status == "closed" else None,
        "rating": 5 if status == "closed" else None, "feedback": None,
        "respond_by": _at(40), "resolve_by": _at(50), "due_at": None, "urgency": _at(59),
        "sla_started_at": _at(number), "held_seconds": 0, "hold_started_at": None,
        "sla_checkpoints": [], "sla_alerts_sent": ["respond"], "next_alert_at": _at(40),
        "idempotency_key": f"key-{number}", "version": number,
    }  # fmt: skip


def _rows_at_0003() -> dict[str, list[dict[str, Any]]]:
    return {
        "users": [
            {
                "id": person,
                "name": f"user{person}",
                "username": None,
                "language": "ru",
                "role": role,
                "state": state,
                "reachable": True,
                "mute_sla_warnings": False,
                "created_at": _at(),
            }
            for person, role, state in PEOPLE
        ],
        "rooms": [dict(zip(("code", "name", "building", "floor"), r, strict=True)) for r in ROOMS],
        "requests": [_request(*request) for request in REQUESTS],
        "history": [
            {
                "id": n,
                "request_id": r,
                "kind": "created",
                "actor_id": BIG,
                "at": _at(n),
                "payload": {"note": "ok"},
                "attachments": [],
            }
            for n, r in ((1, 1), (2, 2), (3, 7), (4, 7))
        ],
        "outbox": [
            {
                "id": n,
                "recipient_id": 2,
                "template": "taken",
                "params": {"id": n},
                "dedupe_key": f"k{n}",
                "request_id": 1,
                "attachments": [],
                "created_at": _at(n),
                "state": state,
                "attempts": 1,
                "next_attempt_at": None,
                "sent_at": None,
                "last_error": None,
            }
            for n, state in ((1, "sent"), (2, "pending"))
        ],
        "remembered": [{"key": "bot_username", "value": "zavhoz_bot"}],
    }


def _fill(connection: Connection) -> None:
    tables = _reflected(connection)
    for name, rows in _rows_at_0003().items():
        connection.execute(tables.tables[name].insert(), rows)
    if connection.dialect.name == "postgresql":  # as if the ids had come from the sequences
        for name in ("requests", "history", "outbox"):
            connection.execute(
                text(f"SELECT setval(pg_get_serial_sequence('{name}', 'id'), MAX(id)) FROM {name}")
            )
    connection.commit()


def _reflected(connection: Connection) -> MetaData:
    found = MetaData()
    found.reflect(connection)
    found.remove(found.tables["alembic_version"])
    return found


def _everything(connection: Connection) -> dict[str, list[dict[str, Any]]]:
    """Every row of every table, by primary key."""
    tables = _reflected(connection)
    return {
        name: [
            dict(row)
            for row in connection.execute(select(table).order_by(*table.primary_key.columns))
            .mappings()
            .all()
        ]
        for name, table in tables.tables.items()
    }


def _without(rows: list[dict[str, Any]], *columns: str) -> list[dict[str, Any]]:
    return [{k: v for k, v in row.items() if k not in columns} for row in rows]


def _migrated_like_0003(before: dict[str, Any], after: dict[str, Any]) -> None:
    """What was there is there, as it was, and organization 1 holds all of it."""
    assert _without(after["users"], "organization_id") == _without(before["users"], "role", "state")
    assert after["memberships"] == [
        {"person_id": u["id"], "organization_id": 1, "role": u["role"], "state": u["state"]}
        for u in before["users"]
    ]
    for table in ("users", "rooms", "requests", "outbox"):
        assert {row["organization_id"] for row in after[table]} == {1}, table
    assert _without(after["rooms"], "organization_id") == before["rooms"]
    assert _without(after["requests"], "organization_id", "number") == before["requests"]
    assert [r["number"] for r in after["requests"]] == [r["id"] for r in before["requests"]]
    assert _without(after["outbox"], "organization_id") == before["outbox"]
    assert (after["history"], after["remembered"]) == (before["history"], before["remembered"])
    assert after["invites"] == []


def test_0004_moves_everything_into_the_first_organization_and_back(url: str) -> None:
    migrations.upgrade(url, "0003")
    _inspect(url, _fill)
    before = _inspect(url, _everything)
    migrations.upgrade(url, "0004")
    after = _inspect(url, _everything)
    _migrated_like_0003(before, after)
    assert _without(after["organizations"], "settings") == [
        {"id": 1, "slug": "school", "name": "School", "parent_id": None, "last_number": 7}
    ]
    assert after["organizations"][0]["settings"] in ({}, "{}")
    migrations.downgrade(url, "0003")
    assert _inspect(url, _everything) == before
    migrations.upgrade(url, "0004")
    assert _inspect(url, _everything) == after


def _add_second_organization(connection: Connection) -> int:
    added = connection.execute(
        text(
            "INSERT INTO organizations (slug, name, settings) "
            "VALUES ('second', 'Second', '{}') RETURNING id"
        )
    ).scalar_one()
    connection.commit()
    return int(added)


def test_the_next_organization_after_the_migrated_one_is_the_second(url: str) -> None:
    migrations.upgrade(url)
    assert _inspect(url, _add_second_organization) == 2


async def _submitted_after(url: str) -> tuple[int, int, Role]:
    """A request filed once migrated, and its author as the repositories read them."""
    engine = create_engine(url)
    factory = sql_uow_factory(engine)
    async with factory() as uow:
        author = await uow.users.get(UserId(2))
        assert author is not None
        request = draft(author)
        await store(uow, request)
        await uow.commit()
    await engine.dispose()
    return request.id, request.number, author.role


def test_after_0004_numbers_go_on_from_the_highest_id(url: str) -> None:
    migrations.upgrade(url, "0003")
    _inspect(url, _fill)
    migrations.upgrade(url)
    assert asyncio.run(_submitted_after(url)) == (8, 8, Role.EXECUTOR)
