from zavhoz.application.filters import QueueFilter, parse_number, search_words
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.queries._viewer import load_viewer, work_scope
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.catalog import Status
from zavhoz.domain.ids import UserId
from zavhoz.domain.request import Request


class SearchRequests(Service):
    """By number (``142``, ``#142``, ``№142``: the number people say in their organization) or
    by every word in location or description."""

    async def __call__(self, viewer_id: UserId, text: str, page: PageRequest) -> Page[Request]:
        async with self._reading() as uow:
            viewer = await load_viewer(uow, viewer_id, executors_only=True)
            number = parse_number(text)
            if number is not None:
                found = await uow.queries.by_number(viewer.organization, number)
                items = (found,) if found is not None else ()
                return Page(items, len(items), 0, page.limit)
            scope = await work_scope(uow, viewer)
            query = QueueFilter(
                statuses=frozenset(Status), words=search_words(text), organizations=scope
            )
            return await uow.queries.queue(query, self._clock.now(), page)
