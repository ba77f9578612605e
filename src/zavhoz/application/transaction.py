"""Running a piece of work in one unit of work, retried when someone changed the same data first."""

from collections.abc import Awaitable, Callable
from typing import TypeVar

from zavhoz.application.ports import UnitOfWork, UnitOfWorkFactory
from zavhoz.domain.errors import ConcurrentUpdate, NotFound
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.request import Request
from zavhoz.domain.users import User

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
