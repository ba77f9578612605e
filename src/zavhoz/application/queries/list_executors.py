import attrs

from zavhoz.application.queries._viewer import load_viewer
from zavhoz.application.reach import tree_of
from zavhoz.application.transaction import load_request, reaching, seat_at
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.ids import RequestId, UserId
from zavhoz.domain.users import Role, User


@attrs.frozen
class Worker:
    user: User
    load: int
    """Requests in progress or on hold assigned to them."""


class ListExecutors(Service):
    """Who may be given the request: executors and admins reaching its organization, with their
    current load, least busy first."""

    async def __call__(self, viewer_id: UserId, request_id: RequestId) -> list[Worker]:
        async with self._reading() as uow:
            request = await load_request(uow, request_id)
            await seat_at(uow, await load_viewer(uow, viewer_id), request)
            people = await reaching(uow, request.organization, Role.EXECUTOR, Role.ADMIN)
            load = await uow.queries.workload()
        workers = [Worker(person, load.get(person.id, 0)) for person in people]
        return sorted(workers, key=lambda w: (w.load, w.user.name, w.user.id))


class ListAllWorkers(Service):
    """Everyone who works on requests in some organization (for the executors' command menu)."""

    async def __call__(self) -> list[User]:
        async with self._reading() as uow:
            everywhere = (await tree_of(uow)).parents
            return await uow.users.with_role([Role.EXECUTOR, Role.ADMIN], everywhere)
