import attrs

from zavhoz.application.filters import QueueFilter
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.queries._viewer import load_viewer, work_scope
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import UserId
from zavhoz.domain.request import Request


class GetQueue(Service):
    """Executors' queue, most urgent first; ``mine`` keeps the viewer's, ``overdue`` late ones."""

    async def __call__(
        self,
        viewer_id: UserId,
        query: QueueFilter,
        page: PageRequest,
        *,
        mine: bool = False,
        overdue: bool = False,
    ) -> Page[Request]:
        now = self._clock.now()
        async with self._reading() as uow:
            viewer = await load_viewer(uow, viewer_id, executors_only=True)
            narrowed = attrs.evolve(
                query,
                assignee=viewer.id if mine else query.assignee,
                overdue_at=now if overdue else query.overdue_at,
                organizations=await work_scope(uow, viewer),
            )
            return await uow.queries.queue(narrowed, now, page)
