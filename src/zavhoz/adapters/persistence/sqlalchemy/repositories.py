from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from zavhoz.adapters.persistence.sqlalchemy import mappers, tables
from zavhoz.adapters.persistence.sqlalchemy.deliveries import undelivered
from zavhoz.adapters.persistence.sqlalchemy.dialect import insert_ignoring, upsert
from zavhoz.adapters.persistence.sqlalchemy.sessions import SqlSession
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.ports import (
    HistoryRepository,
    Outbox,
    RequestRepository,
    RoomRepository,
    UserRepository,
)
from zavhoz.domain.errors import ConcurrentUpdate
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import RequestId, RoomCode, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, User, UserState

_REQUEST = select(tables.requests).where(tables.requests.c.id == bindparam("request_id"))
_ADD_REQUEST = insert(tables.requests).returning(tables.requests.c.id)
_SAVE_REQUEST = update(tables.requests).where(
    tables.requests.c.id == bindparam("b_id"), tables.requests.c.version == bindparam("b_expected")
)
_BY_KEY = select(tables.requests).where(
    tables.requests.c.author_id == bindparam("author"),
    tables.requests.c.idempotency_key == bindparam("key"),
)
_ADD_EVENTS = insert(tables.history)
"""Built once: a request has thirty columns, and building their statement costs more than
running it. The columns to set come from the parameters."""


class _Sql:
    def __init__(self, session: SqlSession) -> None:
        self._session = session


class SqlUserRepository(_Sql, UserRepository):
    async def get(self, user_id: UserId) -> User | None:
        row = await self._first(select(tables.users).where(tables.users.c.id == user_id))
        return mappers.user_from_row(row) if row else None

    async def add(self, user: User) -> None:
        await self._session.execute(insert(tables.users).values(mappers.user_to_row(user)))

    async def save(self, user: User) -> None:
        values = mappers.user_to_row(user)
        statement = update(tables.users).where(tables.users.c.id == user.id).values(values)
        await self._session.execute(statement)

    async def with_role(self, roles: Iterable[Role]) -> list[User]:
        query = (
            select(tables.users)
            .where(tables.users.c.role.in_([r.value for r in roles]))
            .where(tables.users.c.state == UserState.ACTIVE.value)
            .order_by(tables.users.c.id)
        )
        return [mappers.user_from_row(r) for r in (await self._session.execute(query)).mappings()]

    async def page_by_state(self, state: UserState | None, page: PageRequest) -> Page[User]:
        query = select(tables.users)
        if state is not None:
            query = query.where(tables.users.c.state == state.value)
        total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        window = query.order_by(tables.users.c.id).offset(page.offset).limit(page.limit)
        rows = (await self._session.execute(window)).mappings()
        return Page(tuple(map(mappers.user_from_row, rows)), total or 0, page.offset, page.limit)

    async def _first(self, query: Any) -> Any:
        return (await self._session.execute(query)).mappings().first()


class SqlRequestRepository(_Sql, RequestRepository):
    def __init__(self, session: SqlSession) -> None:
        super().__init__(session)
        self._loaded_versions: dict[RequestId, int] = {}

    async def get(self, request_id: RequestId) -> Request | None:
        found = await self._session.execute(_REQUEST, {"request_id": request_id})
        row = found.mappings().first()
        if row is None:
            return None
        self._loaded_versions.setdefault(request_id, row["version"])
        return mappers.request_from_row(row)

    async def add(self, request: Request) -> None:
        row = mappers.request_to_row(request)
        try:  # the whole unit of work is retried, so no savepoint is needed
            number = (await self._session.execute(_ADD_REQUEST, row)).scalar_one()
        except IntegrityError as error:
            raise ConcurrentUpdate(
                "request", f"idempotency key {request.idempotency_key}"
            ) from error
        request.id = RequestId(number)
        self._loaded_versions[request.id] = request.version

    async def save(self, request: Request) -> None:
        expected = self._loaded_versions.get(request.id)
        if expected is None:
            raise ConcurrentUpdate("request", f"{request.id} saved without being loaded")
        row = mappers.request_to_row(request) | {"b_id": request.id, "b_expected": expected}
        result = await self._session.execute(_SAVE_REQUEST, row)
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate("request", str(request.id))
        self._loaded_versions[request.id] = request.version

    async def by_idempotency_key(self, author: UserId, key: str) -> Request | None:
        found = await self._session.execute(_BY_KEY, {"author": author, "key": key})
        row = found.mappings().first()
        return mappers.request_from_row(row) if row else None

    async def due_for_sla(self, now: datetime, limit: int) -> list[Request]:
        column = tables.requests.c.next_alert_at
        query = (
            select(tables.requests)
            .where(column <= now)
            .order_by(column, tables.requests.c.id)
            .limit(limit)
        )
        rows = (await self._session.execute(query)).mappings()
        return [mappers.request_from_row(r) for r in rows]


class SqlHistoryRepository(_Sql, HistoryRepository):
    async def append(self, request_id: RequestId, events: Sequence[HistoryEvent]) -> None:
        if events:
            rows = [mappers.event_to_row(request_id, e) for e in events]
            await self._session.execute(_ADD_EVENTS, rows)

    async def of(self, request_id: RequestId) -> list[HistoryEvent]:
        query = (
            select(tables.history)
            .where(tables.history.c.request_id == request_id)
            .order_by(tables.history.c.id)
        )
        rows = (await self._session.execute(query)).mappings()
        return [mappers.event_from_row(r) for r in rows]


class SqlRoomRepository(_Sql, RoomRepository):
    async def get(self, code: RoomCode) -> Room | None:
        query = select(tables.rooms).where(tables.rooms.c.code == code)
        row = (await self._session.execute(query)).mappings().first()
        return mappers.room_from_row(row) if row else None

    async def upsert(self, room: Room) -> None:
        statement = upsert(self._session, tables.rooms, mappers.room_to_row(room), ["code"])
        await self._session.execute(statement)

    async def all(self) -> list[Room]:
        query = select(tables.rooms).order_by(tables.rooms.c.code)
        return [mappers.room_from_row(r) for r in (await self._session.execute(query)).mappings()]


class SqlOutbox(_Sql, Outbox):
    async def add(self, messages: Iterable[OutboxMessage]) -> None:
        rows = [mappers.message_to_row(m) for m in messages]
        if rows:
            await self._session.execute(
                insert_ignoring(self._session, tables.outbox, ["dedupe_key"]), rows
            )

    async def pending(self, limit: int) -> list[OutboxMessage]:
        query = select(tables.outbox).where(undelivered()).order_by(tables.outbox.c.id).limit(limit)
        return [
            mappers.message_from_row(r) for r in (await self._session.execute(query)).mappings()
        ]
