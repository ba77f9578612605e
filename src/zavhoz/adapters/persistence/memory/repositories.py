from collections.abc import Iterable, Sequence
from copy import deepcopy
from datetime import datetime
from itertools import islice

from zavhoz.adapters.persistence.memory.database import UNDELIVERED, DeliveryState, MemoryDatabase
from zavhoz.adapters.persistence.memory.stage import Stage
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.ports import (
    HistoryRepository,
    Outbox,
    RequestRepository,
    RoomRepository,
    UserRepository,
)
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import RequestId, RoomCode, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, User, UserState


class _Staged:
    def __init__(self, db: MemoryDatabase, stage: Stage) -> None:
        self._db = db
        self._stage = stage


class MemoryUserRepository(_Staged, UserRepository):
    async def get(self, user_id: UserId) -> User | None:
        found = self._stage.users.get(user_id) or self._db.users.get(user_id)
        return deepcopy(found)

    async def add(self, user: User) -> None:
        self._stage.users[user.id] = deepcopy(user)

    async def save(self, user: User) -> None:
        self._stage.users[user.id] = deepcopy(user)

    async def with_role(self, roles: Iterable[Role]) -> list[User]:
        wanted = set(roles)
        return [u for u in self._all() if u.is_active and u.role in wanted]

    async def page_by_state(self, state: UserState | None, page: PageRequest) -> Page[User]:
        users = [u for u in self._all() if state is None or u.state is state]
        window = users[page.offset : page.offset + page.limit]
        return Page(tuple(window), len(users), page.offset, page.limit)

    def _all(self) -> list[User]:
        merged = self._db.users | self._stage.users
        return [deepcopy(merged[user_id]) for user_id in sorted(merged)]


class MemoryRequestRepository(_Staged, RequestRepository):
    async def get(self, request_id: RequestId) -> Request | None:
        found = self._stage.requests.get(request_id) or self._db.requests.get(request_id)
        if found is not None:
            self._stage.loaded_versions.setdefault(request_id, found.version)
        return deepcopy(found)

    async def add(self, request: Request) -> None:
        request.id = self._db.next_request_id()
        self._stage.created.add(request.id)
        self._stage.requests[request.id] = deepcopy(request)

    async def save(self, request: Request) -> None:
        if request.id not in self._stage.created:
            self._stage.loaded_versions.setdefault(
                request.id, self._db.requests[request.id].version
            )
        self._stage.requests[request.id] = deepcopy(request)

    async def by_idempotency_key(self, author: UserId, key: str) -> Request | None:
        for request in (self._db.requests | self._stage.requests).values():
            if request.author == author and request.idempotency_key == key:
                return deepcopy(request)
        return None

    async def due_for_sla(self, now: datetime, limit: int) -> list[Request]:
        due = [r for r in self._db.requests.values() if r.next_alert_at and r.next_alert_at <= now]
        due.sort(key=lambda r: (r.next_alert_at, r.id))
        return deepcopy(due[:limit])


class MemoryHistoryRepository(_Staged, HistoryRepository):
    async def append(self, request_id: RequestId, events: Sequence[HistoryEvent]) -> None:
        self._stage.history.append((request_id, list(events)))

    async def of(self, request_id: RequestId) -> list[HistoryEvent]:
        staged = [e for rid, events in self._stage.history if rid == request_id for e in events]
        return [*self._db.history.get(request_id, []), *staged]


class MemoryRoomRepository(_Staged, RoomRepository):
    async def get(self, code: RoomCode) -> Room | None:
        return self._stage.rooms.get(code) or self._db.rooms.get(code)

    async def upsert(self, room: Room) -> None:
        self._stage.rooms[room.code] = room

    async def all(self) -> list[Room]:
        merged = self._db.rooms | self._stage.rooms
        return [merged[code] for code in sorted(merged)]


class MemoryOutbox(_Staged, Outbox):
    async def add(self, messages: Iterable[OutboxMessage]) -> None:
        seen = self._db.dedupe_keys() | {m.dedupe_key for m in self._stage.outbox}
        for message in messages:
            if message.dedupe_key not in seen:
                seen.add(message.dedupe_key)
                self._stage.outbox.append(message)

    async def pending(self, limit: int) -> list[OutboxMessage]:
        waiting = (
            message
            for position, message in enumerate(self._db.outbox, start=1)
            if self._db.deliveries.get(position, DeliveryState()).state in UNDELIVERED
        )
        return list(islice(waiting, max(limit, 0)))
