from datetime import datetime

import attrs

from zavhoz.application.messages import OutboxMessage
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import FIRST_ORG, OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.organizations import Invite, Membership, Organization, first_organization
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import User

PENDING, SENDING, SENT, DEAD, DROPPED = "pending", "sending", "sent", "dead", "dropped"
UNDELIVERED = frozenset({PENDING, SENDING})


@attrs.frozen
class DeliveryState:
    """How far the outbox message with this id got; ``revision`` counts committed changes."""

    state: str = PENDING
    attempts: int = 0
    next_attempt_at: datetime | None = None
    sent_at: datetime | None = None
    last_error: str | None = None
    revision: int = 0


@attrs.define
class MemoryDatabase:
    """The committed state. Units of work stage their changes and apply them here on commit."""

    organizations: dict[OrgId, Organization] = attrs.field(
        factory=lambda: {FIRST_ORG: first_organization()}
    )
    memberships: dict[tuple[UserId, OrgId], Membership] = attrs.field(factory=dict)
    invites: dict[str, Invite] = attrs.field(factory=dict)
    last_numbers: dict[OrgId, int] = attrs.field(factory=dict)
    users: dict[UserId, User] = attrs.field(factory=dict)
    requests: dict[RequestId, Request] = attrs.field(factory=dict)
    history: dict[RequestId, list[HistoryEvent]] = attrs.field(factory=dict)
    rooms: dict[tuple[OrgId, RoomCode], Room] = attrs.field(factory=dict)
    outbox: list[OutboxMessage] = attrs.field(factory=list)
    """Every message ever queued; its delivery id is its position plus one."""
    deliveries: dict[int, DeliveryState] = attrs.field(factory=dict)
    """Delivery progress by id; a message without an entry is pending and untried."""
    last_request_id: int = 0

    def next_request_id(self) -> RequestId:
        self.last_request_id += 1
        return RequestId(self.last_request_id)

    def next_org_id(self) -> OrgId:
        return OrgId(max(self.organizations, default=0) + 1)

    def next_number(self, org: OrgId) -> int:
        self.last_numbers[org] = self.last_numbers.get(org, 0) + 1
        return self.last_numbers[org]

    def delivery(self, delivery_id: int) -> DeliveryState | None:
        if not 1 <= delivery_id <= len(self.outbox):
            return None
        return self.deliveries.get(delivery_id, DeliveryState())

    def dedupe_keys(self) -> set[str]:
        return {message.dedupe_key for message in self.outbox}

    def idempotency_keys(self) -> set[tuple[UserId, str]]:
        return {(r.author, r.idempotency_key) for r in self.requests.values() if r.idempotency_key}
