import attrs

from zavhoz.application.messages import OutboxMessage
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import RequestId, RoomCode, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import User


@attrs.define
class MemoryDatabase:
    """The committed state. Units of work stage their changes and apply them here on commit."""

    users: dict[UserId, User] = attrs.field(factory=dict)
    requests: dict[RequestId, Request] = attrs.field(factory=dict)
    history: dict[RequestId, list[HistoryEvent]] = attrs.field(factory=dict)
    rooms: dict[RoomCode, Room] = attrs.field(factory=dict)
    outbox: list[OutboxMessage] = attrs.field(factory=list)
    last_request_id: int = 0

    def next_request_id(self) -> RequestId:
        self.last_request_id += 1
        return RequestId(self.last_request_id)

    def dedupe_keys(self) -> set[str]:
        return {message.dedupe_key for message in self.outbox}

    def idempotency_keys(self) -> set[tuple[UserId, str]]:
        return {(r.author, r.idempotency_key) for r in self.requests.values() if r.idempotency_key}
