"""SQLAlchemy persistence: SQLite (embedded default) and PostgreSQL, same code and migrations."""

from zavhoz.adapters.persistence.sqlalchemy.engine import create_engine
from zavhoz.adapters.persistence.sqlalchemy.unit_of_work import SqlUnitOfWork, sql_uow_factory

__all__ = ["SqlUnitOfWork", "create_engine", "sql_uow_factory"]
