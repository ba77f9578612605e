from collections.abc import Callable
from copy import deepcopy

import attrs

from zavhoz.adapters.persistence.memory.database import DeliveryState, MemoryDatabase
from zavhoz.application.messages import OutboxMessage
from zavhoz.domain.errors import AlreadyExists, ConcurrentUpdate
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.organizations import Invite, Membership, Organization
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import User

DeliveryChange = Callable[[DeliveryState], DeliveryState]


@attrs.define
class Stage:
    """Changes of one unit of work, applied to the database all together or not at all."""

    organizations: dict[OrgId, Organization] = attrs.field(factory=dict)
    memberships: dict[tuple[UserId, OrgId], Membership] = attrs.field(factory=dict)
    invites: dict[str, Invite] = attrs.field(factory=dict)
    users: dict[UserId, User] = attrs.field(factory=dict)
    requests: dict[RequestId, Request] = attrs.field(factory=dict)
    loaded_versions: dict[RequestId, int] = attrs.field(factory=dict)
    created: set[RequestId] = attrs.field(factory=set)
    history: list[tuple[RequestId, list[HistoryEvent]]] = attrs.field(factory=list)
    rooms: dict[tuple[OrgId, RoomCode], Room] = attrs.field(factory=dict)
    outbox: list[OutboxMessage] = attrs.field(factory=list)
    deliveries: dict[int, DeliveryState] = attrs.field(factory=dict)
    """Delivery states as this unit of work sees them (its own changes on what it read)."""
    claimed: dict[int, int] = attrs.field(factory=dict)
    """Deliveries this unit of work claimed, with the revision they had then."""
    delivery_changes: list[tuple[int, DeliveryChange]] = attrs.field(factory=list)

    def apply(self, db: MemoryDatabase) -> None:
        self._check(db)
        db.organizations.update(deepcopy(self.organizations))
        db.memberships.update(self.memberships)
        db.invites.update(deepcopy(self.invites))
        db.users.update(deepcopy(self.users))
        db.requests.update(deepcopy(self.requests))
        for request_id, events in self.history:
            db.history.setdefault(request_id, []).extend(events)
        db.rooms.update(self.rooms)
        seen = db.dedupe_keys()
        for message in self.outbox:
            if message.dedupe_key not in seen:
                seen.add(message.dedupe_key)
                db.outbox.append(message)
        for delivery_id, change in self.delivery_changes:
            current = db.delivery(delivery_id)
            if current is not None:
                changed = change(current)
                db.deliveries[delivery_id] = attrs.evolve(changed, revision=current.revision + 1)

    def _check(self, db: MemoryDatabase) -> None:
        taken_slugs = {org.slug: org.id for org in db.organizations.values()}
        for org in self.organizations.values():
            if taken_slugs.get(org.slug, org.id) != org.id:
                raise AlreadyExists("organization", org.slug)
        taken_keys = db.idempotency_keys()
        for request_id, request in self.requests.items():
            if request_id in self.created:
                if (request.author, request.idempotency_key) in taken_keys:
                    raise ConcurrentUpdate("request", f"idempotency key {request.idempotency_key}")
            elif db.requests[request_id].version != self.loaded_versions[request_id]:
                raise ConcurrentUpdate("request", str(request_id))
        for delivery_id, revision in self.claimed.items():
            current = db.delivery(delivery_id)
            if current is None or current.revision != revision:
                # Claimed or settled by another unit of work meanwhile: a database would have
                # kept it locked, so this claim never happened.
                raise ConcurrentUpdate("delivery", str(delivery_id))
