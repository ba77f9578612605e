import attrs

from zavhoz.application.use_cases._service import Service
from zavhoz.domain.users import Role, User


@attrs.frozen
class Worker:
    user: User
    load: int
    """Requests in progress or on hold assigned to them."""


class ListExecutors(Service):
    """Active executors and admins with their current load, least busy first (for assigning)."""

    async def __call__(self) -> list[Worker]:
        async with self._reading() as uow:
            people = await uow.users.with_role([Role.EXECUTOR, Role.ADMIN])
            load = await uow.queries.workload()
        workers = [Worker(person, load.get(person.id, 0)) for person in people]
        return sorted(workers, key=lambda w: (w.load, w.user.name, w.user.id))
