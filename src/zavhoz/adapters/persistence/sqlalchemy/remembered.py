"""Remembered facts in the ``remembered`` table: one row per key, the last value wins."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from zavhoz.adapters.persistence.sqlalchemy.dialect import upsert
from zavhoz.adapters.persistence.sqlalchemy.tables import remembered


class SqlRemembered:
    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    async def recall(self, key: str) -> str | None:
        async with AsyncSession(self.engine) as session:
            found = await session.execute(select(remembered.c.value).where(remembered.c.key == key))
            return found.scalar_one_or_none()

    async def remember(self, key: str, value: str) -> None:
        async with AsyncSession(self.engine) as session, session.begin():
            row = {"key": key, "value": value}
            await session.execute(upsert(session, remembered, row, ["key"]))
