from copy import deepcopy

import attrs

from zavhoz.adapters.persistence.memory.database import MemoryDatabase
from zavhoz.application.messages import OutboxMessage
from zavhoz.domain.errors import ConcurrentUpdate
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import RequestId, RoomCode, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import User


@attrs.define
class Stage:
    """Changes of one unit of work, applied to the database all together or not at all."""

    users: dict[UserId, User] = attrs.field(factory=dict)
    requests: dict[RequestId, Request] = attrs.field(factory=dict)
    loaded_versions: dict[RequestId, int] = attrs.field(factory=dict)
    created: set[RequestId] = attrs.field(factory=set)
    history: list[tuple[RequestId, list[HistoryEvent]]] = attrs.field(factory=list)
    rooms: dict[RoomCode, Room] = attrs.field(factory=dict)
    outbox: list[OutboxMessage] = attrs.field(factory=list)

    def apply(self, db: MemoryDatabase) -> None:
        self._check(db)
        db.users.update(deepcopy(self.users))
        db.requests.update(deepcopy(self.requests))
        for request_id, events in self.history:
            db.history.setdefault(request_id, []).extend(events)
        db.rooms.update(self.rooms)
        db.outbox.extend(m for m in self.outbox if m.dedupe_key not in db.dedupe_keys())

    def _check(self, db: MemoryDatabase) -> None:
        taken_keys = db.idempotency_keys()
        for request_id, request in self.requests.items():
            if request_id in self.created:
                if (request.author, request.idempotency_key) in taken_keys:
                    raise ConcurrentUpdate("request", f"idempotency key {request.idempotency_key}")
            elif db.requests[request_id].version != self.loaded_versions[request_id]:
                raise ConcurrentUpdate("request", str(request_id))
