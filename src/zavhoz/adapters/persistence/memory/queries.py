from collections.abc import Callable
from copy import deepcopy
from datetime import datetime

from zavhoz.adapters.persistence.memory.database import MemoryDatabase
from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.ports import DigestCounts, RequestQueries
from zavhoz.domain.catalog import Status
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import place_key

_WORKING = frozenset({Status.IN_PROGRESS, Status.ON_HOLD})


class MemoryRequestQueries(RequestQueries):
    """Answers the read port by scanning the committed requests (fine for tests and small data)."""

    def __init__(self, db: MemoryDatabase) -> None:
        self._db = db

    async def by_author(
        self, author: UserId, statuses: frozenset[Status], page: PageRequest
    ) -> Page[Request]:
        found = self._where(lambda r: r.author == author and r.status in statuses)
        return _page(sorted(found, key=lambda r: -r.id), page)

    async def queue(self, query: QueueFilter, now: datetime, page: PageRequest) -> Page[Request]:
        found = self._where(lambda r: _matches(r, query))
        return _page(sorted(found, key=_urgency), page)

    async def with_history(
        self, request_id: RequestId
    ) -> tuple[Request, list[HistoryEvent]] | None:
        request = self._db.requests.get(request_id)
        if request is None:
            return None
        return deepcopy(request), list(self._db.history.get(request_id, []))

    async def by_number(self, org: OrgId, number: int) -> Request | None:
        found = self._where(lambda r: r.organization == org and r.number == number)
        return deepcopy(found[0]) if found else None

    async def open_at(self, location: str, room_code: RoomCode | None) -> list[Request]:
        place = place_key(location)
        return sorted(
            self._where(
                lambda r: (
                    r.status.is_active
                    and (
                        (room_code is not None and r.room_code == room_code)
                        or place_key(r.location) == place
                    )
                )
            ),
            key=lambda r: r.id,
        )

    async def recent_locations(self, author: UserId, limit: int) -> list[str]:
        newest = sorted(self._where(lambda r: r.author == author), key=lambda r: -r.id)
        return list(dict.fromkeys(r.location for r in newest))[:limit]

    async def workload(self) -> dict[UserId, int]:
        load: dict[UserId, int] = {}
        for request in self._where(lambda r: r.status in _WORKING and r.assignee is not None):
            assert request.assignee is not None
            load[request.assignee] = load.get(request.assignee, 0) + 1
        return load

    async def digest(
        self, since: datetime, until: datetime, now: datetime, organizations: frozenset[OrgId]
    ) -> DigestCounts:
        requests = [r for r in self._db.requests.values() if r.organization in organizations]
        return DigestCounts(
            new=sum(since <= r.created_at < until for r in requests),
            overdue=sum(r.is_overdue(now) for r in requests),
            in_progress=sum(r.status in _WORKING for r in requests),
            completed=sum(
                r.completed_at is not None and since <= r.completed_at < until for r in requests
            ),
        )

    def _where(self, keep: Callable[[Request], bool]) -> list[Request]:
        return [r for r in self._db.requests.values() if keep(r)]


def _matches(request: Request, query: QueueFilter) -> bool:
    haystack = f"{request.location}\n{request.title}\n{request.description}".casefold()
    return (
        request.status in query.statuses
        and query.priority in (None, request.priority)
        and query.category in (None, request.category)
        and query.assignee in (None, request.assignee)
        and (query.overdue_at is None or request.is_overdue(query.overdue_at))
        and all(word in haystack for word in query.words)
        and (query.organizations is None or request.organization in query.organizations)
    )


def _urgency(request: Request) -> tuple[bool, datetime | str, int]:
    due = request.due_at
    return (due is None, due or "", request.id)


def _page(items: list[Request], page: PageRequest) -> Page[Request]:
    window = items[page.offset : page.offset + page.limit]
    return Page(tuple(deepcopy(window)), len(items), page.offset, page.limit)
