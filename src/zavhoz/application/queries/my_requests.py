from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.queries._viewer import load_viewer
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.catalog import ACTIVE_STATUSES, Status
from zavhoz.domain.ids import UserId
from zavhoz.domain.request import Request


class GetMyRequests(Service):
    """The viewer's own requests, newest first; ``active_only`` hides finished ones."""

    async def __call__(
        self, viewer_id: UserId, page: PageRequest, *, active_only: bool = False
    ) -> Page[Request]:
        statuses = ACTIVE_STATUSES if active_only else frozenset(Status)
        async with self._reading() as uow:
            viewer = await load_viewer(uow, viewer_id)
            return await uow.queries.by_author(viewer.id, statuses, page)
