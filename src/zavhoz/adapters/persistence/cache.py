"""Slow-changing facts kept in memory between units of work: people, rooms, recent places.

Nearly every update needs the person who sent it; few change them. A unit of work that changes
a fact forgets it when it commits, so this process never sees it stale. Entries also expire after
``ttl`` seconds: a change made by another process (the command line, a second bot) is seen within
that time.
"""

import time
from collections.abc import Awaitable, Callable, Hashable, Iterable
from copy import copy
from datetime import datetime
from typing import Any, TypeVar

import attrs

from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.ports import (
    DigestCounts,
    MembershipRepository,
    OrganizationRepository,
    RequestQueries,
    RequestRepository,
    RoomRepository,
    UserRepository,
)
from zavhoz.domain.catalog import Status
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.organizations import Membership, Organization, OrgTree
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, User, UserState

T = TypeVar("T")
Amendment = Callable[[Any, Any], Any]
"""From an entry's key and value to its new value."""
TTL = 60.0
"""Seconds a fact is trusted when nothing in this process changed it."""

USER, ROLES, ROOMS = "user", "roles", "rooms"
ORGANIZATIONS, MEMBERSHIPS = "organizations", "memberships"
EVERY = None
"""A key standing for the whole family: ``note(ROLES)`` forgets every list of people by role."""


def places_of(author: UserId) -> str:
    """The family of one person's recent places (one entry per list length asked for)."""
    return f"places:{author}"


class Memo:
    """Families of remembered values; a read that began before a change is never kept."""

    def __init__(self, ttl: float = TTL, clock: Callable[[], float] = time.monotonic) -> None:
        self._ttl, self._clock = ttl, clock
        self._families: dict[str, dict[Hashable, tuple[float, Any]]] = {}
        self._generation = 0

    async def through(self, family: str, key: Hashable, load: Callable[[], Awaitable[T]]) -> T:
        """The remembered value, or what ``load`` reads (kept unless a change came meanwhile)."""
        entries = self._families.setdefault(family, {})
        found = entries.get(key)
        if found is not None and found[0] > self._clock():
            return found[1]  # type: ignore[no-any-return]
        generation = self._generation
        value = await load()
        if generation == self._generation:
            entries[key] = (self._clock() + self._ttl, value)
        return value

    def forget(self, changed: Iterable[tuple[str, Hashable]]) -> None:
        for family, key in changed:
            entries = self._families.get(family, {})
            entries.clear() if key is EVERY else entries.pop(key, None)
        self._generation += 1

    def amend(self, family: str, change: Amendment) -> None:
        """Change every entry of ``family`` in place, as the database has just changed it."""
        entries = self._families.get(family, {})
        for key, (until, value) in entries.items():
            entries[key] = (until, change(key, value))
        self._generation += 1


class Changes:
    """What one unit of work changed: read from the database, not the memo, until forgotten."""

    def __init__(self) -> None:
        self._changed: set[tuple[str, Hashable]] = set()
        self._amended: list[tuple[str, Amendment]] = []

    def note(self, family: str, key: Hashable = EVERY) -> None:
        self._changed.add((family, key))

    def touches(self, family: str, key: Hashable = EVERY) -> bool:
        return (family, EVERY) in self._changed or (
            key is not EVERY and (family, key) in self._changed
        )

    def amends(self, family: str) -> bool:
        return any(amended == family for amended, _ in self._amended)

    def any_in(self, family: str) -> bool:
        return any(changed == family for changed, _ in self._changed)

    def amend(self, family: str, change: Amendment) -> None:
        self._amended.append((family, change))

    def committed(self, memo: Memo) -> None:
        if self._changed:
            memo.forget(self._changed)
        for family, change in self._amended:
            memo.amend(family, change)
        self._changed.clear()
        self._amended.clear()


class CachedUsers(UserRepository):
    """People by id and by role; copies are handed out, so a change never reaches the memo."""

    def __init__(
        self,
        inner: UserRepository,
        memo: Memo,
        changes: Changes,
        memberships: MembershipRepository,
    ) -> None:
        self._inner, self._memo, self._changes = inner, memo, changes
        self._memberships = memberships

    async def get(self, user_id: UserId) -> User | None:
        if self._changes.touches(USER, user_id):
            return await self._inner.get(user_id)
        found = await self._memo.through(USER, user_id, lambda: self._inner.get(user_id))
        return None if found is None else await self._as_member(found)

    async def _as_member(self, user: User) -> User:
        """Role and state from the remembered memberships, which reach is decided on: remembered
        apart, a change made elsewhere would reach the two at different moments."""
        where = await self._memberships.get(user.id, user.organization)
        if where is None:
            return copy(user)
        return attrs.evolve(user, role=where.role, state=where.state)

    async def add(self, user: User) -> None:
        await self._inner.add(user)
        self._changed(user)

    async def save(self, user: User) -> None:
        await self._inner.save(user)
        self._changed(user)

    async def with_role(self, roles: Iterable[Role], organizations: Iterable[OrgId]) -> list[User]:
        wanted, where = frozenset(roles), frozenset(organizations)
        if self._changes.any_in(USER):
            return await self._inner.with_role(wanted, where)
        load = lambda: self._inner.with_role(wanted, where)  # noqa: E731
        return [copy(user) for user in await self._memo.through(ROLES, (wanted, where), load)]

    async def page_by_state(self, state: UserState | None, page: PageRequest) -> Page[User]:
        return await self._inner.page_by_state(state, page)

    def _changed(self, user: User) -> None:
        _person_changed(self._changes, user.id)


class CachedMemberships(MembershipRepository):
    """Each person's memberships: their reach is decided on them at nearly every update.
    A membership put may be the person's role where they act now, so that is forgotten too."""

    def __init__(self, inner: MembershipRepository, memo: Memo, changes: Changes) -> None:
        self._inner, self._memo, self._changes = inner, memo, changes

    async def get(self, person: UserId, org: OrgId) -> Membership | None:
        if self._changes.touches(MEMBERSHIPS, person):
            return await self._inner.get(person, org)
        return next((m for m in await self.of_person(person) if m.organization == org), None)

    async def of_person(self, person: UserId) -> list[Membership]:
        if self._changes.touches(MEMBERSHIPS, person):
            return await self._inner.of_person(person)
        load = lambda: self._inner.of_person(person)  # noqa: E731
        return list(await self._memo.through(MEMBERSHIPS, person, load))

    async def put(self, membership: Membership) -> None:
        await self._inner.put(membership)
        _person_changed(self._changes, membership.person)


def _person_changed(changes: Changes, person: UserId) -> None:
    """Their row, their memberships, and every list of people by role."""
    changes.note(USER, person)
    changes.note(MEMBERSHIPS, person)
    changes.note(ROLES)


class CachedOrganizations(OrganizationRepository):
    """Every organization at once: reach and inheritance are decided on the whole tree, at
    nearly every update, and organizations are added or changed rarely. One looked up and
    not remembered is asked of the database: the command line may have just added it."""

    def __init__(self, inner: OrganizationRepository, memo: Memo, changes: Changes) -> None:
        self._inner, self._memo, self._changes = inner, memo, changes

    async def get(self, org: OrgId) -> Organization | None:
        if self._changes.touches(ORGANIZATIONS):
            return await self._inner.get(org)
        found = (await self._kept()).by_id.get(org)
        return _own_copy(found) if found else await self._inner.get(org)

    async def by_slug(self, slug: str) -> Organization | None:
        if self._changes.touches(ORGANIZATIONS):
            return await self._inner.by_slug(slug)
        found = next((o for o in (await self._kept()).by_id.values() if o.slug == slug), None)
        return _own_copy(found) if found else await self._inner.by_slug(slug)

    async def add(self, organization: Organization) -> None:
        await self._inner.add(organization)
        self._changes.note(ORGANIZATIONS)

    async def save(self, organization: Organization) -> None:
        await self._inner.save(organization)
        self._changes.note(ORGANIZATIONS)

    async def all(self) -> list[Organization]:
        if self._changes.touches(ORGANIZATIONS):
            return await self._inner.all()
        return [_own_copy(o) for o in (await self._kept()).by_id.values()]

    async def tree(self) -> OrgTree:
        if self._changes.touches(ORGANIZATIONS):
            return await self._inner.tree()
        return (await self._kept()).tree

    async def _kept(self) -> "_Organizations":
        return await self._memo.through(ORGANIZATIONS, EVERY, self._load)

    async def _load(self) -> "_Organizations":
        everyone = await self._inner.all()
        return _Organizations({o.id: o for o in everyone}, OrgTree.of(everyone))


@attrs.frozen
class _Organizations:
    """Kept at once, built once: 10 000 organizations are looked up and walked at every update."""

    by_id: dict[OrgId, Organization]
    tree: OrgTree


def _own_copy(organization: Organization) -> Organization:
    """Settings are a dictionary: a change to a copy's must not reach the memo's."""
    return attrs.evolve(organization, settings=dict(organization.settings))


class CachedRooms(RoomRepository):
    """Every room of an organization at once: a school has hundreds, and the wizard looks one
    up at every step."""

    def __init__(self, inner: RoomRepository, memo: Memo, changes: Changes) -> None:
        self._inner, self._memo, self._changes = inner, memo, changes

    async def get(self, org: OrgId, code: RoomCode) -> Room | None:
        if self._changes.touches(ROOMS, org):
            return await self._inner.get(org, code)
        return next((room for room in await self.all(org) if room.code == code), None)

    async def upsert(self, room: Room) -> None:
        await self._inner.upsert(room)
        self._changes.note(ROOMS, room.organization)

    async def all(self, org: OrgId) -> list[Room]:
        if self._changes.touches(ROOMS, org):
            return await self._inner.all(org)
        return list(await self._memo.through(ROOMS, org, lambda: self._inner.all(org)))


class CachedRequests(RequestRepository):
    """Requests are never cached; a new one changes its author's recent places."""

    def __init__(self, inner: RequestRepository, changes: Changes) -> None:
        self._inner, self._changes = inner, changes

    async def get(self, request_id: RequestId) -> Request | None:
        return await self._inner.get(request_id)

    async def add(self, request: Request) -> None:
        await self._inner.add(request)
        place = request.location
        self._changes.amend(
            places_of(request.author), lambda limit, kept: _first(place, kept, limit)
        )

    async def save(self, request: Request) -> None:
        await self._inner.save(request)

    async def by_idempotency_key(self, author: UserId, key: str) -> Request | None:
        return await self._inner.by_idempotency_key(author, key)

    async def due_for_sla(self, now: datetime, limit: int) -> list[Request]:
        return await self._inner.due_for_sla(now, limit)


def _first(place: str, places: list[str], limit: int) -> list[str]:
    return list(dict.fromkeys([place, *places]))[:limit]


class CachedQueries(RequestQueries):
    """Only a person's recent places are remembered: the wizard offers them at every start."""

    def __init__(self, inner: RequestQueries, memo: Memo, changes: Changes) -> None:
        self._inner, self._memo, self._changes = inner, memo, changes

    async def recent_locations(self, author: UserId, limit: int) -> list[str]:
        family = places_of(author)
        if self._changes.amends(family):
            return await self._inner.recent_locations(author, limit)
        load = lambda: self._inner.recent_locations(author, limit)  # noqa: E731
        return list(await self._memo.through(family, limit, load))

    async def by_author(
        self, author: UserId, statuses: frozenset[Status], page: PageRequest
    ) -> Page[Request]:
        return await self._inner.by_author(author, statuses, page)

    async def queue(self, query: QueueFilter, now: datetime, page: PageRequest) -> Page[Request]:
        return await self._inner.queue(query, now, page)

    async def with_history(
        self, request_id: RequestId
    ) -> tuple[Request, list[HistoryEvent]] | None:
        return await self._inner.with_history(request_id)

    async def open_at(self, location: str, room_code: RoomCode | None) -> list[Request]:
        return await self._inner.open_at(location, room_code)

    async def workload(self) -> dict[UserId, int]:
        return await self._inner.workload()

    async def by_number(self, org: OrgId, number: int) -> Request | None:
        return await self._inner.by_number(org, number)

    async def digest(
        self, since: datetime, until: datetime, now: datetime, organizations: frozenset[OrgId]
    ) -> DigestCounts:
        return await self._inner.digest(since, until, now, organizations)
