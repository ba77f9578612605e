from zavhoz.application.ports import UnitOfWork
from zavhoz.application.transaction import load_user
from zavhoz.domain.errors import NotPermitted
from zavhoz.domain.ids import UserId
from zavhoz.domain.users import User


async def load_viewer(uow: UnitOfWork, viewer_id: UserId, *, executors_only: bool = False) -> User:
    viewer = await load_user(uow, viewer_id)
    if not viewer.is_active:
        raise NotPermitted("view", f"user_is_{viewer.state.value}")
    if executors_only and not viewer.is_executor:
        raise NotPermitted("view", "executors_only")
    return viewer
