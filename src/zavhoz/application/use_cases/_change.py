"""The shape every change to an existing request shares: load, act, store, notify, commit."""

from abc import ABC, abstractmethod
from datetime import datetime
from typing import Generic, Protocol, TypeVar

import attrs

from zavhoz.application.org_settings import workflow_of
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.recording import record_changes
from zavhoz.application.settings import WorkflowSettings
from zavhoz.application.transaction import in_transaction, load_request, load_user, seat_at
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import ChangedMeanwhile, NotPermitted
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.policy import can_view
from zavhoz.domain.request import Request
from zavhoz.domain.users import User


class RequestCommand(Protocol):
    @property
    def actor_id(self) -> UserId: ...

    @property
    def request_id(self) -> RequestId: ...


C = TypeVar("C", bound=RequestCommand)


@attrs.frozen
class Change:
    uow: UnitOfWork
    request: Request
    actor: User
    now: datetime
    settings: WorkflowSettings
    """The workflow of the request's organization."""


class RequestChange(Service, ABC, Generic[C]):
    async def __call__(self, command: C, *, seen: int | None = None) -> Request:
        """Act on the request; with ``seen``, only if it is still at that version."""

        async def work(uow: UnitOfWork) -> Request:
            request = await load_request(uow, command.request_id)
            actor = await seat_at(uow, await load_user(uow, command.actor_id), request)
            if seen is not None:
                _as_seen(actor, request, seen)
            settings = await workflow_of(uow, self._settings, request.organization)
            await self._apply(command, Change(uow, request, actor, self._clock.now(), settings))
            await record_changes(uow, request, settings)
            return request

        return await in_transaction(self._uow_factory, work)

    @abstractmethod
    async def _apply(self, command: C, change: Change) -> None:
        """Call the domain; raise a domain error to change nothing."""


def _as_seen(actor: User, request: Request, seen: int) -> None:
    """Acting from a card: the actor may see it, and it is still the version they saw."""
    if not can_view(actor, request):
        raise NotPermitted("view", "not_a_participant")
    if request.version != seen:
        raise ChangedMeanwhile(request.id, seen)
