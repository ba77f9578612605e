"""The delivery queue over the outbox table.

A claim is one ``UPDATE … WHERE id IN (SELECT … FOR UPDATE SKIP LOCKED) RETURNING``: on PostgreSQL
two workers lock disjoint rows and never claim the same message; SQLite has no row locks, but its
``BEGIN IMMEDIATE`` (see ``engine.py``) lets one writer at a time in, which serialises claims.
"""

from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select, text, update

from zavhoz.adapters.persistence.sqlalchemy import mappers, tables
from zavhoz.adapters.persistence.sqlalchemy.sessions import SqlSession
from zavhoz.application.delivery import DeadLetter, Delivery, DeliveryQueue

PENDING, SENDING, SENT, DEAD, DROPPED = "pending", "sending", "sent", "dead", "dropped"
"""Values of ``outbox.state``; ``tables.UNDELIVERED_SQL`` names the first two literally."""

_outbox = tables.outbox
_c = _outbox.c


def undelivered() -> Any:
    """Waiting or being sent; matches the partial index ``ix_outbox_undelivered``."""
    return text(tables.UNDELIVERED_SQL)


def due(now: datetime, table: Any = _outbox) -> Any:
    """Pending and due, or being sent by a worker whose lease ran out."""
    c = table.c
    return and_(
        undelivered(),
        or_(
            and_(c.state == PENDING, or_(c.next_attempt_at.is_(None), c.next_attempt_at <= now)),
            and_(c.state == SENDING, c.next_attempt_at <= now),
        ),
    )


def fitting(now: datetime, per_recipient: int, holding: Collection[int]) -> Select[Any]:
    """Ids of due messages within their recipient's share (see ``claim_fairly``)."""
    flying = _outbox.alias("flying")
    leased = and_(flying.c.state == SENDING, flying.c.next_attempt_at > now)
    theirs = select(flying.c.recipient_id).where(leased, flying.c.id.not_in(list(holding)))
    counts = (
        select(flying.c.recipient_id, func.count().label("n"))
        .where(leased)
        .group_by(flying.c.recipient_id)
        .subquery("counts")
    )
    ranked = _ranked(now, theirs)
    in_flight = func.coalesce(counts.c.n, 0)
    return (
        select(ranked.c.id)
        .select_from(ranked.outerjoin(counts, counts.c.recipient_id == ranked.c.recipient_id))
        .where(ranked.c.place + in_flight <= per_recipient)
    )


def _ranked(now: datetime, theirs: Select[Any]) -> Any:
    """Due messages of recipients nobody else holds, numbered per recipient oldest first."""
    candidate = _outbox.alias("candidate")
    place = func.row_number().over(partition_by=candidate.c.recipient_id, order_by=candidate.c.id)
    return (
        select(candidate.c.id, candidate.c.recipient_id, place.label("place"))
        .where(due(now, candidate), candidate.c.recipient_id.not_in(theirs))
        .subquery("ranked")
    )


class SqlDeliveryQueue(DeliveryQueue):
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Delivery]:
        return await self._claim(due(now), now, limit, lease)

    async def claim_fairly(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        per_recipient: int,
        holding: Collection[int] = (),
    ) -> list[Delivery]:
        if per_recipient <= 0:
            return []
        chosen = _c.id.in_(fitting(now, per_recipient, holding))
        return await self._claim(and_(due(now), chosen), now, limit, lease)

    async def release(self, delivery_ids: Collection[int]) -> None:
        if not delivery_ids:
            return
        statement = (
            update(_outbox)
            .where(_c.id.in_(list(delivery_ids)), _c.state == SENDING)
            .values(state=PENDING, next_attempt_at=None)
        )
        await self._session.execute(statement)

    async def _claim(
        self, where: ColumnElement[bool], now: datetime, limit: int, lease: timedelta
    ) -> list[Delivery]:
        """Rows matching ``where``, oldest first, locked (skipping rows others lock) and leased.

        ``where`` is checked again on the locked row, so a row another worker claimed meanwhile
        is not taken.
        """
        if limit <= 0:
            return []
        chosen = (
            select(_c.id)
            .where(where)
            .order_by(_c.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        statement = (
            update(_outbox)
            .where(_c.id.in_(chosen))
            .values(state=SENDING, next_attempt_at=now + lease)
            .returning(_outbox)
        )
        rows = (await self._session.execute(statement)).mappings().all()
        return sorted((_delivery(row) for row in rows), key=lambda d: d.id)

    async def sent(self, delivery_id: int, at: datetime) -> None:
        await self._settle(delivery_id, state=SENT, sent_at=at, next_attempt_at=None)

    async def retry(self, delivery_id: int, at: datetime, error: str) -> None:
        await self._settle(
            delivery_id,
            state=PENDING,
            attempts=_c.attempts + 1,
            next_attempt_at=at,
            last_error=error,
        )

    async def dead(self, delivery_id: int, reason: str) -> None:
        await self._settle(delivery_id, state=DEAD, next_attempt_at=None, last_error=reason)

    async def dropped(self, delivery_id: int, reason: str) -> None:
        await self._settle(delivery_id, state=DROPPED, next_attempt_at=None, last_error=reason)

    async def dead_letters(self, limit: int) -> Sequence[DeadLetter]:
        query = select(_outbox).where(_c.state == DEAD).order_by(_c.id.desc()).limit(max(limit, 0))
        rows = (await self._session.execute(query)).mappings()
        return [DeadLetter(_delivery(row), row["last_error"] or "") for row in rows]

    async def backlog(self, now: datetime) -> int:
        query = select(func.count()).select_from(_outbox).where(undelivered())
        return (await self._session.scalar(query)) or 0

    async def _settle(self, delivery_id: int, **values: Any) -> None:
        """Applies only while the message is still in the queue: a late report is ignored."""
        statement = update(_outbox).where(_c.id == delivery_id, undelivered()).values(**values)
        await self._session.execute(statement)


def _delivery(row: mappers.Row) -> Delivery:
    return Delivery(row["id"], mappers.message_from_row(row), row["attempts"])
