from zavhoz.application.paging import Page, PageRequest
from zavhoz.application.queries._viewer import load_viewer
from zavhoz.application.use_cases._service import Service
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User, UserState


class ListUsers(Service):
    """Admins' list of people, optionally only those in one state (e.g. pending approval)."""

    async def __call__(
        self, viewer_id: UserId, page: PageRequest, state: UserState | None = None
    ) -> Page[User]:
        async with self._reading() as uow:
            viewer = await load_viewer(uow, viewer_id)
            if not viewer.is_admin:
                raise NotPermitted("manage_users", "admins_only")
            return await uow.users.page_by_state(state, page)
