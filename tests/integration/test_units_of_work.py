"""A unit of work holds a connection only while its transaction runs, on either engine."""

from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.pool import Pool

from zavhoz.adapters.persistence.sqlalchemy.engine import units_engine
from zavhoz.adapters.persistence.sqlalchemy.unit_of_work import sql_uow_factory
from zavhoz.application.ports import UnitOfWork
from zavhoz.domain.ids import RequestId


async def test_a_finished_unit_of_work_holds_no_connection(engine: AsyncEngine) -> None:
    units = sql_uow_factory(engine)
    finished: list[UnitOfWork] = []  # kept alive: a connection they held would stay out
    # requests are never remembered: each of these runs a statement
    for _ in range(25):  # more than either pool holds without overflow
        async with units() as uow:
            await uow.requests.get(RequestId(1))
            await uow.commit()
        async with units() as left:
            await left.requests.get(RequestId(1))  # left without a commit: rolled back
        async with units(read_only=True) as read:
            await read.queries.with_history(RequestId(1))
        async with units() as idle:
            await idle.commit()  # nothing ran: nothing to give back
        finished += [uow, left, read, idle]
    assert pool_of(engine).checkedout() == 0


def pool_of(engine: AsyncEngine) -> Pool:
    """The pool units of work draw from: SQLite's synchronous twin, or the engine's own."""
    twin = units_engine(engine)
    return twin.pool if twin is not None else engine.sync_engine.pool
