"""Ports: the small protocols the core needs from the outside world."""

from collections.abc import Iterable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

import attrs

from zavhoz.application.delivery import DeliveryQueue
from zavhoz.application.filters import QueueFilter
from zavhoz.application.messages import OutboxMessage
from zavhoz.application.paging import Page, PageRequest
from zavhoz.domain.catalog import Status
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.organizations import Invite, Membership, Organization, OrgTree
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, User, UserState


class Clock(Protocol):
    def now(self) -> datetime:
        """The current moment, timezone-aware."""


class SendBudget(Protocol):
    """Telegram's send limits, shared by the bot's replies and the delivery worker's pushes."""

    async def acquire(self, chat: int | str | None, *, interactive: bool) -> None:
        """Wait for a slot to send one message to ``chat`` (None: counted only overall)."""


class UserRepository(Protocol):
    async def get(self, user_id: UserId) -> User | None: ...

    async def add(self, user: User) -> None: ...

    async def save(self, user: User) -> None: ...

    async def with_role(self, roles: Iterable[Role], organizations: Iterable[OrgId]) -> list[User]:
        """People whose active membership in one of ``organizations`` has one of ``roles``
        (each once, by id); pass ``OrgTree.chain(org)`` for everyone whose role reaches ``org``."""

    async def page_by_state(self, state: UserState | None, page: PageRequest) -> Page[User]: ...


class OrganizationRepository(Protocol):
    async def get(self, org: OrgId) -> Organization | None: ...

    async def by_slug(self, slug: str) -> Organization | None: ...

    async def add(self, organization: Organization) -> None:
        """Store a new organization and give it its id; a taken slug raises ``AlreadyExists``."""

    async def save(self, organization: Organization) -> None: ...

    async def all(self) -> list[Organization]:
        """Every organization, by id."""

    async def tree(self) -> OrgTree:
        """Every organization's parent: what reach and inheritance are decided on."""


class MembershipRepository(Protocol):
    async def get(self, person: UserId, org: OrgId) -> Membership | None: ...

    async def of_person(self, person: UserId) -> list[Membership]:
        """Every membership of ``person``, by organization."""

    async def put(self, membership: Membership) -> None:
        """Store the person's membership in its organization, replacing one there."""


class InviteRepository(Protocol):
    async def get(self, token: str) -> Invite | None: ...

    async def add(self, invite: Invite) -> None: ...

    async def save(self, invite: Invite) -> None: ...

    async def of_organization(self, org: OrgId) -> list[Invite]:
        """Newest first."""


class RequestRepository(Protocol):
    async def get(self, request_id: RequestId) -> Request | None: ...

    async def add(self, request: Request) -> None:
        """Store a new request, give it its id and its number within its organization."""

    async def save(self, request: Request) -> None:
        """Store changes; the commit fails with ``ConcurrentUpdate`` if someone saved first."""

    async def by_idempotency_key(self, author: UserId, key: str) -> Request | None: ...

    async def due_for_sla(self, now: datetime, limit: int) -> list[Request]:
        """Requests with an SLA checkpoint reached by ``now`` and not yet alerted."""


class HistoryRepository(Protocol):
    async def append(self, request_id: RequestId, events: Sequence[HistoryEvent]) -> None: ...

    async def of(self, request_id: RequestId) -> list[HistoryEvent]:
        """The whole history of a request, oldest first."""


class RoomRepository(Protocol):
    async def get(self, org: OrgId, code: RoomCode) -> Room | None: ...

    async def upsert(self, room: Room) -> None: ...

    async def all(self, org: OrgId) -> list[Room]:
        """The organization's rooms, by code."""


class Outbox(Protocol):
    async def add(self, messages: Iterable[OutboxMessage]) -> None:
        """Queue messages; one whose dedupe key was queued before is skipped."""

    async def pending(self, limit: int) -> list[OutboxMessage]:
        """Committed messages not yet delivered (waiting or being sent), oldest first."""


@attrs.frozen(kw_only=True)
class DigestCounts:
    new: int
    overdue: int
    in_progress: int
    completed: int


class RequestQueries(Protocol):
    """Read side: answered by the database (filters, ordering and paging in SQL)."""

    async def by_author(
        self, author: UserId, statuses: frozenset[Status], page: PageRequest
    ) -> Page[Request]:
        """Newest first."""

    async def queue(self, query: QueueFilter, now: datetime, page: PageRequest) -> Page[Request]:
        """Most urgent first: by current deadline (none last), then by number."""

    async def with_history(
        self, request_id: RequestId
    ) -> tuple[Request, list[HistoryEvent]] | None:
        """The request and its whole history (oldest first), read as one consistent answer."""

    async def by_number(self, org: OrgId, number: int) -> Request | None:
        """Request №``number`` of ``org``: the number people say there."""

    async def open_at(self, location: str, room_code: RoomCode | None) -> list[Request]:
        """Active requests at a place: of the room, or typed as the same place
        (``domain.rooms.place_key``: «Каб. 305», «кабинет 305» and «305» are one)."""

    async def recent_locations(self, author: UserId, limit: int) -> list[str]: ...

    async def workload(self) -> dict[UserId, int]:
        """How many requests each assignee has in progress or on hold."""

    async def digest(
        self, since: datetime, until: datetime, now: datetime, organizations: frozenset[OrgId]
    ) -> DigestCounts:
        """Of ``organizations``' requests: created and completed in ``[since, until)``, overdue
        at ``now``, in progress now."""


class UnitOfWork(Protocol):
    organizations: OrganizationRepository
    memberships: MembershipRepository
    invites: InviteRepository
    users: UserRepository
    requests: RequestRepository
    history: HistoryRepository
    rooms: RoomRepository
    outbox: Outbox
    deliveries: DeliveryQueue
    queries: RequestQueries

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Roll back whatever was not committed."""

    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork:
        """A unit of work; a ``read_only`` one never holds writers up and must not commit."""


class Remembered(Protocol):
    """Small facts one process leaves for the others, e.g. the bot's username for `zavhoz qr`."""

    async def recall(self, key: str) -> str | None: ...

    async def remember(self, key: str, value: str) -> None: ...
