"""A request card: what the viewer may see of it, and what they may do to it now."""

from collections.abc import Iterable, Mapping
from datetime import datetime
from functools import cached_property

import attrs

from zavhoz.application.ports import UnitOfWork
from zavhoz.application.queries._viewer import load_viewer
from zavhoz.application.transaction import seat_at
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import DomainError, NotFound, NotPermitted
from zavhoz.domain.events import HistoryEvent
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.policy import can_view, refusals
from zavhoz.domain.request import Request
from zavhoz.domain.users import User
from zavhoz.domain.workflow import Action


@attrs.frozen
class RequestCard:
    request: Request
    history: tuple[HistoryEvent, ...]
    """What this viewer may see: internal notes only for executors and admins."""
    refusals: Mapping[Action, DomainError]
    """Why the viewer may not do each action they may not do now (the use case's own error)."""
    missed_deadline: datetime | None
    """The missed deadline, when there is one."""
    names: Mapping[UserId, str] = attrs.field(factory=dict)
    """Names of the author, the assignee and everyone in the visible history."""

    @cached_property
    def actions(self) -> frozenset[Action]:
        """What the viewer may do now: what the card offers."""
        return frozenset(set(Action) - set(self.refusals))

    def refusal(self, action: Action) -> DomainError | None:
        """May the viewer do ``action`` now, and if not, why (the error the use case raises)."""
        return self.refusals.get(action)


class GetRequestCard(Service):
    async def __call__(self, viewer_id: UserId, request_id: RequestId) -> RequestCard:
        now = self._clock.now()
        async with self._reading() as uow:
            viewer = await load_viewer(uow, viewer_id)
            found = await uow.queries.with_history(request_id)
            if found is None:
                raise NotFound("request", str(request_id))
            request, events = found
            viewer = await seat_at(uow, viewer, request)
            if not can_view(viewer, request):
                raise NotPermitted("view", "not_a_participant")
            history = tuple(e for e in events if _visible(e, viewer, request))
            names = await _names(
                uow, [request.author, request.assignee, *(e.actor for e in history)]
            )
        return RequestCard(
            request=request,
            history=history,
            names=names,
            refusals=refusals(viewer, request, now),
            missed_deadline=request.due_at if request.is_overdue(now) else None,
        )


def _visible(event: HistoryEvent, viewer: User, request: Request) -> bool:
    """Internal notes are for executors and admins, and never for the author (DOMAIN.md)."""
    return not event.is_internal or (viewer.is_executor and viewer.id != request.author)


async def _names(uow: UnitOfWork, ids: Iterable[UserId | None]) -> dict[UserId, str]:
    names: dict[UserId, str] = {}
    for user_id in {i for i in ids if i is not None}:
        person = await uow.users.get(user_id)
        names[user_id] = person.name if person and person.name else str(user_id)
    return names
