"""The two statements whose spelling differs between SQLite and PostgreSQL."""

from collections.abc import Mapping, Sequence
from functools import cache
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite

from zavhoz.adapters.persistence.sqlalchemy.sessions import SqlSession


def _dialect(session: SqlSession) -> str:
    return session.get_bind().dialect.name


def _insert(dialect: str, table: Table) -> Any:
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(table)


def insert_ignoring(session: SqlSession, table: Table, keys: Sequence[str]) -> Any:
    """INSERT that skips rows whose ``keys`` already exist (built once per table and keys)."""
    return _ignoring(_dialect(session), table, tuple(keys))


@cache
def _ignoring(dialect: str, table: Table, keys: tuple[str, ...]) -> Any:
    return _insert(dialect, table).on_conflict_do_nothing(index_elements=list(keys))


def upsert(session: SqlSession, table: Table, row: Mapping[str, Any], keys: Sequence[str]) -> Any:
    statement = _insert(_dialect(session), table).values(dict(row))
    changes = {name: statement.excluded[name] for name in row if name not in keys}
    return statement.on_conflict_do_update(index_elements=list(keys), set_=changes)
