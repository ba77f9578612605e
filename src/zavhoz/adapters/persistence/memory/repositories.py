from collections.abc import Iterable, Sequence
from copy import deepcopy
from datetime import datetime
from itertools import islice

import attrs

from zavhoz.adapters.persistence.memory.database import UNDELIVERED, DeliveryState, MemoryDatabase
from zavhoz.adapters.persistence.memory.stage import Stage
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.ports import (
    HistoryRepository,
    InviteRepository,
    MembershipRepository,
    OrganizationRepository,
    Outbox,
    RequestRepository,
    RoomRepository,
    UserRepository,
)
from zavhoz.domain.errors import AlreadyExists
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.organizations import Invite, Membership, Organization, OrgTree
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, User, UserState


class _Staged:
    def __init__(self, db: MemoryDatabase, stage: Stage) -> None:
        self._db = db
        self._stage = stage


class MemoryOrganizationRepository(_Staged, OrganizationRepository):
    async def get(self, org: OrgId) -> Organization | None:
        return deepcopy(self._merged().get(org))

    async def by_slug(self, slug: str) -> Organization | None:
        found = (org for org in self._merged().values() if org.slug == slug)
        return deepcopy(next(found, None))

    async def add(self, organization: Organization) -> None:
        if await self.by_slug(organization.slug) is not None:
            raise AlreadyExists("organization", organization.slug)
        organization.id = OrgId(max(self._merged(), default=0) + 1)
        self._stage.organizations[organization.id] = deepcopy(organization)

    async def save(self, organization: Organization) -> None:
        self._stage.organizations[organization.id] = deepcopy(organization)

    async def all(self) -> list[Organization]:
        merged = self._merged()
        return [deepcopy(merged[org]) for org in sorted(merged)]

    async def tree(self) -> OrgTree:
        return OrgTree.of(self._merged().values())

    def _merged(self) -> dict[OrgId, Organization]:
        return self._db.organizations | self._stage.organizations


class MemoryMembershipRepository(_Staged, MembershipRepository):
    async def get(self, person: UserId, org: OrgId) -> Membership | None:
        return _memberships(self._db, self._stage).get((person, org))

    async def of_person(self, person: UserId) -> list[Membership]:
        merged = _memberships(self._db, self._stage)
        return [merged[key] for key in sorted(merged) if key[0] == person]

    async def put(self, membership: Membership) -> None:
        """Stored; a person's own row follows where it is their current organization's."""
        self._stage.memberships[membership.person, membership.organization] = membership
        person = self._stage.users.get(membership.person) or self._db.users.get(membership.person)
        if person is not None and person.organization == membership.organization:
            self._stage.users[person.id] = attrs.evolve(
                person, role=membership.role, state=membership.state
            )


def _memberships(db: MemoryDatabase, stage: Stage) -> dict[tuple[UserId, OrgId], Membership]:
    """Stored memberships. A person's own row and their membership where they act are kept
    equal by this adapter; the row wins, so a test may set a role on ``db.users`` directly."""
    implied = {(u.id, u.organization): _membership(u) for u in db.users.values()}
    return db.memberships | implied | stage.memberships


def _membership(user: User) -> Membership:
    return Membership(
        person=user.id, organization=user.organization, role=user.role, state=user.state
    )


class MemoryInviteRepository(_Staged, InviteRepository):
    async def get(self, token: str) -> Invite | None:
        return deepcopy(self._stage.invites.get(token) or self._db.invites.get(token))

    async def add(self, invite: Invite) -> None:
        self._stage.invites[invite.token] = deepcopy(invite)

    async def save(self, invite: Invite) -> None:
        self._stage.invites[invite.token] = deepcopy(invite)

    async def of_organization(self, org: OrgId) -> list[Invite]:
        merged = self._db.invites | self._stage.invites
        found = [deepcopy(i) for i in merged.values() if i.organization == org]
        return sorted(found, key=lambda invite: invite.created_at, reverse=True)


class MemoryUserRepository(_Staged, UserRepository):
    """People with the role and state of their membership in their current organization."""

    async def get(self, user_id: UserId) -> User | None:
        found = self._stage.users.get(user_id) or self._db.users.get(user_id)
        return None if found is None else self._as_member(found)

    async def add(self, user: User) -> None:
        await self.save(user)

    async def save(self, user: User) -> None:
        self._keep_implied(user.id)
        self._stage.users[user.id] = deepcopy(user)
        self._stage.memberships[user.id, user.organization] = _membership(user)

    def _keep_implied(self, person: UserId) -> None:
        """A fixture's person switching organization stays a member where they were."""
        before = self._db.users.get(person)
        if before is not None and (person, before.organization) not in self._db.memberships:
            self._stage.memberships.setdefault((person, before.organization), _membership(before))

    def _as_member(self, user: User) -> User:
        membership = _memberships(self._db, self._stage).get((user.id, user.organization))
        if membership is None:
            return deepcopy(user)
        return attrs.evolve(user, role=membership.role, state=membership.state)

    async def with_role(self, roles: Iterable[Role], organizations: Iterable[OrgId]) -> list[User]:
        wanted, where = set(roles), set(organizations)
        found = {
            person
            for (person, org), m in _memberships(self._db, self._stage).items()
            if org in where and m.role in wanted and m.state is UserState.ACTIVE
        }
        return [user for user in self._all() if user.id in found]

    async def page_by_state(self, state: UserState | None, page: PageRequest) -> Page[User]:
        users = [u for u in self._all() if state is None or u.state is state]
        window = users[page.offset : page.offset + page.limit]
        return Page(tuple(window), len(users), page.offset, page.limit)

    def _all(self) -> list[User]:
        merged = self._db.users | self._stage.users
        return [self._as_member(merged[user_id]) for user_id in sorted(merged)]


class MemoryRequestRepository(_Staged, RequestRepository):
    async def get(self, request_id: RequestId) -> Request | None:
        found = self._stage.requests.get(request_id) or self._db.requests.get(request_id)
        if found is not None:
            self._stage.loaded_versions.setdefault(request_id, found.version)
        return deepcopy(found)

    async def add(self, request: Request) -> None:
        request.id = self._db.next_request_id()
        request.number = self._db.next_number(request.organization)
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
    async def get(self, org: OrgId, code: RoomCode) -> Room | None:
        return self._stage.rooms.get((org, code)) or self._db.rooms.get((org, code))

    async def upsert(self, room: Room) -> None:
        self._stage.rooms[room.organization, room.code] = room

    async def all(self, org: OrgId) -> list[Room]:
        merged = self._db.rooms | self._stage.rooms
        return [merged[key] for key in sorted(merged) if key[0] == org]


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
