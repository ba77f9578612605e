"""Business metrics from the unit of work: what a committed transaction recorded is counted.

``MeteredUnitOfWork`` wraps any ``UnitOfWork`` (memory, SQL) through the port alone and watches
what the core hands it: history events appended (``created`` → requests created by priority and
category, every other kind → a transition of that action), the SLA events a saved request
recorded (``SlaReached`` → SLA alerts by level and priority; collected from the aggregate as it is
saved) and deliveries marked sent, retry, dead or dropped (→ notifications by outcome). Nothing
is counted until the commit succeeds; a rolled back or failed transaction counts nothing.

While an update is being handled, a commit that touched exactly one request binds its number
as ``request_id`` to the log context, so the lines after it say which request it was.
"""

from collections import Counter
from collections.abc import Collection, Iterable, Sequence
from datetime import datetime, timedelta
from types import TracebackType
from typing import Self

import structlog

from zavhoz.adapters.observability.metrics import Metrics
from zavhoz.application.delivery import DeadLetter, Delivery, DeliveryQueue
from zavhoz.application.ports import (
    HistoryRepository,
    InviteRepository,
    MembershipRepository,
    OrganizationRepository,
    Outbox,
    RequestQueries,
    RequestRepository,
    RoomRepository,
    UnitOfWork,
    UnitOfWorkFactory,
    UserRepository,
)
from zavhoz.domain.events import EventKind, HistoryEvent, SlaReached
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.request import Request

UNKNOWN = "unknown"


class _Tally:
    """What one transaction recorded, waiting for its commit."""

    def __init__(self) -> None:
        self.requests: dict[RequestId, Request] = {}
        self.created: list[tuple[str, str]] = []
        self.transitions: list[str] = []
        self.sla_alerts: list[tuple[str, str]] = []
        self.notifications: Counter[str] = Counter()
        self.touched: set[RequestId] = set()

    def seen(self, request: Request | None) -> Request | None:
        if request is not None:
            self.requests[request.id] = request
        return request

    def reached(self, events: Iterable[SlaReached]) -> None:
        self.sla_alerts += [(e.level.value, e.priority.value) for e in events]

    def appended(self, request_id: RequestId, events: Sequence[HistoryEvent]) -> None:
        self.touched.add(request_id)
        for event in events:
            if event.kind is EventKind.CREATED:
                request = self.requests.get(request_id)
                self.created.append(
                    (request.priority.value, request.category.value)
                    if request is not None
                    else (UNKNOWN, UNKNOWN)
                )
            else:
                self.transitions.append(event.kind.value)

    def count(self, metrics: Metrics) -> None:
        for priority, category in self.created:
            metrics.request_created(priority, category)
        for action in self.transitions:
            metrics.transition(action)
        for level, priority in self.sla_alerts:
            metrics.sla_alert(level, priority)
        for outcome, number in self.notifications.items():
            metrics.notification(outcome, number)


class _Requests(RequestRepository):
    def __init__(self, inner: RequestRepository, owner: "MeteredUnitOfWork") -> None:
        self.inner, self._owner = inner, owner

    @property
    def _tally(self) -> _Tally:
        return self._owner.tally

    async def get(self, request_id: RequestId) -> Request | None:
        return self._tally.seen(await self.inner.get(request_id))

    async def add(self, request: Request) -> None:
        await self.inner.add(request)
        self._tally.seen(request)

    async def save(self, request: Request) -> None:
        """The SLA events are taken off the aggregate first, so no stored copy keeps them."""
        reached = request.pull_sla_events()
        await self.inner.save(request)
        self._tally.seen(request)
        self._tally.reached(reached)

    async def by_idempotency_key(self, author: UserId, key: str) -> Request | None:
        return self._tally.seen(await self.inner.by_idempotency_key(author, key))

    async def due_for_sla(self, now: datetime, limit: int) -> list[Request]:
        return await self.inner.due_for_sla(now, limit)


class _History(HistoryRepository):
    def __init__(self, inner: HistoryRepository, owner: "MeteredUnitOfWork") -> None:
        self.inner, self._owner = inner, owner

    @property
    def _tally(self) -> _Tally:
        return self._owner.tally

    async def append(self, request_id: RequestId, events: Sequence[HistoryEvent]) -> None:
        await self.inner.append(request_id, events)
        self._tally.appended(request_id, events)

    async def of(self, request_id: RequestId) -> list[HistoryEvent]:
        return await self.inner.of(request_id)


class _Deliveries(DeliveryQueue):
    def __init__(self, inner: DeliveryQueue, owner: "MeteredUnitOfWork") -> None:
        self.inner, self._owner = inner, owner

    @property
    def _tally(self) -> _Tally:
        return self._owner.tally

    async def claim(self, now: datetime, limit: int, lease: timedelta) -> list[Delivery]:
        return await self.inner.claim(now, limit, lease)

    async def claim_fairly(
        self,
        now: datetime,
        limit: int,
        lease: timedelta,
        per_recipient: int,
        holding: Collection[int] = (),
    ) -> list[Delivery]:
        return await self.inner.claim_fairly(now, limit, lease, per_recipient, holding)

    async def release(self, delivery_ids: Collection[int]) -> None:
        await self.inner.release(delivery_ids)

    async def sent(self, delivery_id: int, at: datetime) -> None:
        await self.inner.sent(delivery_id, at)
        self._tally.notifications["sent"] += 1

    async def retry(self, delivery_id: int, at: datetime, error: str) -> None:
        await self.inner.retry(delivery_id, at, error)
        self._tally.notifications["retry"] += 1

    async def dead(self, delivery_id: int, reason: str) -> None:
        await self.inner.dead(delivery_id, reason)
        self._tally.notifications["dead"] += 1

    async def dropped(self, delivery_id: int, reason: str) -> None:
        await self.inner.dropped(delivery_id, reason)
        self._tally.notifications["dropped"] += 1

    async def dead_letters(self, limit: int) -> Sequence[DeadLetter]:
        return await self.inner.dead_letters(limit)

    async def backlog(self, now: datetime) -> int:
        return await self.inner.backlog(now)


class MeteredUnitOfWork(UnitOfWork):
    """``inner`` with counting. Repositories are looked up on ``inner`` at every access, since
    implementations replace them (per ``async with``, or after a commit)."""

    def __init__(self, inner: UnitOfWork, metrics: Metrics) -> None:
        self._inner = inner
        self._metrics = metrics
        self.tally = _Tally()
        self._requests: _Requests | None = None
        self._history: _History | None = None
        self._deliveries: _Deliveries | None = None

    # --- the repositories -----------------------------------------------------------------

    @property
    def requests(self) -> RequestRepository:
        current = self._inner.requests
        if self._requests is None or self._requests.inner is not current:
            self._requests = _Requests(current, self)
        return self._requests

    @requests.setter
    def requests(self, value: RequestRepository) -> None:
        self._inner.requests = value

    @property
    def history(self) -> HistoryRepository:
        current = self._inner.history
        if self._history is None or self._history.inner is not current:
            self._history = _History(current, self)
        return self._history

    @history.setter
    def history(self, value: HistoryRepository) -> None:
        self._inner.history = value

    @property
    def deliveries(self) -> DeliveryQueue:
        current = self._inner.deliveries
        if self._deliveries is None or self._deliveries.inner is not current:
            self._deliveries = _Deliveries(current, self)
        return self._deliveries

    @deliveries.setter
    def deliveries(self, value: DeliveryQueue) -> None:
        self._inner.deliveries = value

    @property
    def organizations(self) -> OrganizationRepository:
        return self._inner.organizations

    @organizations.setter
    def organizations(self, value: OrganizationRepository) -> None:
        self._inner.organizations = value

    @property
    def memberships(self) -> MembershipRepository:
        return self._inner.memberships

    @memberships.setter
    def memberships(self, value: MembershipRepository) -> None:
        self._inner.memberships = value

    @property
    def invites(self) -> InviteRepository:
        return self._inner.invites

    @invites.setter
    def invites(self, value: InviteRepository) -> None:
        self._inner.invites = value

    @property
    def users(self) -> UserRepository:
        return self._inner.users

    @users.setter
    def users(self, value: UserRepository) -> None:
        self._inner.users = value

    @property
    def rooms(self) -> RoomRepository:
        return self._inner.rooms

    @rooms.setter
    def rooms(self, value: RoomRepository) -> None:
        self._inner.rooms = value

    @property
    def outbox(self) -> Outbox:
        return self._inner.outbox

    @outbox.setter
    def outbox(self, value: Outbox) -> None:
        self._inner.outbox = value

    @property
    def queries(self) -> RequestQueries:
        return self._inner.queries

    @queries.setter
    def queries(self, value: RequestQueries) -> None:
        self._inner.queries = value

    # --- the transaction ------------------------------------------------------------------

    async def __aenter__(self) -> Self:
        await self._inner.__aenter__()
        self.tally = _Tally()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.tally = _Tally()
        await self._inner.__aexit__(exc_type, exc, traceback)

    async def commit(self) -> None:
        tally, self.tally = self.tally, _Tally()
        await self._inner.commit()
        tally.count(self._metrics)
        _bind_request(tally.touched)


def _bind_request(touched: Iterable[RequestId]) -> None:
    ids = set(touched)
    if len(ids) == 1 and "update_id" in structlog.contextvars.get_contextvars():
        structlog.contextvars.bind_contextvars(request_id=ids.pop())


def metered_uow_factory(uow_factory: UnitOfWorkFactory, metrics: Metrics) -> UnitOfWorkFactory:
    """Every unit of work from ``uow_factory``, counted into ``metrics``."""
    return lambda *, read_only=False: MeteredUnitOfWork(uow_factory(read_only=read_only), metrics)
