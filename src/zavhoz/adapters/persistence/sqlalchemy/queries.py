"""The read port in SQL: filters, ordering, counts and paging happen in the database."""

from datetime import datetime
from typing import Any, cast

from sqlalchemy import (
    ColumnElement,
    Select,
    and_,
    bindparam,
    func,
    null,
    or_,
    select,
    text,
    union_all,
)

from zavhoz.adapters.persistence.sqlalchemy import mappers
from zavhoz.adapters.persistence.sqlalchemy.sessions import SqlSession
from zavhoz.adapters.persistence.sqlalchemy.tables import ACTIVE_SQL, history, requests
from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.ports import DigestCounts, RequestQueries
from zavhoz.domain.catalog import ACTIVE_STATUSES, Status
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import place_key, room_number

_ACTIVE = [s.value for s in ACTIVE_STATUSES]
# A bare text clause: a Boolean-typed column would render as `... = 1` on SQLite and miss the index.
ACTIVE_PREDICATE = cast("ColumnElement[bool]", text(ACTIVE_SQL))
_WORKING = [Status.IN_PROGRESS.value, Status.ON_HOLD.value]
EVENT = "event_"
"""Prefix of the history columns joined to a request's."""


def _escape_like(word: str) -> str:
    return word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def _queue_conditions(query: QueueFilter) -> list[ColumnElement[bool]]:
    c = requests.c
    conditions: list[ColumnElement[bool]] = [c.status.in_([s.value for s in query.statuses])]
    if query.statuses <= ACTIVE_STATUSES:
        conditions.append(ACTIVE_PREDICATE)
    if query.priority is not None:
        conditions.append(c.priority == query.priority.value)
    if query.category is not None:
        conditions.append(c.category == query.category.value)
    if query.assignee is not None:
        conditions.append(c.assignee_id == query.assignee)
    if query.overdue_at is not None:
        conditions.append(c.urgency < query.overdue_at)
    conditions += [c.search_text.like(f"%{_escape_like(w)}%", escape="\\") for w in query.words]
    return conditions + _of_organizations(query)


def _of_organizations(query: QueueFilter) -> list[ColumnElement[bool]]:
    """Only the organizations the core set from the viewer's reach (none set: every one)."""
    if query.organizations is None:
        return []
    return [requests.c.organization_id.in_(sorted(query.organizations))]


def _nothing(columns: Any, prefix: str = "") -> list[Any]:
    return [null().cast(c.type).label(f"{prefix}{c.name}") for c in columns]


_WITH_HISTORY = union_all(
    select(*requests.c, *_nothing(history.c, EVENT)).where(
        requests.c.id == bindparam("request_id")
    ),
    select(*_nothing(requests.c), *(c.label(f"{EVENT}{c.name}") for c in history.c)).where(
        history.c.request_id == bindparam("request_id")
    ),
).order_by(text(f"{EVENT}id NULLS FIRST"))
"""One statement, so one consistent answer: the request's row, then one row per event (each
value converted once, where a join would repeat the request's on every event)."""


_OWN = and_(
    requests.c.author_id == bindparam("author"),
    requests.c.status.in_(bindparam("statuses", expanding=True)),
)
_BY_AUTHOR = (
    select(requests)
    .where(_OWN)
    .order_by(requests.c.id.desc())
    .offset(bindparam("offset"))
    .limit(bindparam("limit"))
)
_BY_AUTHOR_COUNT = select(func.count()).select_from(requests).where(_OWN)
_BY_NUMBER = select(requests).where(
    requests.c.organization_id == bindparam("org"), requests.c.number == bindparam("number")
)
"""A person's own list is the most read page: its statements are built once."""


def _window(page: PageRequest) -> dict[str, int]:
    return {"offset": page.offset, "limit": page.limit}


def _event(row: Any) -> HistoryEvent:
    return mappers.event_from_row({c.name: row[f"{EVENT}{c.name}"] for c in history.c})


class SqlRequestQueries(RequestQueries):
    def __init__(self, session: SqlSession) -> None:
        self._session = session

    async def by_author(
        self, author: UserId, statuses: frozenset[Status], page: PageRequest
    ) -> Page[Request]:
        wanted = {"author": author, "statuses": [s.value for s in statuses]}
        found = await self._session.execute(_BY_AUTHOR, wanted | _window(page))
        total = await self._session.scalar(_BY_AUTHOR_COUNT, wanted) or 0
        items = tuple(mappers.request_from_row(row) for row in found.mappings())
        return Page(items, total, page.offset, page.limit)

    async def queue(self, query: QueueFilter, now: datetime, page: PageRequest) -> Page[Request]:
        order = [requests.c.urgency, requests.c.id]
        return await self._page(and_(*_queue_conditions(query)), order, page)

    async def with_history(
        self, request_id: RequestId
    ) -> tuple[Request, list[HistoryEvent]] | None:
        found = await self._session.execute(_WITH_HISTORY, {"request_id": request_id})
        rows = found.mappings().all()
        if not rows or rows[0]["id"] is None:
            return None
        return mappers.request_from_row(rows[0]), [_event(row) for row in rows[1:]]

    async def by_number(self, org: OrgId, number: int) -> Request | None:
        found = await self._session.execute(_BY_NUMBER, {"org": org, "number": number})
        row = found.mappings().first()
        return mappers.request_from_row(row) if row else None

    async def open_at(self, location: str, room_code: RoomCode | None) -> list[Request]:
        """The active requests of the room or typed as its place (``place_key``): SQL narrows
        them to the room's code, the place in any case, or any place containing the room's
        number; the domain's rule picks among those few."""
        key, number = requests.c.location_key, room_number(location)
        near = [key.contains(number, autoescape=True) if number else key == location.casefold()]
        if room_code:
            near.append(requests.c.room_code == room_code)
        query = (
            select(requests)
            .where(requests.c.status.in_(_ACTIVE), or_(*near))
            .order_by(requests.c.id)
        )
        place = place_key(location)
        return [
            r
            for r in await self._requests(query)
            if (room_code and r.room_code == room_code) or place_key(r.location) == place
        ]

    async def recent_locations(self, author: UserId, limit: int) -> list[str]:
        newest = func.max(requests.c.id)
        query = (
            select(requests.c.location)
            .where(requests.c.author_id == author)
            .group_by(requests.c.location)
            .order_by(newest.desc())
            .limit(limit)
        )
        return list((await self._session.scalars(query)).all())

    async def workload(self) -> dict[UserId, int]:
        query = (
            select(requests.c.assignee_id, func.count())
            .where(requests.c.status.in_(_WORKING), requests.c.assignee_id.is_not(None))
            .group_by(requests.c.assignee_id)
        )
        rows: list[Any] = list((await self._session.execute(query)).all())
        return {UserId(who): count for who, count in rows}

    async def digest(
        self, since: datetime, until: datetime, now: datetime, organizations: frozenset[OrgId]
    ) -> DigestCounts:
        c = requests.c
        of_them = c.organization_id.in_(sorted(organizations))

        async def count(*conditions: ColumnElement[bool]) -> int:
            where = [of_them, *conditions]
            return await self._session.scalar(select(func.count()).where(*where)) or 0

        return DigestCounts(
            new=await count(c.created_at >= since, c.created_at < until),
            overdue=await count(ACTIVE_PREDICATE, c.urgency < now),
            in_progress=await count(c.status.in_(_WORKING)),
            completed=await count(c.completed_at >= since, c.completed_at < until),
        )

    async def _page(
        self, where: ColumnElement[bool], order: list[Any], page: PageRequest
    ) -> Page[Request]:
        total = await self._session.scalar(select(func.count()).select_from(requests).where(where))
        query = select(requests).where(where).order_by(*order).offset(page.offset).limit(page.limit)
        items = await self._requests(query)
        return Page(tuple(items), total or 0, page.offset, page.limit)

    async def _requests(self, query: Select[Any]) -> list[Request]:
        rows = (await self._session.execute(query)).mappings()
        return [mappers.request_from_row(r) for r in rows]
