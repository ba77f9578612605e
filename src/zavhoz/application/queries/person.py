"""One person's card in «👥 Пользователи»: for admins only, like the list."""

from zavhoz.application.queries._viewer import load_viewer
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import NotFound, NotPermitted
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User


class GetPerson(Service):
    async def __call__(self, viewer_id: UserId, person_id: UserId) -> User:
        async with self._reading() as uow:
            viewer = await load_viewer(uow, viewer_id)
            if not viewer.is_admin:
                raise NotPermitted("manage_users", "admins_only")
            person = await uow.users.get(person_id)
        if person is None:
            raise NotFound("user", str(person_id))
        return person
