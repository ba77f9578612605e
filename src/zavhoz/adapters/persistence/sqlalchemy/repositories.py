from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import and_, bindparam, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from zavhoz.adapters.persistence.sqlalchemy import mappers, tables
from zavhoz.adapters.persistence.sqlalchemy.deliveries import undelivered
from zavhoz.adapters.persistence.sqlalchemy.dialect import insert_ignoring, upsert
from zavhoz.adapters.persistence.sqlalchemy.sessions import SqlSession
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
from zavhoz.domain.errors import AlreadyExists, ConcurrentUpdate
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import OrgId, RequestId, RoomCode, UserId
from zavhoz.domain.organizations import Invite, Membership, Organization, OrgTree
from zavhoz.domain.request import Request
from zavhoz.domain.rooms import Room
from zavhoz.domain.users import Role, User, UserState

_NEXT_NUMBER = (
    update(tables.organizations)
    .where(tables.organizations.c.id == bindparam("org"))
    .values(last_number=tables.organizations.c.last_number + 1)
    .returning(tables.organizations.c.last_number)
)
"""Counts the organization's requests on: the row stays locked until the commit, so two
requests of one organization never get one number (and others' requests never wait)."""
_REQUEST = select(tables.requests).where(tables.requests.c.id == bindparam("request_id"))
_ADD_REQUEST = insert(tables.requests).returning(tables.requests.c.id)
_SAVE_REQUEST = update(tables.requests).where(
    tables.requests.c.id == bindparam("b_id"), tables.requests.c.version == bindparam("b_expected")
)
_BY_KEY = select(tables.requests).where(
    tables.requests.c.author_id == bindparam("author"),
    tables.requests.c.idempotency_key == bindparam("key"),
)
_ADD_EVENTS = insert(tables.history)
"""Built once: a request has thirty columns, and building their statement costs more than
running it. The columns to set come from the parameters."""


class _Sql:
    def __init__(self, session: SqlSession) -> None:
        self._session = session


_HERE = tables.memberships
"""The membership in the person's current organization, which gives their role and state."""
_PEOPLE = select(tables.users, _HERE.c.role, _HERE.c.state).select_from(
    tables.users.outerjoin(
        _HERE,
        and_(
            _HERE.c.person_id == tables.users.c.id,
            _HERE.c.organization_id == tables.users.c.organization_id,
        ),
    )
)


class SqlUserRepository(_Sql, UserRepository):
    """A person's row, and their role and state in their membership where they act now.

    ``add`` and ``save`` write both, as the memory adapter does: whoever moves a person to
    another organization gives them their role and state there first.
    """

    async def get(self, user_id: UserId) -> User | None:
        row = await self._first(_PEOPLE.where(tables.users.c.id == user_id))
        return mappers.user_from_row(row) if row else None

    async def add(self, user: User) -> None:
        await self._session.execute(insert(tables.users).values(mappers.user_to_row(user)))
        await SqlMembershipRepository(self._session).put(mappers.user_membership(user))

    async def save(self, user: User) -> None:
        values = mappers.user_to_row(user)
        statement = update(tables.users).where(tables.users.c.id == user.id).values(values)
        await self._session.execute(statement)
        await SqlMembershipRepository(self._session).put(mappers.user_membership(user))

    async def with_role(self, roles: Iterable[Role], organizations: Iterable[OrgId]) -> list[User]:
        m = tables.memberships.c
        holding = select(m.person_id).where(
            m.organization_id.in_(sorted(set(organizations))),
            m.state == UserState.ACTIVE.value,
            m.role.in_(sorted(r.value for r in roles)),
        )
        query = _PEOPLE.where(tables.users.c.id.in_(holding)).order_by(tables.users.c.id)
        return [mappers.user_from_row(r) for r in (await self._session.execute(query)).mappings()]

    async def page_by_state(self, state: UserState | None, page: PageRequest) -> Page[User]:
        query = _PEOPLE
        if state is not None:
            query = query.where(_HERE.c.state == state.value)
        total = await self._session.scalar(select(func.count()).select_from(query.subquery()))
        window = query.order_by(tables.users.c.id).offset(page.offset).limit(page.limit)
        rows = (await self._session.execute(window)).mappings()
        return Page(tuple(map(mappers.user_from_row, rows)), total or 0, page.offset, page.limit)

    async def _first(self, query: Any) -> Any:
        return (await self._session.execute(query)).mappings().first()


class SqlRequestRepository(_Sql, RequestRepository):
    def __init__(self, session: SqlSession) -> None:
        super().__init__(session)
        self._loaded_versions: dict[RequestId, int] = {}

    async def get(self, request_id: RequestId) -> Request | None:
        found = await self._session.execute(_REQUEST, {"request_id": request_id})
        row = found.mappings().first()
        if row is None:
            return None
        self._loaded_versions.setdefault(request_id, row["version"])
        return mappers.request_from_row(row)

    async def add(self, request: Request) -> None:
        counted = await self._session.execute(_NEXT_NUMBER, {"org": request.organization})
        request.number = counted.scalar_one()
        row = mappers.request_to_row(request)
        try:  # the whole unit of work is retried, so no savepoint is needed
            added = (await self._session.execute(_ADD_REQUEST, row)).scalar_one()
        except IntegrityError as error:
            raise ConcurrentUpdate(
                "request", f"idempotency key {request.idempotency_key}"
            ) from error
        request.id = RequestId(added)
        self._loaded_versions[request.id] = request.version

    async def save(self, request: Request) -> None:
        expected = self._loaded_versions.get(request.id)
        if expected is None:
            raise ConcurrentUpdate("request", f"{request.id} saved without being loaded")
        row = mappers.request_to_row(request) | {"b_id": request.id, "b_expected": expected}
        result = await self._session.execute(_SAVE_REQUEST, row)
        if result.rowcount != 1:  # type: ignore[attr-defined]
            raise ConcurrentUpdate("request", str(request.id))
        self._loaded_versions[request.id] = request.version

    async def by_idempotency_key(self, author: UserId, key: str) -> Request | None:
        found = await self._session.execute(_BY_KEY, {"author": author, "key": key})
        row = found.mappings().first()
        return mappers.request_from_row(row) if row else None

    async def due_for_sla(self, now: datetime, limit: int) -> list[Request]:
        column = tables.requests.c.next_alert_at
        query = (
            select(tables.requests)
            .where(column <= now)
            .order_by(column, tables.requests.c.id)
            .limit(limit)
        )
        rows = (await self._session.execute(query)).mappings()
        return [mappers.request_from_row(r) for r in rows]


class SqlHistoryRepository(_Sql, HistoryRepository):
    async def append(self, request_id: RequestId, events: Sequence[HistoryEvent]) -> None:
        if events:
            rows = [mappers.event_to_row(request_id, e) for e in events]
            await self._session.execute(_ADD_EVENTS, rows)

    async def of(self, request_id: RequestId) -> list[HistoryEvent]:
        query = (
            select(tables.history)
            .where(tables.history.c.request_id == request_id)
            .order_by(tables.history.c.id)
        )
        rows = (await self._session.execute(query)).mappings()
        return [mappers.event_from_row(r) for r in rows]


class SqlRoomRepository(_Sql, RoomRepository):
    async def get(self, org: OrgId, code: RoomCode) -> Room | None:
        query = select(tables.rooms).where(
            tables.rooms.c.organization_id == org, tables.rooms.c.code == code
        )
        row = (await self._session.execute(query)).mappings().first()
        return mappers.room_from_row(row) if row else None

    async def upsert(self, room: Room) -> None:
        row, keys = mappers.room_to_row(room), ["organization_id", "code"]
        await self._session.execute(upsert(self._session, tables.rooms, row, keys))

    async def all(self, org: OrgId) -> list[Room]:
        query = (
            select(tables.rooms)
            .where(tables.rooms.c.organization_id == org)
            .order_by(tables.rooms.c.code)
        )
        return [mappers.room_from_row(r) for r in (await self._session.execute(query)).mappings()]


class SqlOutbox(_Sql, Outbox):
    async def add(self, messages: Iterable[OutboxMessage]) -> None:
        rows = [mappers.message_to_row(m) for m in messages]
        if rows:
            await self._session.execute(
                insert_ignoring(self._session, tables.outbox, ["dedupe_key"]), rows
            )

    async def pending(self, limit: int) -> list[OutboxMessage]:
        query = select(tables.outbox).where(undelivered()).order_by(tables.outbox.c.id).limit(limit)
        return [
            mappers.message_from_row(r) for r in (await self._session.execute(query)).mappings()
        ]


class SqlOrganizationRepository(_Sql, OrganizationRepository):
    async def get(self, org: OrgId) -> Organization | None:
        return await self._one(tables.organizations.c.id == org)

    async def by_slug(self, slug: str) -> Organization | None:
        return await self._one(tables.organizations.c.slug == slug)

    async def add(self, organization: Organization) -> None:
        """Skips a taken slug rather than failing the statement: the transaction stays usable."""
        statement = insert_ignoring(self._session, tables.organizations, ["slug"])
        row = mappers.organization_to_row(organization)
        added = await self._session.execute(statement.returning(tables.organizations.c.id), row)
        found = added.scalar_one_or_none()
        if found is None:
            raise AlreadyExists("organization", organization.slug)
        organization.id = OrgId(found)

    async def save(self, organization: Organization) -> None:
        row = mappers.organization_to_row(organization)
        where = tables.organizations.c.id == organization.id
        try:
            await self._session.execute(update(tables.organizations).where(where).values(row))
        except IntegrityError as error:
            raise AlreadyExists("organization", organization.slug) from error

    async def all(self) -> list[Organization]:
        query = select(tables.organizations).order_by(tables.organizations.c.id)
        rows = (await self._session.execute(query)).mappings()
        return [mappers.organization_from_row(r) for r in rows]

    async def tree(self) -> OrgTree:
        organizations = tables.organizations
        found = await self._session.execute(select(organizations.c.id, organizations.c.parent_id))
        return OrgTree({OrgId(row.id): row.parent_id for row in found})

    async def _one(self, where: Any) -> Organization | None:
        query = select(tables.organizations).where(where)
        row = (await self._session.execute(query)).mappings().first()
        return mappers.organization_from_row(row) if row else None


class SqlMembershipRepository(_Sql, MembershipRepository):
    async def get(self, person: UserId, org: OrgId) -> Membership | None:
        query = select(tables.memberships).where(
            tables.memberships.c.person_id == person,
            tables.memberships.c.organization_id == org,
        )
        row = (await self._session.execute(query)).mappings().first()
        return mappers.membership_from_row(row) if row else None

    async def of_person(self, person: UserId) -> list[Membership]:
        query = (
            select(tables.memberships)
            .where(tables.memberships.c.person_id == person)
            .order_by(tables.memberships.c.organization_id)
        )
        rows = (await self._session.execute(query)).mappings()
        return [mappers.membership_from_row(r) for r in rows]

    async def put(self, membership: Membership) -> None:
        row, keys = mappers.membership_to_row(membership), ["person_id", "organization_id"]
        await self._session.execute(upsert(self._session, tables.memberships, row, keys))


class SqlInviteRepository(_Sql, InviteRepository):
    async def get(self, token: str) -> Invite | None:
        query = select(tables.invites).where(tables.invites.c.token == token)
        row = (await self._session.execute(query)).mappings().first()
        return mappers.invite_from_row(row) if row else None

    async def add(self, invite: Invite) -> None:
        await self._session.execute(insert(tables.invites).values(mappers.invite_to_row(invite)))

    async def save(self, invite: Invite) -> None:
        row = mappers.invite_to_row(invite)
        where = tables.invites.c.token == invite.token
        await self._session.execute(update(tables.invites).where(where).values(row))

    async def of_organization(self, org: OrgId) -> list[Invite]:
        c = tables.invites.c
        query = (
            select(tables.invites)
            .where(c.organization_id == org)
            .order_by(c.created_at.desc(), c.token.desc())
        )
        rows = (await self._session.execute(query)).mappings()
        return [mappers.invite_from_row(r) for r in rows]
