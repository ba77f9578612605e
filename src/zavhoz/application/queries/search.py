from zavhoz.application.filters import QueueFilter, parse_number, search_words
from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.ports import UnitOfWork
from zavhoz.application.queries._viewer import load_viewer
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.catalog import Status
from zavhoz.domain.ids import OrgId, RequestId, UserId
from zavhoz.domain.request import Request


class SearchRequests(Service):
    """By number (``142``, ``#142``, ``№142``: the number people say in their organization) or
    by every word in location or description."""

    async def __call__(self, viewer_id: UserId, text: str, page: PageRequest) -> Page[Request]:
        async with self._reading() as uow:
            viewer = await load_viewer(uow, viewer_id, executors_only=True)
            number = parse_number(text)
            if number is not None:
                found = await numbered(uow, viewer.organization, number)
                items = (found,) if found is not None else ()
                return Page(items, len(items), 0, page.limit)
            query = QueueFilter(statuses=frozenset(Status), words=search_words(text))
            return await uow.queries.queue(query, self._clock.now(), page)


async def numbered(uow: UnitOfWork, organization: OrgId, number: int) -> Request | None:
    """Request №``number`` of ``organization``; none of another organization, whatever its number.

    No port finds by number yet: this finds the request whose id is the number and whose number
    is it too (every request numbered before organizations; 0 is a request not numbered yet).
    """
    found = await uow.requests.get(RequestId(number))
    if found is None or found.organization != organization:
        return None
    return found if found.number in (number, 0) else None
