"""Running a piece of work in one unit of work, retried when someone changed the same data first."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from zavhoz.application.ports import UnitOfWork, UnitOfWorkFactory
from zavhoz.application.reach import reach_of, tree_of
from zavhoz.domain.errors import ConcurrentUpdate, NotFound
from zavhoz.domain.ids import OrgId, RequestId, UserId
from zavhoz.domain.organizations import seated
from zavhoz.domain.request import Request
from zavhoz.domain.users import Role, User

T = TypeVar("T")

ATTEMPTS = 3


async def in_transaction(
    uow_factory: UnitOfWorkFactory, work: Callable[[UnitOfWork], Awaitable[T]]
) -> T:
    """Run ``work`` and commit; on ``ConcurrentUpdate`` start again on fresh data."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            async with uow_factory() as uow:
                result = await work(uow)
                await uow.commit()
                return result
        except ConcurrentUpdate:
            if attempt == ATTEMPTS:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def load_user(uow: UnitOfWork, user_id: UserId) -> User:
    user = await uow.users.get(user_id)
    if user is None:
        raise NotFound("user", str(user_id))
    return user


async def load_request(uow: UnitOfWork, request_id: RequestId) -> Request:
    request = await uow.requests.get(request_id)
    if request is None:
        raise NotFound("request", str(request_id))
    return request


async def reaching(uow: UnitOfWork, org: OrgId, *roles: Role) -> list[User]:
    """Everyone whose role at ``org``, or above it, is one of ``roles``."""
    chain = (await tree_of(uow)).chain(org)
    return await uow.users.with_role(roles, chain)


async def seat_at(uow: UnitOfWork, actor: User, request: Request) -> User:
    """The actor as they act on ``request``; beyond their reach it does not exist for them."""
    seat = await _seat(uow, actor, request)
    if seat is None:
        raise NotFound("request", str(request.id))
    return seat


async def load_worker(uow: UnitOfWork, person: UserId, request: Request) -> User:
    """Whom ``request`` may be given to, as they work on it; nobody beyond its organization."""
    seat = await _seat(uow, await load_user(uow, person), request)
    if seat is None:
        raise NotFound("user", str(person))
    return seat


async def _seat(uow: UnitOfWork, user: User, request: Request) -> User | None:
    """Seated by reach; in their own organization a blocked or pending person stays as they
    are, so the domain refuses them by their state."""
    seat = seated(user, await reach_of(uow, user.id), request.organization)
    if seat is None and user.organization == request.organization:
        return user
    return seat
